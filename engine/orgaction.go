package engine

import (
	"cmp"
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/workflows"
)

// committeePosts are the member roles an election fills: an update_org action with a committee
// takes them from the org's members who were not elected and gives each elected member theirs.
var committeePosts = []string{"secretary", "deputy_secretary", "committee", "organization_member", "publicity_member", "discipline_member"}

// updateOrg runs an update_org action in the transition's transaction: the org's new term (first
// day and years) and the posts of the elected committee, effective on the term's first day (the
// transition's day when the action sets no term). Each member whose posts change gets a roles
// change in their history, by the transition's actor; the org is re-evaluated. Entering the state
// again with the same data changes nothing.
func (s *Service) updateOrg(ctx context.Context, tx Store, a *workflows.Action, in *orglife.Instance, vars map[string]any, actor orglife.Actor, now time.Time) error {
	u := a.UpdateOrg
	fail := func(format string, args ...any) error {
		return orglife.Errorf(orglife.EUNPROCESSABLE, "action %d (update_org): "+format, append([]any{a.Index + 1}, args...)...)
	}
	o, err := tx.Org(ctx, in.OrgID)
	if err != nil {
		return err
	}
	before := *o
	on := now.In(s.loc).Format(orglife.DateLayout)
	if u.TermStartedOn != nil {
		v, err := u.TermStartedOn.Run(vars)
		if err != nil {
			return fail("term_started_on failed: %v", err)
		}
		t, ok := v.(time.Time)
		if !ok || t.IsZero() {
			return fail("term_started_on gives no date (%v)", v)
		}
		on = t.In(s.loc).Format(orglife.DateLayout)
		o.TermStartedOn = &on
	}
	if u.TermYears != nil {
		v, err := u.TermYears.Run(vars)
		if err != nil {
			return fail("term_years failed: %v", err)
		}
		n, ok := toInt(v)
		if !ok {
			return fail("term_years gives no whole number (%v)", v)
		}
		o.TermYears = n
	}
	if err := validateOrg(o); err != nil {
		return err
	}
	if !sameDate(before.TermStartedOn, o.TermStartedOn) || before.TermYears != o.TermYears {
		o.UpdatedAt = now
		if err := tx.UpdateOrg(ctx, o); err != nil {
			return err
		}
		termDay := on
		if err := s.recordOrgChange(ctx, tx, actor, o, &termDay); err != nil {
			return err
		}
		detail := map[string]any{"instance_id": in.ID, "term_years": o.TermYears}
		if o.TermStartedOn != nil {
			detail["term_started_on"] = *o.TermStartedOn
		}
		if err := s.audit(ctx, tx, actor, "org.term", o.ID, detail); err != nil {
			return err
		}
	}
	if u.Committee != nil {
		v, err := u.Committee.Run(vars)
		if err != nil {
			return fail("committee failed: %v", err)
		}
		if err := s.seatCommittee(ctx, tx, o.ID, listOf(v), on, actor, fail); err != nil {
			return err
		}
	}
	return s.enqueueOrg(ctx, tx, o.ID)
}

// seatCommittee gives the elected (objects with member or name, and post) their posts among the
// org's members, and takes the committee posts from everyone else. An element with a member id
// is matched by id (two members called 张伟 are two people); one with only a name, as older
// election records have it, by the name, which must then name exactly one member.
func (s *Service) seatCommittee(ctx context.Context, tx Store, orgID string, elected []any, on string, actor orglife.Actor, fail func(string, ...any) error) error {
	ms, err := tx.Members(ctx, []string{orgID})
	if err != nil {
		return err
	}
	posts := map[string][]string{}
	for i, item := range elected {
		name, post := strings.TrimSpace(textOf(fieldOf(item, "name"))), textOf(fieldOf(item, "post"))
		id := strings.TrimSpace(textOf(fieldOf(item, "member")))
		if !slices.Contains(committeePosts, post) {
			return fail("elected %d (%s): post %q is not a committee post", i+1, cmp.Or(id, name), post)
		}
		var match []*orglife.Member
		for _, m := range ms {
			if id != "" && m.ID == id || id == "" && m.Name == name {
				match = append(match, m)
			}
		}
		if id != "" && len(match) != 1 {
			return fail("elected %d: %q is not a member of org %s", i+1, id, orgID)
		}
		if len(match) != 1 {
			return fail("elected %d: %q names %d members of org %s, not one", i+1, name, len(match), orgID)
		}
		posts[match[0].ID] = append(posts[match[0].ID], post)
	}
	for _, m := range ms {
		roles := []string{}
		for _, r := range m.Roles {
			if !slices.Contains(committeePosts, r) {
				roles = append(roles, r)
			}
		}
		roles = uniqueRoles(append(roles, posts[m.ID]...))
		if slices.Equal(roles, m.Roles) {
			continue
		}
		m.Roles = roles
		if err := tx.UpdateMember(ctx, m); err != nil {
			return err
		}
		day := on
		if err := s.recordChange(ctx, tx, actor, m, orglife.ChangeRoles, &day, nil, "换届选举"); err != nil {
			return err
		}
	}
	return nil
}

// textOf is a field's text, "" for an unset one (fmt would print <nil>).
func textOf(v any) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

// fieldOf returns the key of a map, or the field of a struct whose expr tag (or name) is key.
func fieldOf(item any, key string) any {
	if m, ok := item.(map[string]any); ok {
		return m[key]
	}
	v := reflect.Indirect(reflect.ValueOf(item))
	if v.Kind() != reflect.Struct {
		return nil
	}
	for i := 0; i < v.NumField(); i++ {
		f := v.Type().Field(i)
		if f.Tag.Get("expr") == key || strings.EqualFold(f.Name, key) {
			return v.Field(i).Interface()
		}
	}
	return nil
}

func toInt(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case int64:
		return int(n), true
	case float64:
		if n == float64(int(n)) {
			return int(n), true
		}
	}
	return 0, false
}
