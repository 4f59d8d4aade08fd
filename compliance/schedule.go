package compliance

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/rules"
)

// schedulerLock is the cluster-wide lock that lets one server at a time run the scheduled
// evaluation.
const schedulerLock = "orglife-scheduled-evaluation"

// settingScheduled is the settings key of the scheduled evaluation's state (scheduledState as
// JSON), shared by every server.
const settingScheduled = "scheduled_evaluation"

// DefaultFullScanInterval is how often the scheduled evaluation makes a full reconciling scan of
// every org when Config.FullScanInterval is 0 (serve --full-scan-interval).
const DefaultFullScanInterval = 24 * time.Hour

// scheduledState is what the scheduled evaluation remembers between runs (in the settings
// table, so that every server and a restart see it).
type scheduledState struct {
	// Through is the instant through which the passing of calendar dates (period boundaries,
	// go-live, rule effective dates, orgs' established and dissolved dates) has been evaluated.
	Through time.Time `json:"through"`
	// Full is the instant of the last full scan.
	Full time.Time `json:"full"`
	// Rules is the rule-set version and Since the go-live date the last full scan ran with.
	Rules string `json:"rules"`
	Since string `json:"since"`
}

// Scan kinds of a scheduled run, in its log line.
const (
	scanFull        = "full"
	scanIncremental = "incremental"
)

// RunScheduledOnce runs the scheduled evaluation if no other server is running it; ran is false
// when the lock was taken elsewhere. The run is incremental (see scheduled): it evaluates what
// the passing of time can have changed since the previous run, and nothing when nothing can have;
// a full scan of every org over the lookback runs instead when there is no previous run, a
// period boundary or another calendar date of the rule set has passed, the rule set or the
// go-live date changed, or the full-scan interval has elapsed.
func (s *Checker) RunScheduledOnce(ctx context.Context) (ran bool, res *EvaluateResult, err error) {
	release, ok, err := s.store.TryLock(ctx, schedulerLock)
	if err != nil || !ok {
		if err == nil {
			s.obs.ScheduledSkipped()
		}
		return false, nil, err
	}
	defer release()
	if s.onScheduled != nil {
		s.onScheduled()
	}
	began := time.Now()
	res, err = s.scheduled(ctx)
	res, err = s.finished(TriggerScheduled, began, res, err)
	return true, res, err
}

// scheduled runs one scheduled evaluation: a full scan when fullScanDue says so, otherwise an
// incremental one. Data changes reach the ledger through the outbox, so the incremental run
// evaluates only what time alone can change: (a) the (org, rule) pairs with a ledger row whose
// next instant of change has passed, from the earliest such row's period; (b) the rules that
// read now, over every org; (c) the orgs whose established or dissolved date has passed since
// the previous run; (d) the (org, rule) pairs of waived violations whose waiver has expired.
func (s *Checker) scheduled(ctx context.Context) (*EvaluateResult, error) {
	rs := s.RuleSet()
	if rs == nil {
		return nil, errNoRules
	}
	now := s.instant()
	state, err := s.scheduledState(ctx)
	if err != nil {
		return nil, err
	}
	since, err := s.Since(ctx)
	if err != nil {
		return nil, err
	}
	if why := s.fullScanDue(rs, state, day(since), now); why != "" {
		s.log.Debug("scheduled evaluation: full scan", "reason", why)
		res, err := s.evaluate(ctx, orglife.SystemActor, EvaluateParams{AsOf: &now})
		if err != nil {
			return nil, err
		}
		res.scan = scanFull
		st := scheduledState{Through: now, Full: now, Rules: rs.Version, Since: day(since)}
		return res, s.saveScheduledState(ctx, st, now)
	}
	return s.incremental(ctx, rs, state, now)
}

