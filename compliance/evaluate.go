package compliance

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/rules"
)

// EvaluateParams select what an evaluation covers. From and To are dates (YYYY-MM-DD); every
// period overlapping them is evaluated. Defaults: as_of now, from as_of minus the lookback, to
// as_of, every org (or the caller's subtree).
type EvaluateParams struct {
	AsOf  *time.Time `json:"as_of"`
	From  string     `json:"from"`
	To    string     `json:"to"`
	OrgID string     `json:"org_id"`
	// DryRun computes and reports without persisting, whatever the as_of.
	DryRun bool `json:"dry_run"`
}

// EvaluateResult counts what an evaluation produced.
type EvaluateResult struct {
	AsOf        time.Time              `json:"as_of"`
	From        string                 `json:"from"`
	To          string                 `json:"to"`
	RuleVersion string                 `json:"rule_version"`
	Orgs        int                    `json:"orgs"`
	Rows        int                    `json:"rows"`
	ByStatus    map[orglife.Status]int `json:"by_status"`
	Opened      int                    `json:"opened"`
	Cleared     int                    `json:"cleared"`
	Reopened    int                    `json:"reopened"`
	// Persisted is false for an evaluation as of a past instant (it reports what was known then)
	// or a future one (a forecast): both leave the stored ledger and violations (the present)
	// alone.
	Persisted bool `json:"persisted"`
	// Violations counts, for an evaluation that was not persisted, the violations its rows call
	// for, by severity.
	Violations map[string]int `json:"violations,omitempty"`

	// scan is, for a scheduled run, scanFull or scanIncremental (for its log line).
	scan string
}

// evalBatch is how many orgs one bulk read covers.
const evalBatch = 500

// evalSpec is a resolved evaluation request.
type evalSpec struct {
	asOf     time.Time
	from, to time.Time
	orgIDs   []string // the orgs to evaluate
	persist  bool
	rules    *rules.RuleSet
	collect  func(batch []string, rows []orglife.LedgerRow) // receives each batch's orgs and rows when not nil
	since    time.Time                                      // the go-live date (set by run)
	// beforeSince lets the evaluation cover periods before the go-live date (to retire them)
	beforeSince bool
	// ruleIDs limits the evaluation to these rules (nil: every rule of the set); the rows of the
	// other rules are left as they are.
	ruleIDs []string
	// narrow names rules of ruleIDs evaluated only in the periods containing one of days (each
	// clamped into [from, to]) instead of every period of [from, to] (the outbox worker).
	narrow map[string]bool
	days   []time.Time
	// changed names the instances whose change the evaluation follows (the outbox worker): the
	// record cache is used (see cachedRecords); nil: a full read.
	changed []string
	// locked: the transaction holds the evaluation locks of orgIDs already (the outbox worker
	// takes its org's lock before it reads the cited rows); persistBatch does not ask again.
	locked bool
	// yield: the batch gives way to changes in flight (one evaluation goroutine; see run).
	yield bool
	// records, when set, are the batch's records, read before its evaluation (cachedRecords).
	records *prefetched
}

// RuleSet returns the active rule set.
func (s *Checker) RuleSet() *rules.RuleSet { return s.ruleSet.Load() }

// SetRuleSet activates a rule set for every later evaluation.
func (s *Checker) SetRuleSet(rs *rules.RuleSet) { s.ruleSet.Store(rs) }

