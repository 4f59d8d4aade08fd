package engine

import (
	"context"
	"slices"
	"strings"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/workflows"
)

// checkMembers refuses member ids in data (a start's data or an event's patch) that do not
// belong to a member who is, or was, in the org: the fields of type member hold ids chosen from
// the roster, never names. The error is 422 with one detail per place, named by its title.
func (s *Service) checkMembers(ctx context.Context, st Store, def *workflows.Definition, org *orglife.Org, data map[string]any) error {
	refs := def.MemberRefs(data)
	if len(refs) == 0 {
		return nil
	}
	known, err := inOrg(ctx, st, org.ID, refs)
	if err != nil {
		return err
	}
	var details []orglife.Detail
	for _, r := range refs {
		if !known[r.ID] {
			details = append(details, orglife.Detail{Field: r.Path, Message: "「" + r.Label + "」中的“" + r.ID + "”不是本组织名册中的党员"})
		}
	}
	if len(details) > 0 {
		return &orglife.Error{Code: orglife.EUNPROCESSABLE, Message: "member ids not in the roster of org " + org.ID, Details: details}
	}
	return nil
}

// inOrg returns which of the ids named by refs belong to a member now in the org or, by the
// member's history, once in it.
func inOrg(ctx context.Context, st Store, orgID string, refs []workflows.MemberRef) (map[string]bool, error) {
	var ids []string
	for _, r := range refs {
		if !slices.Contains(ids, r.ID) {
			ids = append(ids, r.ID)
		}
	}
	ms, err := st.MembersByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	var elsewhere []string
	for _, m := range ms {
		if m.OrgID == orgID {
			known[m.ID] = true
		} else {
			elsewhere = append(elsewhere, m.ID)
		}
	}
	if len(elsewhere) == 0 {
		return known, nil
	}
	changes, err := st.MemberChanges(ctx, elsewhere)
	if err != nil {
		return nil, err
	}
	for _, c := range changes {
		if c.OrgID == orgID || (c.FromOrgID != nil && *c.FromOrgID == orgID) {
			known[c.MemberID] = true
		}
	}
	return known, nil
}

// RosterEntry is one member a form may offer for an org: current, or Former when they have
// left the org since (transferred out or left the Party).
type RosterEntry struct {
	ID, Name string
	Former   bool
}

// Roster lists the members a record of the org may name (in orglife.Scope): the current members
// by id, then the former ones by id, with the name of their latest history entry.
func (s *Service) Roster(ctx context.Context, actor orglife.Actor, orgID string) ([]RosterEntry, error) {
	if err := s.mayReadOrg(ctx, actor, orgID); err != nil {
		return nil, err
	}
	ms, err := s.store.Members(ctx, []string{orgID})
	if err != nil {
		return nil, err
	}
	changes, err := s.store.OrgMemberChanges(ctx, []string{orgID})
	if err != nil {
		return nil, err
	}
	var out []RosterEntry
	current := map[string]bool{}
	for _, m := range ms {
		out = append(out, RosterEntry{ID: m.ID, Name: m.Name})
		current[m.ID] = true
	}
	slices.SortFunc(out, func(a, b RosterEntry) int { return strings.Compare(a.ID, b.ID) })
	former := map[string]string{}
	for _, c := range changes {
		if !current[c.MemberID] {
			former[c.MemberID] = c.Name
		}
	}
	var gone []RosterEntry
	for id, name := range former {
		gone = append(gone, RosterEntry{ID: id, Name: name, Former: true})
	}
	slices.SortFunc(gone, func(a, b RosterEntry) int { return strings.Compare(a.ID, b.ID) })
	return append(out, gone...), nil
}