// fullScanDue returns why the scheduled run at now must be a full scan ("" when it need not).
func (s *Checker) fullScanDue(rs *rules.RuleSet, st *scheduledState, since string, now time.Time) string {
	switch {
	case st == nil:
		return "no previous scheduled run"
	case now.Before(st.Through):
		return "the clock is before the previous run"
	case st.Rules != rs.Version:
		return "the rule set changed"
	case st.Since != since:
		return "the go-live date changed"
	case s.fullScanInterval > 0 && now.Sub(st.Full) >= s.fullScanInterval:
		return "the full-scan interval elapsed"
	}
	passed := func(t time.Time) bool { return st.Through.Before(t) && !now.Before(t) }
	if since != "" {
		if d, err := time.ParseInLocation(orglife.DateLayout, since, s.loc); err == nil && passed(d) {
			return "the go-live date passed"
		}
	}
	for _, r := range rs.Rules {
		if r.Every != "" && rules.PeriodOf(st.Through, r.Every, s.loc).Label != rules.PeriodOf(now, r.Every, s.loc).Label {
			return "a period boundary passed (" + r.Every + ")"
		}
		for _, d := range []*time.Time{r.EffectiveFrom, r.EffectiveUntil} {
			if d == nil {
				continue
			}
			y, m, dd := d.UTC().Date()
			if passed(time.Date(y, m, dd, 0, 0, 0, 0, s.loc)) || passed(time.Date(y, m, dd+1, 0, 0, 0, 0, s.loc)) {
				return "an effective date of rule " + r.ID + " passed"
			}
		}
	}
	return ""
}

// orgWork is what an incremental run evaluates for one org: these rules, from this day.
type orgWork struct {
	rules map[string]bool
	from  string
}