// resolve fills the defaults of an evaluation request and checks its dates.
func (s *Checker) resolve(p EvaluateParams) (evalSpec, error) {
	sp := evalSpec{asOf: s.instant(), rules: s.RuleSet()}
	if p.AsOf != nil {
		sp.asOf = p.AsOf.UTC().Truncate(time.Microsecond)
	}
	day := func(s string, def time.Time, loc *time.Location) (time.Time, error) {
		if s == "" {
			y, m, d := def.In(loc).Date()
			return time.Date(y, m, d, 0, 0, 0, 0, loc), nil
		}
		return time.ParseInLocation(orglife.DateLayout, s, loc)
	}
	var err error
	if sp.to, err = day(p.To, sp.asOf, s.loc); err != nil {
		return sp, orglife.Errorf(orglife.EINVALID, "to must be a date YYYY-MM-DD")
	}
	if sp.from, err = day(p.From, sp.asOf.AddDate(0, 0, -s.lookbackDays), s.loc); err != nil {
		return sp, orglife.Errorf(orglife.EINVALID, "from must be a date YYYY-MM-DD")
	}
	if sp.to.Before(sp.from) {
		return sp, orglife.Errorf(orglife.EINVALID, "from must not be after to")
	}
	if days := spanDays(sp.from, sp.to); s.maxSpanDays > 0 && days > s.maxSpanDays {
		return sp, &orglife.Error{Code: orglife.EINVALID,
			Message: fmt.Sprintf("from %s to %s spans %d days; one evaluation may span at most %d days (budget max_span_days, serve --max-span-days)",
				sp.from.Format(orglife.DateLayout), sp.to.Format(orglife.DateLayout), days, s.maxSpanDays),
			Details: []orglife.Detail{{Field: "from", Message: fmt.Sprintf("at most %d days before to", s.maxSpanDays)}}}
	}
	return sp, nil
}

// spanDays counts the days from from to to (dates at midnight; both inclusive), without
// overflowing on distant years.
func spanDays(from, to time.Time) int {
	if to.Year()-from.Year() > 100 {
		return (to.Year() - from.Year()) * 365
	}
	return int(to.Sub(from).Round(time.Hour).Hours()/24) + 1
}

// scopeOrgs returns the orgs an evaluation or a report covers: the subtree of orgID (checked
// against the actor's scope), or everything the actor may read.
func (s *Checker) scopeOrgs(ctx context.Context, actor orglife.Actor, orgID string) ([]string, error) {
	if err := orglife.InvalidInput(orglife.CheckID("org_id", orgID)); err != nil {
		return nil, err
	}
	if orgID == "" {
		ids, err := s.readableOrgs(ctx, actor)
		if err != nil || ids != nil {
			return ids, err
		}
		orgs, err := s.store.Orgs(ctx, nil)
		if err != nil {
			return nil, err
		}
		for _, o := range orgs {
			ids = append(ids, o.ID)
		}
		return ids, nil
	}
	sc, err := s.orgScope(ctx, s.store, actor, orgID)
	if err != nil {
		return nil, err
	}
	if !sc.Read {
		return nil, orglife.OutOfScope("org " + orgID)
	}
	if actor.Role == orglife.RoleBranch {
		return []string{orgID}, nil
	}
	return s.store.Subtree(ctx, orgID)
}

// backdated is how far before now an as_of must lie for an evaluation to count as a look into
// the past rather than a run of the present.
const backdated = time.Minute

// persists reports whether an evaluation as of asOf writes the ledger: only runs of the present
// do. A run as of a past instant must not overwrite today's statuses with older ones, and a run
// as of a future instant is a forecast: nothing in the ledger is ever dated after now.
func (s *Checker) persists(asOf time.Time) bool {
	now := s.instant()
	return !asOf.Before(now.Add(-backdated)) && !asOf.After(now)
}

// Evaluate runs an evaluation (admin only) and persists the ledger and violations; as of a past
// instant it only computes (see EvaluateResult.Persisted).
func (s *Checker) Evaluate(ctx context.Context, actor orglife.Actor, p EvaluateParams) (*EvaluateResult, error) {
	began := time.Now()
	res, err := s.evaluate(ctx, actor, p)
	return s.finished(TriggerRequest, began, res, err)
}

// evaluate is Evaluate without the observer.
func (s *Checker) evaluate(ctx context.Context, actor orglife.Actor, p EvaluateParams) (*EvaluateResult, error) {
	if !actor.IsAdmin() {
		return nil, orglife.Errorf(orglife.EFORBIDDEN, "only an admin may run evaluations")
	}
	sp, err := s.resolve(p)
	if err != nil {
		return nil, err
	}
	if sp.orgIDs, err = s.scopeOrgs(ctx, actor, p.OrgID); err != nil {
		return nil, err
	}
	sp.persist = s.persists(sp.asOf) && !p.DryRun
	return s.run(ctx, sp)
}

