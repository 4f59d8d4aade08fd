package engine

import (
	"context"

	"github.com/orglife/orglife"
)

// The evaluation outbox, as the engine writes it: a committed change (a start or a transition, an
// org or a member) records in its own transaction which org to re-evaluate and from which day
// (EnqueueEvaluation), and the request returns at its commit. The compliance side decides what
// the entry says and runs the worker that evaluates it (compliance.Checker.RunOutbox); the engine
// asks it through Evaluations and never evaluates on the request path.

// Evaluations is what the engine asks of the compliance side (compliance.Checker implements it).
// With none configured, changes enqueue nothing, as with no rule set active.
type Evaluations interface {
	// InstanceEntry returns the outbox entry a committed change of an instance calls for, nil
	// when none (no rule set is active); prevOccursOn is the instance's occurs_on before the
	// change (nil for a start, or when it had none). ctx carries the change's transaction.
	InstanceEntry(ctx context.Context, in *orglife.Instance, prevOccursOn *string) (*orglife.OutboxEntry, error)
	// OrgEntry returns the outbox entry an org or member change of orgID calls for, nil when none.
	OrgEntry(orgID string) *orglife.OutboxEntry
	// Committed is called after each committed change that wrote outbox entries (in is the
	// instance of a start or a transition, nil for an org or member change): it wakes the worker.
	Committed(in *orglife.Instance)
	// Begin is called when a start or a transition begins; end when it has ended, committed or
	// not. Full scans of this process give way while changes are in flight.
	Begin() (end func())
}

// enqueue records entries in tx (nil entries are skipped).
func (s *Service) enqueue(ctx context.Context, tx Store, es ...*orglife.OutboxEntry) error {
	var out []*orglife.OutboxEntry
	for _, e := range es {
		if e != nil {
			out = append(out, e)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return tx.EnqueueEvaluation(ctx, out)
}

// instanceEntries returns the outbox entries (none or one) that a start or a transition of in
// calls for (prevOccursOn: its occurs_on before a transition), for the store to write with the
// instance in the same statement.
func (s *Service) instanceEntries(ctx context.Context, in *orglife.Instance, prevOccursOn *string) ([]*orglife.OutboxEntry, error) {
	if s.evals == nil {
		return nil, nil
	}
	e, err := s.evals.InstanceEntry(ctx, in, prevOccursOn)
	if err != nil || e == nil {
		return nil, err
	}
	return []*orglife.OutboxEntry{e}, nil
}

// enqueueOrg records, in the transaction of an org or member change, a re-evaluation of the org
// over the lookback.
func (s *Service) enqueueOrg(ctx context.Context, tx Store, orgID string) error {
	if s.evals == nil {
		return nil
	}
	return s.enqueue(ctx, tx, s.evals.OrgEntry(orgID))
}

// begin tells the compliance side that a start or a transition begins; the returned func, that
// it ended.
func (s *Service) begin() func() {
	if s.evals == nil {
		return func() {}
	}
	return s.evals.Begin()
}

// committed tells the compliance side that a change that wrote outbox entries committed.
func (s *Service) committed(in *orglife.Instance) {
	if s.evals != nil {
		s.evals.Committed(in)
	}
}
