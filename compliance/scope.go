package compliance

import (
	"context"

	"github.com/orglife/orglife"
)

// orgScope loads the path of an org and returns the actor's scope on it; not_found when the org
// does not exist.
func (s *Checker) orgScope(ctx context.Context, st Store, actor orglife.Actor, orgID string) (orglife.Scope, error) {
	path, err := st.OrgPath(ctx, orgID)
	if err != nil {
		return orglife.Scope{}, err
	}
	if len(path) == 0 {
		return orglife.Scope{}, orglife.Errorf(orglife.ENOTFOUND, "org %s not found", orgID)
	}
	return actor.ScopeOn(path), nil
}

// readableOrgs returns the ids of the orgs the actor may read, or nil for all (admin).
func (s *Checker) readableOrgs(ctx context.Context, actor orglife.Actor) ([]string, error) {
	switch actor.Role {
	case orglife.RoleAdmin:
		return nil, nil
	case orglife.RoleSupervisor:
		return s.store.Subtree(ctx, actor.OrgID)
	}
	return []string{actor.OrgID}, nil
}

// audit appends an audit entry through st (the caller's transaction when it has one).
func (s *Checker) audit(ctx context.Context, st Store, actor orglife.Actor, action, target string, detail map[string]any) error {
	now := s.instant()
	return st.AppendAudit(ctx, &orglife.AuditEntry{ID: orglife.NewID(now), At: now, Actor: actor.Name, Role: actor.Role,
		Action: action, Target: target, Detail: detail})
}