// errNoRules answers evaluations when no rule set is active.
var errNoRules = orglife.Errorf(orglife.EUNPROCESSABLE, "no rule set is active")

// run evaluates the orgs of sp in batches: one bulk read of orgs, members and records per batch,
// pure evaluation per org, and (when persisting) one bulk write of ledger and violations. A
// persisting batch is one transaction that takes the evaluation lock of its orgs before it reads
// them and holds it until its rows are written (see persistBatch); nothing else serializes runs.
func (s *Checker) run(ctx context.Context, sp evalSpec) (*EvaluateResult, error) {
	res, ok, err := s.prepare(ctx, s.store, &sp)
	if err != nil || !ok {
		return res, err
	}
	failed := map[string]bool{} // rules whose failure was logged in this run
	for start := 0; start < len(sp.orgIDs); {
		// While changes are in flight in this process, a scan gives way (activity.go): small
		// batches, one evaluation goroutine, and a short wait for the changes before each batch.
		size := evalBatch
		if sp.yield = s.active.busy(); sp.yield {
			size = yieldBatch
			s.active.waitIdle(ctx, yieldWait)
		}
		batch := sp.orgIDs[start:min(start+size, len(sp.orgIDs))]
		start += len(batch)
		if sp.persist {
			err = s.inTx(ctx, func(ctx context.Context, tx Store) error {
				return s.persistBatch(ctx, tx, batch, sp, res, failed)
			})
		} else {
			err = s.reportBatch(ctx, batch, sp, res, failed)
		}
		if err != nil {
			return nil, err
		}
	}
	return res, nil
}

// prepare checks that sp has rules, applies the go-live date to it and returns an empty result;
// ok is false when the range is empty (nothing to evaluate).
func (s *Checker) prepare(ctx context.Context, st Store, sp *evalSpec) (res *EvaluateResult, ok bool, err error) {
	if sp.rules == nil {
		return nil, false, errNoRules
	}
	since, err := s.sinceIn(ctx, st)
	if err != nil {
		return nil, false, err
	}
	sp.since = since
	if !since.IsZero() && sp.from.Before(since) && !sp.beforeSince {
		sp.from = since // no evaluation covers periods before the go-live date
	}
	res = &EvaluateResult{AsOf: sp.asOf, From: sp.from.Format(orglife.DateLayout), To: sp.to.Format(orglife.DateLayout),
		RuleVersion: sp.rules.Version, ByStatus: map[orglife.Status]int{}, Persisted: sp.persist}
	return res, !sp.to.Before(sp.from), nil
}

// account adds a batch's rows to the result, logs failed rules and hands the rows to sp.collect.
func (s *Checker) account(batch []string, rows []orglife.LedgerRow, sp evalSpec, res *EvaluateResult, failed map[string]bool) {
	res.Orgs += len(batch)
	res.Rows += len(rows)
	for _, r := range rows {
		res.ByStatus[r.Status]++
	}
	s.logErrors(rows, failed)
	if sp.collect != nil {
		sp.collect(batch, rows)
	}
}

// reportBatch evaluates a batch without persisting it and counts the violations its rows call
// for.
func (s *Checker) reportBatch(ctx context.Context, batch []string, sp evalSpec, res *EvaluateResult, failed map[string]bool) error {
	rows, err := s.evaluateBatch(ctx, s.store, batch, sp)
	if err != nil {
		return err
	}
	s.account(batch, rows, sp, res, failed)
	for _, v := range wanted(rows, sp.rules.Version) {
		if res.Violations == nil {
			res.Violations = map[string]int{}
		}
		res.Violations[v.Severity]++
	}
	return nil
}

