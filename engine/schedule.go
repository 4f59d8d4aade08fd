package engine

import (
	"context"
	"time"

	"github.com/orglife/orglife"
)

// schedulerLock is the cluster-wide lock that lets one server at a time run the scheduled
// evaluation.
const schedulerLock = "orglife-scheduled-evaluation"

// RunScheduledOnce runs the scheduled evaluation (every org, the lookback before now through now)
// if no other server is running it; ran is false when the lock was taken elsewhere.
func (s *Service) RunScheduledOnce(ctx context.Context) (ran bool, res *EvaluateResult, err error) {
	release, ok, err := s.store.TryLock(ctx, schedulerLock)
	if err != nil || !ok {
		return false, nil, err
	}
	defer release()
	if s.onScheduled != nil {
		s.onScheduled()
	}
	res, err = s.Evaluate(ctx, SystemActor, EvaluateParams{})
	return true, res, err
}

// Schedule runs the scheduled evaluation now and then every interval until ctx ends; each tick
// also prunes old idempotency keys (at most once per pruneEvery). Every server
// runs Schedule; the lock makes one of them evaluate each time, and when that server dies its
// lock goes with its connection, so another takes over at its next tick.
func (s *Service) Schedule(ctx context.Context, interval time.Duration) {
	if interval <= 0 {
		return
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		s.maybePrune(ctx)
		ran, res, err := s.RunScheduledOnce(ctx)
		switch {
		case err != nil:
			if ctx.Err() == nil {
				s.log.Error("scheduled evaluation failed", "err", err)
			}
		case ran:
			s.log.Info("scheduled evaluation", "as_of", res.AsOf, "orgs", res.Orgs, "rows", res.Rows,
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

// instanceEntry is the outbox entry a committed change of an instance calls for (nil when no
// rule set is active): its org, from the instance's creation, its occurrence or the earliest
// ledger row that cites it as evidence (whichever is earliest) through today, deadline rules and
// the org's instance rules included. The cited rows matter when a record stops counting (voided,
// returned) or moves: a 2025 plan filed in 2026 made the 2025 row compliant, and voiding it must
// re-evaluate 2025. st is the change's transaction.
func (s *Service) instanceEntry(ctx context.Context, st Store, in *orglife.Instance) (*OutboxEntry, error) {
	if s.RuleSet() == nil {
		return nil, nil
	}
	from := in.CreatedAt.In(s.loc).Format(orglife.DateLayout)
	if in.OccursOn != nil && *in.OccursOn < from {
		from = *in.OccursOn
	}
	cited, err := st.LedgerRows(ctx, LedgerFilter{OrgIDs: []string{in.OrgID}, Cites: in.ID, Light: true})
	if err != nil {
		return nil, err
	}
	for _, r := range cited {
		if r.PeriodStart != nil && *r.PeriodStart < from {
			from = *r.PeriodStart
		}
		if r.Due != nil {
			from = min(from, r.Due.In(s.loc).Format(orglife.DateLayout))
		}
	}
	return &OutboxEntry{OrgID: in.OrgID, From: from, InstanceID: in.ID, CreatedAt: s.wall()}, nil
}
