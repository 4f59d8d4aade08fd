package engine

import (
	"context"

	"github.com/orglife/orglife"
)

// AuditActions lists every action the audit log records (the values of GET /v1/audit?action=):
// the engine's (tokens, users, org terms, members) and the compliance checker's (rule sets,
// violation decisions, the go-live date). api/openapi.json lists the same, in this order.
var AuditActions = []string{"rules.init", "rules.put", "rules.activate", "rules.reload",
	"token.create", "token.revoke", "violation.acknowledge", "violation.waive", "violation.resolve",
	"user.create", "user.update", "user.login",
	"org.term", "member.join", "member.update", "member.transfer", "member.leave", "member.confirm", "member.roles",
	"settings.since"}

// AuditParams page the audit log.
type AuditParams struct {
	Action string
	orglife.ListParams
}

// Audit lists the audit log (admin only), oldest first.
func (s *Service) Audit(ctx context.Context, actor orglife.Actor, p AuditParams) (orglife.Page[*orglife.AuditEntry], error) {
	if !actor.IsAdmin() {
		return orglife.Page[*orglife.AuditEntry]{}, orglife.Errorf(orglife.EFORBIDDEN, "only an admin may read the audit log")
	}
	if err := orglife.CheckFilters(orglife.Filter{"action", p.Action}, orglife.Filter{"cursor", p.Cursor}); err != nil {
		return orglife.Page[*orglife.AuditEntry]{}, err
	}
	if err := orglife.InvalidInput(orglife.CheckOneOf("action", p.Action, AuditActions)); err != nil {
		return orglife.Page[*orglife.AuditEntry]{}, err
	}
	es, err := s.store.Audit(ctx, p.Action, p.Cursor, p.PageSize()+1)
	if err != nil {
		return orglife.Page[*orglife.AuditEntry]{}, err
	}
	out := orglife.Page[*orglife.AuditEntry]{Items: es}
	if n := p.PageSize(); len(es) > n {
		out.Items = es[:n]
		next := es[n-1].ID
		out.NextCursor = &next
	}
	return out, nil
}

// audit appends an audit entry through st (the caller's transaction when it has one).
func (s *Service) audit(ctx context.Context, st Store, actor orglife.Actor, action, target string, detail map[string]any) error {
	now := s.instant()
	return st.AppendAudit(ctx, &orglife.AuditEntry{ID: orglife.NewID(now), At: now, Actor: actor.Name, Role: actor.Role,
		Action: action, Target: target, Detail: detail})
}
