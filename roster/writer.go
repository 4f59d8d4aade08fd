package roster

import (
	"context"
	"slices"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/engine"
)

// MemberStore is what EngineWriter needs below the engine: the import's transaction and a
// member as stored (read in that transaction). storage.DB implements it.
type MemberStore interface {
	InTx(ctx context.Context, fn func(ctx context.Context) error) error
	Member(ctx context.Context, id string, forUpdate bool) (*orglife.Member, error)
}

// TransferReason is the reason of a transfer an import records (a member listed under another org).
const TransferReason = "名册导入：组织关系转接"

// EngineWriter is the Writer on the engine: every org and member write is an engine operation
// (its checks, its member history, its audit and outbox entries), joining the import's
// transaction through the context.
type EngineWriter struct {
	Svc   *engine.Service
	Store MemberStore
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

// CreateMember adds a member through the engine (with its 转正日期; history: a join).
func (w EngineWriter) CreateMember(ctx context.Context, actor orglife.Actor, orgID string, m *orglife.Member) (*orglife.Member, error) {
	return w.Svc.CreateMember(ctx, actor, orgID, m)
}

// UpdateMember brings a stored member to the file's row with the engine's member operations,
// each a history entry effective on the day on: a changed org is a transfer
// (TransferMember), 预备 → 正式 with a 转正日期 is a 转正 (ConfirmMember, effective that date),
// other differences of name, status, leader flag and Party dates are a correction
// (UpdateMember), and changed posts are SetMemberRoles (also after a transfer, which ends the
// posts). A member equal to the row is not written.
func (w EngineWriter) UpdateMember(ctx context.Context, actor orglife.Actor, m *MemberRow, on string) error {
	cur, err := w.Store.Member(ctx, m.ID, false)
	if err != nil {
		return err
	}
	if cur.OrgID != m.OrgID {
		if cur, err = w.Svc.TransferMember(ctx, actor, cur.OrgID, m.ID, engine.TransferParams{ToOrgID: m.OrgID, On: &on, Reason: TransferReason}); err != nil {
			return err
		}
	}
	if cur.Status == orglife.MemberProbationary && m.Status == orglife.MemberFull && m.ConfirmedOn != nil {
		if cur, err = w.Svc.ConfirmMember(ctx, actor, m.OrgID, m.ID, m.ConfirmedOn); err != nil {
			return err
		}
	}
	if p, ok := memberPatch(cur, m, on); ok {
		if cur, err = w.Svc.UpdateMember(ctx, actor, m.OrgID, m.ID, p); err != nil {
			return err
		}
	}
	if !slices.Equal(sortedRoles(cur.Roles), m.Roles) {
		if _, err = w.Svc.SetMemberRoles(ctx, actor, m.OrgID, m.ID, engine.RolesParams{Roles: m.Roles, On: &on}); err != nil {
			return err
		}
	}
	return nil
}

// memberPatch is the correction that brings cur's name, status, leader flag, 入党日期 and
// 转正日期 to the row's; ok is false when they are equal.
func memberPatch(cur *orglife.Member, m *MemberRow, on string) (engine.MemberPatch, bool) {
	p := engine.MemberPatch{On: &on}
	ok := false
	if cur.Name != m.Name {
		p.Name, ok = &m.Name, true
	}
	if cur.Status != m.Status {
		p.Status, ok = &m.Status, true
	}
	if cur.Leader != m.Leader {
		p.Leader, ok = &m.Leader, true
	}
	if joined := deref(m.JoinedOn); deref(cur.JoinedOn) != joined {
		p.JoinedOn, ok = &joined, true
	}
	if confirmed := deref(confirmedOn(cur, m)); deref(cur.ConfirmedOn) != confirmed {
		p.ConfirmedOn, ok = &confirmed, true
	}
	return p, ok
}

// LeaveMember records through the engine that a member of orgID left on the day, for the reason.
func (w EngineWriter) LeaveMember(ctx context.Context, actor orglife.Actor, orgID, id, on, reason string) error {
	_, err := w.Svc.LeaveMember(ctx, actor, orgID, id, engine.LeaveParams{On: &on, Reason: reason})
	return err
}
