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
	res, err = s.evaluate(ctx, SystemActor, EvaluateParams{})
	res, err = s.finished(TriggerScheduled, began, res, err)
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

// reevaluate brings the ledger of an instance's org up to date right after a committed
// transition: the periods from the instance's creation, its occurrence or the earliest ledger row
// that cites it as evidence (whichever is earliest) through today, deadline rules and the org's
// instance rules. The cited rows matter when a record stops counting (voided, returned) or moves:
// a 2025 plan filed in 2026 made the 2025 row compliant, and voiding it must re-evaluate 2025.
// Failures are logged: the transition itself has committed.
func (s *Service) reevaluate(ctx context.Context, in *orglife.Instance) {
	if s.RuleSet() == nil {
		return
	}
	from := in.CreatedAt.In(s.loc).Format(orglife.DateLayout)
	if in.OccursOn != nil && *in.OccursOn < from {
		from = *in.OccursOn
	}
	cited, err := s.store.LedgerRows(ctx, LedgerFilter{OrgIDs: []string{in.OrgID}, Cites: in.ID, Light: true})
	if err != nil {
		s.log.Error("re-evaluation after a transition: rows citing the instance", "instance", in.ID, "err", err)
	}
	for _, r := range cited {
		if r.PeriodStart != nil && *r.PeriodStart < from {
			from = *r.PeriodStart
		}
		if r.Due != nil {
			from = min(from, r.Due.In(s.loc).Format(orglife.DateLayout))
		}
	}
	if s.maxSpanDays > 0 { // periods further back are left to an explicit evaluation
		earliest := s.instant().In(s.loc).AddDate(0, 0, 1-s.maxSpanDays).Format(orglife.DateLayout)
		from = max(from, earliest)
	}
	sp, err := s.resolve(EvaluateParams{From: from})
	if err != nil {
		s.log.Error("re-evaluation after a transition", "instance", in.ID, "err", err)
		return
	}
	sp.orgIDs, sp.persist = []string{in.OrgID}, true
	if _, err := s.run(ctx, sp); err != nil {
		s.log.Error("re-evaluation after a transition", "instance", in.ID, "err", err)
	}
}
