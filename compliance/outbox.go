package compliance

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/rules"
)

// The evaluation outbox: a committed change (a start or a transition, an org or a member)
// records in its own transaction which org to re-evaluate and from which day (engine writes the
// entry that InstanceEntry or OrgEntry returns);
// the request returns at its commit and wakes this server's worker (RunOutbox), which claims the
// entries of one org at a time, evaluates and persists that org and deletes the entries, all in
// one transaction. Entries are durable: a crash before or during their evaluation leaves them for
// the next worker, on this server or another. A failed evaluation leaves them with a backoff.

const (
	// outboxClaimLimit is how many entries of one org one claim takes at most.
	outboxClaimLimit = 500
	// DefaultOutboxPoll is how often RunOutbox looks for entries without a wake-up (entries of
	// other servers' changes, retries).
	DefaultOutboxPoll = time.Second
	// defaultOutboxBackoff is the delay before the first retry of a failed entry; it doubles
	// with every attempt up to maxOutboxBackoff.
	defaultOutboxBackoff = time.Second
	maxOutboxBackoff     = 5 * time.Minute
	// outboxFailing is the attempt count from which a failing entry is logged as an error.
	outboxFailing = 5
	// outboxSettle is how long the worker lets entries gather between two passes that did work
	// (the first pass after an idle wake-up runs at once): under load a burst of transitions of
	// one org is evaluated once, not once per transition, at the price of at most this much
	// latency (well within the one-second promise).
	outboxSettle = 25 * time.Millisecond
)

// InstanceEntry returns the outbox entry a committed change of an instance calls for (nil when
// no rule set is active): its org, from the instance's creation or occurrence (before or after
// the change, whichever is earliest) through today, deadline rules and the org's instance rules
// included, narrowed by Days — the creation day and the occurs_on before and after — for the
// periodic rules that read only the period collections of the changed workflow (see
// evaluateEntries; the children its actions start or void are not narrowed: their dates are not
// known here). The ledger rows citing the instance are looked up by the worker
// (evaluateEntries), not in the change's transaction.
func (s *Checker) InstanceEntry(ctx context.Context, in *orglife.Instance, prevOccursOn *string) (*orglife.OutboxEntry, error) {
	if s.RuleSet() == nil {
		return nil, nil
	}
	created := in.CreatedAt.In(s.loc).Format(orglife.DateLayout)
	from, days := created, []string{created}
	for _, d := range []*string{in.OccursOn, prevOccursOn} {
		if d != nil && *d != "" {
			from = min(from, *d)
			days = appendDay(days, *d)
		}
	}
	return &orglife.OutboxEntry{OrgID: in.OrgID, From: from, Days: days, InstanceID: in.ID, Workflow: in.Workflow, CreatedAt: s.wall()}, nil
}

// appendDay appends d to days unless it is there.
func appendDay(days []string, d string) []string {
	if slices.Contains(days, d) {
		return days
	}
	return append(days, d)
}

// OrgEntry returns the outbox entry an org or member change calls for: a re-evaluation of the org
// over the lookback (nil when no rule set is active).
func (s *Checker) OrgEntry(orgID string) *orglife.OutboxEntry {
	if s.RuleSet() == nil {
		return nil
	}
	return &orglife.OutboxEntry{OrgID: orgID, CreatedAt: s.wall()}
}

// Committed is told of each committed change that wrote outbox entries (in is the instance of a
// start or a transition, nil for an org or member change): it wakes this server's worker.
func (s *Checker) Committed(in *orglife.Instance) { s.afterCommit(in) }

// wakeOutbox tells this server's worker that entries were committed.
func (s *Checker) wakeOutbox() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// RunOutbox processes the outbox until ctx ends: at start, after every local commit that wrote
// entries (an in-process wake-up) and every poll interval (DefaultOutboxPoll when poll ≤ 0), it
// evaluates every available entry. Every server runs it; on PostgreSQL the claims of different
// servers pass each other's entries by. Failures are logged and retried with backoff.
func (s *Checker) RunOutbox(ctx context.Context, poll time.Duration) {
	if poll <= 0 {
		poll = DefaultOutboxPoll
	}
	t := time.NewTimer(poll)
	defer t.Stop()
	settle := func() bool { // false when ctx ended
		select {
		case <-ctx.Done():
			return false
		case <-time.After(outboxSettle):
			return true
		}
	}
	for {
		// The first pass after a wake-up runs at once (one change: no added latency); while
		// passes keep finding work, the next waits outboxSettle so a burst gathers into one.
		for first := true; ctx.Err() == nil && (first || settle()); first = false {
			did, more, err := s.processOutbox(ctx)
			if err != nil && !did && ctx.Err() == nil {
				s.log.Error("outbox: claiming entries failed", "err", err)
			}
			if !did || !more || errors.Is(err, errRetryNotRecorded) {
				break // nothing left, or the database is unwell: wait for the next poll
			}
		}
		if !t.Stop() {
			select {
			case <-t.C:
			default:
			}
		}
		t.Reset(poll)
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
		case <-t.C:
		}
	}
}