// incremental runs the incremental scheduled evaluation (see scheduled).
func (s *Checker) incremental(ctx context.Context, rs *rules.RuleSet, st *scheduledState, now time.Time) (*EvaluateResult, error) {
	today := now.In(s.loc)
	lookback := today.AddDate(0, 0, -s.lookbackDays).Format(orglife.DateLayout)
	work := map[string]*orgWork{}
	add := func(org, rule, from string) {
		w := work[org]
		if w == nil {
			w = &orgWork{rules: map[string]bool{}, from: from}
			work[org] = w
		}
		w.rules[rule] = true
		w.from = min(w.from, from)
	}
	// (a) rows whose next instant has passed
	due, err := s.store.LedgerDue(ctx, now)
	if err != nil {
		return nil, err
	}
	for _, r := range due {
		if rs.Rule(r.Rule) == nil {
			continue // a removed rule: the next full scan retires its rows
		}
		from := lookback
		switch {
		case r.PeriodStart != nil:
			from = *r.PeriodStart
		case r.Due != nil:
			from = r.Due.In(s.loc).Format(orglife.DateLayout)
		}
		add(r.OrgID, r.Rule, from)
	}
	// (d) waived violations whose waiver has expired: their evaluation reopens them
	expired, err := s.store.Violations(ctx, orglife.ViolationFilter{WaiverBefore: now.Add(time.Microsecond)})
	if err != nil {
		return nil, err
	}
	for _, v := range expired {
		if rs.Rule(v.Rule) == nil {
			continue
		}
		from := lookback
		if v.Period != nil {
			if p, err := rules.ParsePeriod(*v.Period, s.loc); err == nil {
				from = p.Start.Format(orglife.DateLayout)
			}
		}
		add(v.OrgID, v.Rule, from)
	}
	// (b) rules reading now, and (c) orgs whose established or dissolved date passed
	nowRules := rs.RulesReadingNow()
	orgs, err := s.store.Orgs(ctx, nil)
	if err != nil {
		return nil, err
	}
	datesPassed := false
	passed := func(d string, days int) bool {
		t, err := time.ParseInLocation(orglife.DateLayout, d, s.loc)
		t = t.AddDate(0, 0, days)
		return err == nil && st.Through.Before(t) && !now.Before(t)
	}
	for _, o := range orgs {
		for _, r := range nowRules {
			add(o.ID, r, lookback)
		}
		for _, d := range []*string{o.EstablishedOn, o.DissolvedOn} {
			if d != nil && (passed(*d, 0) || passed(*d, 1)) {
				datesPassed = true
				for _, r := range rs.Rules {
					add(o.ID, r.ID, lookback)
				}
			}
		}
	}
	res := &EvaluateResult{AsOf: now, From: today.Format(orglife.DateLayout), To: today.Format(orglife.DateLayout),
		RuleVersion: rs.Version, ByStatus: map[orglife.Status]int{}, Persisted: true, scan: scanIncremental}
	if err := s.runWork(ctx, work, res); err != nil {
		return nil, err
	}
	if datesPassed {
		st.Through = now
		if err := s.saveScheduledState(ctx, *st, now); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// runWork evaluates and persists work, grouping the orgs that need the same rules from the same
// day into one run (batches of evalBatch orgs), and adds the runs' counts to res.
func (s *Checker) runWork(ctx context.Context, work map[string]*orgWork, res *EvaluateResult) error {
	type group struct {
		rules []string
		from  string
		orgs  []string
	}
	groups := map[string]*group{}
	for org, w := range work {
		ids := make([]string, 0, len(w.rules))
		for id := range w.rules {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		key := strings.Join(ids, ",") + "|" + w.from
		g := groups[key]
		if g == nil {
			g = &group{rules: ids, from: w.from}
			groups[key] = g
		}
		g.orgs = append(g.orgs, org)
	}
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range groups {
			if !yield(k) {
				return
			}
		}
	})
	today := res.AsOf.In(s.loc)
	for _, k := range keys {
		g := groups[k]
		from := g.from
		if s.maxSpanDays > 0 { // periods further back are left to an explicit evaluation
			from = max(from, today.AddDate(0, 0, 1-s.maxSpanDays).Format(orglife.DateLayout))
		}
		sp, err := s.resolve(EvaluateParams{From: from})
		if err != nil {
			return err
		}
		slices.Sort(g.orgs)
		sp.orgIDs, sp.persist, sp.ruleIDs = g.orgs, true, g.rules
		r, err := s.run(ctx, sp)
		if err != nil {
			return err
		}
		res.Orgs += r.Orgs
		res.Rows += r.Rows
		for st, n := range r.ByStatus {
			res.ByStatus[st] += n
		}
		res.Opened, res.Cleared, res.Reopened = res.Opened+r.Opened, res.Cleared+r.Cleared, res.Reopened+r.Reopened
		res.From = min(res.From, r.From)
	}
	return nil
}

// scheduledState reads the scheduled evaluation's state; nil when there is none (or it cannot
// be read: the next run is then a full scan, which rewrites it).
func (s *Checker) scheduledState(ctx context.Context) (*scheduledState, error) {
	v, err := s.store.Setting(ctx, settingScheduled)
	switch {
	case orglife.ErrorCode(err) == orglife.ENOTFOUND:
		return nil, nil
	case err != nil:
		return nil, err
	}
	var st scheduledState
	if err := json.Unmarshal([]byte(v), &st); err != nil {
		s.log.Warn("scheduled evaluation: unreadable state; running a full scan", "value", v, "err", err)
		return nil, nil
	}
	return &st, nil
}

// saveScheduledState stores the scheduled evaluation's state.
func (s *Checker) saveScheduledState(ctx context.Context, st scheduledState, now time.Time) error {
	b, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("compliance: scheduled state: %w", err)
	}
	return s.store.SetSetting(ctx, settingScheduled, string(b), now)
}

// Schedule runs the scheduled evaluation now and then every interval until ctx ends; each tick
// first runs Config.Housekeeping (serve: engine's pruning of old idempotency keys). Every server
// runs Schedule; the lock makes one of them evaluate each time, and when that server dies its
// lock goes with its connection, so another takes over at its next tick.
func (s *Checker) Schedule(ctx context.Context, interval time.Duration) {
	if interval <= 0 {
		return
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		s.housekeeping(ctx)
		ran, res, err := s.RunScheduledOnce(ctx)
		switch {
		case err != nil:
			if ctx.Err() == nil {
				s.log.Error("scheduled evaluation failed", "err", err)
			}
		case ran:
			s.log.Info("scheduled evaluation", "scan", res.scan, "as_of", res.AsOf, "orgs", res.Orgs, "rows", res.Rows,
				"opened", res.Opened, "cleared", res.Cleared, "reopened", res.Reopened)
		default:
			s.log.Debug("scheduled evaluation skipped: another server holds the lock")
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
