package web

import (
	"context"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/engine"
	"github.com/orglife/orglife/workflows"
)

// orgRoster is what the pages of one org's records need of its members: the options of a member
// field (张伟（m-zhang2）, former members marked 已转出) and the name shown for an id.
type orgRoster struct {
	Options []option
	Names   map[string]string
}

// rosterOf reads the roster of the org when the workflow has fields of type member; otherwise,
// or when the actor may not read the org, it is empty (the engine still checks what is sent).
func (s *server) rosterOf(ctx context.Context, actor orglife.Actor, def *workflows.Definition, orgID string) orgRoster {
	if def == nil || !def.HasMemberFields() {
		return orgRoster{Names: map[string]string{}}
	}
	return s.memberRoster(ctx, actor, orgID)
}

// memberRoster reads the roster of the org (empty when the actor may not read it).
func (s *server) memberRoster(ctx context.Context, actor orglife.Actor, orgID string) orgRoster {
	r := orgRoster{Names: map[string]string{}}
	if orgID == "" {
		return r
	}
	entries, err := s.svc.Roster(ctx, actor, orgID)
	if err != nil {
		return r
	}
	for _, e := range entries {
		r.Options = append(r.Options, option{Value: e.ID, Label: memberLabel(e)})
		r.Names[e.ID] = e.Name + "（" + e.ID + "）"
	}
	return r
}

// memberLabel is how a picker shows a member: the name with the id, which tells two members of
// one name apart.
func memberLabel(e engine.RosterEntry) string {
	if e.Former {
		return e.Name + "（" + e.ID + "，已转出）"
	}
	return e.Name + "（" + e.ID + "）"
}