// DrainOutbox evaluates every outbox entry available now (not waiting for a retry) until none is
// left and returns the first failure. Tests and one-shot commands use it to wait for the ledger.
func (s *Checker) DrainOutbox(ctx context.Context) error {
	for {
		did, more, err := s.processOutbox(ctx)
		if err != nil {
			return err
		}
		if !did || !more {
			return nil
		}
	}
}

// errRetryNotRecorded marks a failure whose retry could not be recorded either.
var errRetryNotRecorded = errors.New("compliance: outbox retry not recorded")

// processOutbox claims the available entries of one org and evaluates them in one transaction;
// did is false when no entry was available, more is whether other entries were available when
// the claimed ones were deleted (the caller need not look again when it is false). On failure the
// entries get their backoff (more is then true: the caller's next pass finds what is left).
func (s *Checker) processOutbox(ctx context.Context) (did, more bool, err error) {
	var claimed []*orglife.OutboxEntry
	err = s.inTx(ctx, func(ctx context.Context, tx Store) error {
		now := s.wall()
		es, err := tx.ClaimOutbox(ctx, now, outboxClaimLimit)
		if err != nil || len(es) == 0 {
			return err
		}
		claimed = es
		if err := s.evaluateEntries(ctx, tx, es); err != nil {
			return err
		}
		more, err = tx.FinishOutbox(ctx, entryIDs(es), now)
		return err
	})
	if err == nil || len(claimed) == 0 {
		return len(claimed) > 0, more, err
	}
	more = true
	if ctx.Err() != nil {
		return true, more, err // shutting down: the entries stay available for the next worker
	}
	attempts := 0
	for _, e := range claimed {
		attempts = max(attempts, e.Attempts+1)
	}
	delay := min(s.outboxBackoff<<min(attempts-1, 16), maxOutboxBackoff)
	level, msg := s.log.Warn, "outbox: re-evaluation failed; retrying"
	if attempts >= outboxFailing {
		level, msg = s.log.Error, "outbox: re-evaluation keeps failing; retrying"
	}
	level(msg, "org", claimed[0].OrgID, "entries", len(claimed), "attempts", attempts, "retry_in", delay.String(), "err", err)
	if rerr := s.store.RetryOutbox(context.WithoutCancel(ctx), entryIDs(claimed), s.wall().Add(delay), err.Error()); rerr != nil {
		s.log.Error("outbox: recording a retry failed", "org", claimed[0].OrgID, "err", rerr)
		return true, more, errors.Join(err, errRetryNotRecorded)
	}
	return true, more, err
}

