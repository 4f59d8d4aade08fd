package roster

import (
	"context"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/engine"
)

// MemberStore is what EngineWriter needs below the engine until the engine has member
// operations of its own: a transaction, a member's replacement and an outbox entry so the
// change is re-evaluated. storage.DB implements it.
type MemberStore interface {
	InTx(ctx context.Context, fn func(ctx context.Context) error) error
	ReplaceMember(ctx context.Context, m *orglife.Member) error
	EnqueueEvaluation(ctx context.Context, es []*orglife.OutboxEntry) error
}

// EngineWriter is today's Writer: orgs and new members through the engine (its checks, its
// outbox entries), a changed member by replacing its row and asking for the re-evaluation of its
// old and new org. When the engine gains UpsertMember / TransferMember / LeaveMember (issue 11,
// point 1), UpdateMember and LeaveMember switch to them and keep history.
type EngineWriter struct {
	Svc   *engine.Service
	Store MemberStore
	// Evaluate is asked for a change's outbox entry (compliance.Checker.OrgEntry); nil: none.
	Evaluate func(orgID string) *orglife.OutboxEntry
	// Stored reads a member before it changes (for its old org).
	Stored func(ctx context.Context, id string) (*orglife.Member, error)
}

// InTx runs fn in one transaction of the store; the engine's calls join it.
func (w EngineWriter) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return w.Store.InTx(ctx, fn)
}

// CreateOrg creates an org through the engine.
func (w EngineWriter) CreateOrg(ctx context.Context, actor orglife.Actor, o *orglife.Org) (*orglife.Org, error) {
	return w.Svc.CreateOrg(ctx, actor, o)
}

// UpdateOrg patches an org through the engine.
func (w EngineWriter) UpdateOrg(ctx context.Context, actor orglife.Actor, id string, p engine.OrgPatch) (*orglife.Org, error) {
	return w.Svc.UpdateOrg(ctx, actor, id, p)
}

// CreateMember adds a member through the engine.
func (w EngineWriter) CreateMember(ctx context.Context, actor orglife.Actor, orgID string, m *orglife.Member) (*orglife.Member, error) {
	return w.Svc.CreateMember(ctx, actor, orgID, m)
}

// UpdateMember replaces the member's row (its 转正日期 is not kept yet) and enqueues the
// re-evaluation of its old and new org.
func (w EngineWriter) UpdateMember(ctx context.Context, actor orglife.Actor, m *MemberRow) error {
	if !actor.IsAdmin() {
		return orglife.Errorf(orglife.EFORBIDDEN, "only an admin may change members")
	}
	orgs := []string{m.OrgID}
	if w.Stored != nil {
		if old, err := w.Stored(ctx, m.ID); err == nil && old.OrgID != m.OrgID {
			orgs = append(orgs, old.OrgID)
		}
	}
	nm := m.Member
	if err := w.Store.ReplaceMember(ctx, &nm); err != nil {
		return err
	}
	if w.Evaluate == nil {
		return nil
	}
	var es []*orglife.OutboxEntry
	for _, id := range orgs {
		if e := w.Evaluate(id); e != nil {
			if e.CreatedAt.IsZero() {
				e.CreatedAt = time.Now()
			}
			es = append(es, e)
		}
	}
	return w.Store.EnqueueEvaluation(ctx, es)
}

// LeaveMember is refused until members keep a history (a member must not simply vanish).
func (w EngineWriter) LeaveMember(context.Context, orglife.Actor, string, string) error {
	return ErrLeaveUnsupported
}
