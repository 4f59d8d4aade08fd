package compliance

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
	res, err = s.evaluate(ctx, orglife.SystemActor, EvaluateParams{})
	res, err = s.finished(TriggerScheduled, began, res, err)
	return true, res, err
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