// evaluateEntries evaluates the org of entries (all of one org) in tx, from the earliest day
// they name (the lookback for ""; at most the span limit back) through today, and persists it.
// The ledger rows citing the entries' instances (a record that stops counting or moves: a 2025
// plan filed in 2026 made the 2025 row compliant, and voiding it must re-evaluate 2025) are read
// under the org's evaluation lock, and their periods are evaluated too. When every entry carries
// Days, the periodic rules that read only the period collections of the changed workflows are
// evaluated only in the periods containing those days and the cited rows' periods; the other
// rules (deadline, instance, and those reading a whole collection) cover the whole range.
func (s *Checker) evaluateEntries(ctx context.Context, tx Store, es []*orglife.OutboxEntry) error {
	rs := s.RuleSet()
	if rs == nil {
		return nil // nothing to evaluate with; the entries are consumed
	}
	ruleIDs, wfs := s.affectedRules(rs, es)
	if ruleIDs != nil && len(ruleIDs) == 0 {
		return nil // no rule reads what changed: nothing to evaluate
	}
	org := es[0].OrgID
	if err := s.lockEvaluation(ctx, tx, []string{org}); err != nil {
		return err
	}
	today := s.instant().In(s.loc)
	from := today.Format(orglife.DateLayout)
	lookback := today.AddDate(0, 0, -s.lookbackDays).Format(orglife.DateLayout)
	var days, insts []string
	narrow := ruleIDs != nil
	for _, e := range es {
		f := e.From
		if f == "" {
			f = lookback
		}
		from = min(from, f)
		if len(e.Days) == 0 {
			narrow = false
		}
		for _, d := range e.Days {
			days = appendDay(days, d)
		}
		if e.InstanceID != "" && !slices.Contains(insts, e.InstanceID) {
			insts = append(insts, e.InstanceID)
		}
	}
	if len(insts) > 0 {
		cited, err := tx.LedgerRows(ctx, orglife.LedgerFilter{OrgIDs: []string{org}, CitesAny: insts, Light: true})
		if err != nil {
			return err
		}
		for _, r := range cited {
			if r.PeriodStart != nil {
				from = min(from, *r.PeriodStart)
				days = appendDay(days, *r.PeriodStart)
			}
			if r.Due != nil {
				from = min(from, r.Due.In(s.loc).Format(orglife.DateLayout))
			}
		}
	}
	if s.maxSpanDays > 0 { // periods further back are left to an explicit evaluation
		from = max(from, today.AddDate(0, 0, 1-s.maxSpanDays).Format(orglife.DateLayout))
	}
	sp, err := s.resolve(EvaluateParams{From: from})
	if err != nil {
		return err
	}
	sp.orgIDs, sp.persist, sp.rules, sp.ruleIDs, sp.locked = []string{org}, true, rs, ruleIDs, true
	if !slices.ContainsFunc(es, func(e *orglife.OutboxEntry) bool { return e.InstanceID == "" }) {
		sp.changed = insts // every entry names its instance: the record cache can follow them
	}
	if narrow {
		sp.narrow = s.narrowable(rs, ruleIDs, wfs)
		for _, d := range days {
			if t, err := time.ParseInLocation(orglife.DateLayout, d, s.loc); err == nil {
				sp.days = append(sp.days, t)
			}
		}
	}
	res, ok, err := s.prepare(ctx, tx, &sp)
	if err != nil || !ok {
		return err
	}
	return s.persistBatch(ctx, tx, sp.orgIDs, sp, res, map[string]bool{})
}

// narrowable returns the rules of ids that may be evaluated only in the periods of the changed
// records' days: periodic rules that read no whole collection of the affected workflows wfs and
// no period collection of a workflow that actions start (the children's dates are not in the
// entries' days).
func (s *Checker) narrowable(rs *rules.RuleSet, ids []string, wfs map[string]bool) map[string]bool {
	children := map[string]bool{}
	for wf := range wfs {
		if def, ok := s.defs.Get(wf); ok {
			for _, a := range def.Actions {
				children[a.Start] = true
			}
		}
	}
	out := map[string]bool{}
	for _, id := range ids {
		r := rs.Rule(id)
		if r == nil || r.Timing() != rules.TimingPeriodic {
			continue
		}
		reads, ok := rs.Reads(r), true
		for _, wf := range reads.All {
			ok = ok && !wfs[wf]
		}
		for _, wf := range reads.Periods {
			ok = ok && !(wfs[wf] && children[wf])
		}
		if ok {
			out[id] = true
		}
	}
	return out
}

func entryIDs(es []*orglife.OutboxEntry) []int64 {
	ids := make([]int64, len(es))
	for i, e := range es {
		ids[i] = e.ID
	}
	return ids
}

// affectedRules returns the ids of the rules a batch of entries can affect: those reading the
// changed records' workflows or the workflows their actions start (children are created, and
// voided with their parent, in the same transaction), in rule-set order, and those workflows;
// nil (every rule) when an entry names no workflow (an org or member change, or an entry from
// before the column).
func (s *Checker) affectedRules(rs *rules.RuleSet, es []*orglife.OutboxEntry) ([]string, map[string]bool) {
	wfs := map[string]bool{}
	var visit func(id string)
	visit = func(id string) {
		if wfs[id] {
			return
		}
		wfs[id] = true
		if def, ok := s.defs.Get(id); ok {
			for _, a := range def.Actions {
				visit(a.Start)
			}
		}
	}
	for _, e := range es {
		if e.Workflow == "" {
			return nil, nil
		}
		visit(e.Workflow)
	}
	out := []string{}
	for _, r := range rs.Rules {
		for wf := range wfs {
			if slices.Contains(rs.RulesReading(wf), r.ID) {
				out = append(out, r.ID)
				break
			}
		}
	}
	return out, wfs
}