// persistBatch evaluates a batch and persists it in tx: it takes the evaluation lock of the
// batch's orgs first, then reads their inputs and the stored rows, and writes the diff. Because
// every persisting transaction does the same, the transaction that writes an org's rows after
// another has read everything the other had committed when it wrote, and evaluates it as of a
// later instant: no evaluation can write rows computed from older inputs than the stored ones (on
// any server, by any path).
func (s *Checker) persistBatch(ctx context.Context, tx Store, batch []string, sp evalSpec, res *EvaluateResult, failed map[string]bool) error {
	if !sp.locked {
		if err := s.lockEvaluation(ctx, tx, batch); err != nil {
			return err
		}
	}
	// Only runs of the present persist, and the batch's present is now, once it holds the locks:
	// as of the instant the run was asked for, a change committed since (and perhaps already
	// evaluated by another holder of the lock) would be invisible, and the batch would write the
	// rows from before it.
	sp.asOf = s.instant()
	if sp.changed != nil && len(batch) == 1 { // the outbox worker: its records through the cache
		pre, err := s.cachedRecords(ctx, tx, batch[0], &sp)
		if err != nil {
			return err
		}
		sp.records = pre
	}
	rows, err := s.evaluateBatch(ctx, tx, batch, sp)
	if err != nil {
		return err
	}
	s.account(batch, rows, sp, res, failed)
	return s.persist(ctx, tx, batch, rows, sp, res)
}

// lockEvaluation takes the evaluation locks of orgs in tx and reports the wait to the observer.
func (s *Checker) lockEvaluation(ctx context.Context, tx Store, orgs []string) error {
	began := time.Now()
	err := tx.LockEvaluation(ctx, orgs)
	s.obs.LockWaited(time.Since(began))
	return err
}

// logErrors logs, once per rule and run, the first row of each rule that failed at run time.
func (s *Checker) logErrors(rows []orglife.LedgerRow, logged map[string]bool) {
	for i := range rows {
		r := &rows[i]
		if r.Status != orglife.StatusError || logged[r.Rule] {
			continue
		}
		logged[r.Rule] = true
		s.log.Error("rule failed at run time; its rows have status error", "rule", r.Rule, "version", r.RuleVersion,
			"org", r.OrgID, "subject", r.SubjectID, "period", r.PeriodKey(), "explanation", r.Explanation.Text)
	}
}

// evaluateBatch reads a batch of orgs in bulk from st and evaluates every rule on each, and
// reports the batch to the observer.
func (s *Checker) evaluateBatch(ctx context.Context, st Store, batch []string, sp evalSpec) ([]orglife.LedgerRow, error) {
	began := time.Now()
	rows, err := s.readAndEvaluate(ctx, st, batch, sp)
	s.obs.BatchEvaluated(BatchEvaluation{Orgs: len(batch), Keys: len(rows), RuleErrors: ruleErrors(rows), Duration: time.Since(began), Err: err})
	return rows, err
}

// readAndEvaluate reads a batch of orgs in bulk from st and evaluates every rule on each.
func (s *Checker) readAndEvaluate(ctx context.Context, st Store, batch []string, sp evalSpec) ([]orglife.LedgerRow, error) {
	withParents, err := st.OrgsWithParents(ctx, batch)
	if err != nil {
		return nil, err
	}
	orgs := inBatch(withParents, batch)
	if orgs, err = orgsAsOf(ctx, st, orgs, sp.asOf, s.loc); err != nil {
		return nil, err
	}
	members, tenures, err := rosters(ctx, st, batch, sp.asOf, sp.from, s.loc)
	if err != nil {
		return nil, err
	}
	insts, hist, err := s.evalRecords(ctx, st, batch, sp)
	if err != nil {
		return nil, err
	}
	inputs := make(map[string]*rules.OrgInput, len(orgs))
	for _, o := range orgs {
		inputs[o.ID] = &rules.OrgInput{Org: o, Records: map[string][]*rules.Record{}}
	}
	if err := attachParents(ctx, st, orgs, withParents, inputs); err != nil {
		return nil, err
	}
	applyRosters(inputs, members, tenures)
	for _, inst := range insts {
		in := inputs[inst.OrgID]
		def, ok := s.defs.Get(inst.Workflow)
		if in == nil || !ok {
			continue
		}
		if r := s.recordAt(def, inst, hist[inst.ID], sp.asOf); r != nil {
			in.Records[inst.Workflow] = append(in.Records[inst.Workflow], r)
		}
	}
	params := rules.EvalParams{AsOf: sp.asOf, From: sp.from, To: sp.to, Loc: s.loc, Since: sp.since, Rules: sp.ruleIDs}
	evaluate := func(in *rules.OrgInput) []orglife.LedgerRow { return sp.rules.EvaluateOrg(in, params) }
	if len(sp.narrow) > 0 {
		evaluate = s.narrowed(sp, params)
	}
	var rows []orglife.LedgerRow
	var mu sync.Mutex
	var wg sync.WaitGroup
	work := make(chan *rules.OrgInput)
	workers := 2
	if sp.yield {
		workers = 1
	}
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for in := range work {
				out := evaluate(in)
				mu.Lock()
				rows = append(rows, out...)
				mu.Unlock()
			}
		}()
	}
	for _, o := range orgs {
		work <- inputs[o.ID]
	}
	close(work)
	wg.Wait()
	slices.SortFunc(rows, compareRows)
	return rows, nil
}

// narrowed returns the evaluation of one org for sp.narrow: the rules of params.Rules outside
// sp.narrow over [from, to], those in it in the periods containing sp.days only (one pass per
// day, from = to = the day clamped into [from, to]: the periods overlapping [from, to] that
// contain it, as a range evaluation would produce them), each key once.
func (s *Checker) narrowed(sp evalSpec, params rules.EvalParams) func(*rules.OrgInput) []orglife.LedgerRow {
	var wide, narrow []string
	for _, id := range params.Rules {
		if sp.narrow[id] {
			narrow = append(narrow, id)
		} else {
			wide = append(wide, id)
		}
	}
	var days []time.Time
	for _, d := range sp.days {
		if d.Before(sp.from) {
			d = sp.from
		}
		if d.After(sp.to) {
			d = sp.to
		}
		if !slices.ContainsFunc(days, d.Equal) {
			days = append(days, d)
		}
	}
	return func(in *rules.OrgInput) []orglife.LedgerRow {
		var rows []orglife.LedgerRow
		if len(wide) > 0 {
			p := params
			p.Rules = wide
			rows = sp.rules.EvaluateOrg(in, p)
		}
		seen := map[string]bool{}
		for _, d := range days {
			p := params
			p.Rules, p.From, p.To = narrow, d, d
			for _, r := range sp.rules.EvaluateOrg(in, p) {
				if k := ledgerKey(r.Rule, r.SubjectID, r.PeriodKey()); !seen[k] {
					seen[k] = true
					rows = append(rows, r)
				}
			}
		}
		return rows
	}
}

// compareRows orders ledger rows by org, rule, subject and period.
func compareRows(a, b orglife.LedgerRow) int {
	for _, c := range [][2]string{{a.OrgID, b.OrgID}, {a.Rule, b.Rule}, {a.SubjectID, b.SubjectID}, {a.PeriodKey(), b.PeriodKey()}} {
		if c[0] != c[1] {
			if c[0] < c[1] {
				return -1
			}
			return 1
		}
	}
	return 0
}

// ledgerKey identifies a ledger row.
func ledgerKey(rule, subject, period string) string { return rule + "\x00" + subject + "\x00" + period }

// Check evaluates like Evaluate (persisting unless as of a past instant) and also returns the
// rows it computed, ordered by org, rule, subject and period.
func (s *Checker) Check(ctx context.Context, actor orglife.Actor, p EvaluateParams) (*EvaluateResult, []orglife.LedgerRow, error) {
	if !actor.IsAdmin() {
		return nil, nil, orglife.Errorf(orglife.EFORBIDDEN, "only an admin may run evaluations")
	}
	sp, err := s.resolve(p)
	if err != nil {
		return nil, nil, err
	}
	if sp.orgIDs, err = s.scopeOrgs(ctx, actor, p.OrgID); err != nil {
		return nil, nil, err
	}
	sp.persist = s.persists(sp.asOf) && !p.DryRun
	var rows []orglife.LedgerRow
	sp.collect = func(_ []string, batch []orglife.LedgerRow) { rows = append(rows, batch...) }
	began := time.Now()
	res, err := s.run(ctx, sp)
	res, err = s.finished(TriggerCheck, began, res, err)
	return res, rows, err
}
