package engine

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/orglife/orglife"
)

// instant returns the clock's now in UTC at the microsecond precision both databases keep.
func (s *Service) instant() time.Time {
	return s.now().UTC().Truncate(time.Microsecond)
}

func validDate(p *string) bool {
	if p == nil {
		return true
	}
	_, err := time.Parse(orglife.DateLayout, *p)
	return err == nil
}

// validateOrg checks an org's fields; it returns invalid with one detail per problem.
func validateOrg(o *orglife.Org) error {
	var d []orglife.Detail
	add := func(field, format string, args ...any) {
		d = append(d, orglife.Detail{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	if !orglife.OrgIDPattern.MatchString(o.ID) {
		add("id", "id must match %s", orglife.OrgIDPattern)
	}
	d = append(d, orglife.CheckID("id", o.ID)...)
	if strings.TrimSpace(o.Name) == "" {
		add("name", "name is required")
	}
	d = append(d, orglife.CheckText("name", o.Name, orglife.MaxNameLength)...)
	if o.ParentID != nil {
		d = append(d, orglife.CheckID("parent_id", *o.ParentID)...)
	}
	for _, k := range slices.Sorted(maps.Keys(o.Attributes)) {
		if p := orglife.TextProblem(k, orglife.MaxIDLength); p != "" {
			add("attributes", "an attribute name %s", p)
			continue
		}
		d = append(d, orglife.CheckText("attributes."+k, o.Attributes[k], orglife.MaxTextLength)...)
	}
	if !slices.Contains(orglife.OrgKinds, o.Kind) {
		add("kind", "kind must be one of %s", strings.Join(orglife.OrgKinds, ", "))
	}
	if o.ParentID != nil && *o.ParentID == o.ID {
		add("parent_id", "an org cannot be its own parent")
	}
	for field, p := range map[string]*string{"established_on": o.EstablishedOn, "dissolved_on": o.DissolvedOn, "term_started_on": o.TermStartedOn} {
		if !validDate(p) {
			add(field, "%s must be a date YYYY-MM-DD", field)
		}
	}
	if validDate(o.EstablishedOn) && validDate(o.DissolvedOn) && o.EstablishedOn != nil && o.DissolvedOn != nil && *o.DissolvedOn < *o.EstablishedOn {
		add("dissolved_on", "dissolved_on must not be before established_on")
	}
	if o.TermYears < 0 || o.TermYears > 10 {
		add("term_years", "term_years must be between 0 and 10")
	}
	if len(d) > 0 {
		slices.SortFunc(d, func(a, b orglife.Detail) int { return strings.Compare(a.Field, b.Field) })
		return &orglife.Error{Code: orglife.EINVALID, Message: "invalid org: " + d[0].Message, Details: d}
	}
	return nil
}

// CreateOrg creates an org (admin only). The parent must exist.
func (s *Service) CreateOrg(ctx context.Context, actor orglife.Actor, o *orglife.Org) (*orglife.Org, error) {
	if !actor.IsAdmin() {
		return nil, orglife.Errorf(orglife.EFORBIDDEN, "only an admin may create orgs")
	}
	if err := validateOrg(o); err != nil {
		return nil, err
	}
	if o.ParentID != nil {
		if _, err := s.store.Org(ctx, *o.ParentID); orglife.ErrorCode(err) == orglife.ENOTFOUND {
			return nil, &orglife.Error{Code: orglife.EUNPROCESSABLE, Message: "unknown parent org " + *o.ParentID,
				Details: []orglife.Detail{{Field: "parent_id", Message: "no such org"}}}
		} else if err != nil {
			return nil, err
		}
	}
	if o.Attributes == nil {
		o.Attributes = map[string]string{}
	}
	o.CreatedAt = s.instant()
	o.UpdatedAt = o.CreatedAt
	err := s.inTx(ctx, func(ctx context.Context, tx Store) error {
		if err := tx.CreateOrg(ctx, o); err != nil {
			return err
		}
		if err := s.recordOrgChange(ctx, tx, actor, o, nil); err != nil {
			return err
		}
		return s.enqueueOrg(ctx, tx, o.ID)
	})
	if err != nil {
		return nil, err
	}
	s.committed(nil)
	return o, nil
}

// UpdateOrg changes an org (admin only). A new parent must exist and must not be below the org.
func (s *Service) UpdateOrg(ctx context.Context, actor orglife.Actor, id string, p OrgPatch) (*orglife.Org, error) {
	if !actor.IsAdmin() {
		return nil, orglife.Errorf(orglife.EFORBIDDEN, "only an admin may change orgs")
	}
	var parent []orglife.Detail
	if p.ParentID != nil {
		parent = orglife.CheckID("parent_id", *p.ParentID)
	}
	if err := orglife.InvalidInput(orglife.CheckID("id", id), parent); err != nil {
		return nil, err
	}
	if !validDate(p.EffectiveOn) {
		return nil, &orglife.Error{Code: orglife.EINVALID, Message: "invalid org: effective_on must be a date YYYY-MM-DD",
			Details: []orglife.Detail{{Field: "effective_on", Message: "effective_on must be a date YYYY-MM-DD"}}}
	}
	var out *orglife.Org
	err := s.inTx(ctx, func(ctx context.Context, tx Store) error {
		o, err := tx.Org(ctx, id)
		if err != nil {
			return err
		}
		before := *o
		if p.Name != nil {
			o.Name = *p.Name
		}
		if p.Attributes != nil {
			o.Attributes = *p.Attributes
		}
		if p.EstablishedOn != nil {
			o.EstablishedOn = nilIfEmpty(*p.EstablishedOn)
		}
		if p.DissolvedOn != nil {
			o.DissolvedOn = nilIfEmpty(*p.DissolvedOn)
		}
		if p.TermStartedOn != nil {
			o.TermStartedOn = nilIfEmpty(*p.TermStartedOn)
		}
		if p.TermYears != nil {
			o.TermYears = *p.TermYears
		}
		if p.ParentID != nil {
			o.ParentID = nilIfEmpty(*p.ParentID)
			if o.ParentID != nil {
				path, err := tx.OrgPath(ctx, *o.ParentID)
				if err != nil && orglife.ErrorCode(err) != orglife.ENOTFOUND {
					return err
				}
				if len(path) == 0 {
					return &orglife.Error{Code: orglife.EUNPROCESSABLE, Message: "unknown parent org " + *o.ParentID,
						Details: []orglife.Detail{{Field: "parent_id", Message: "no such org"}}}
				}
				if slices.Contains(path, id) {
					return &orglife.Error{Code: orglife.EUNPROCESSABLE, Message: "the new parent is below this org",
						Details: []orglife.Detail{{Field: "parent_id", Message: "would make a cycle"}}}
				}
			}
		}
		if err := validateOrg(o); err != nil {
			return err
		}
		o.UpdatedAt = s.instant()
		out = o
		if err := tx.UpdateOrg(ctx, o); err != nil {
			return err
		}
		termChanged := !sameDate(before.TermStartedOn, o.TermStartedOn) || before.TermYears != o.TermYears
		if termChanged || !sameDate(before.ParentID, o.ParentID) {
			on := p.EffectiveOn
			if on == nil && termChanged && o.TermStartedOn != nil {
				on = o.TermStartedOn
			}
			if on == nil {
				today := s.instant().In(s.loc).Format(orglife.DateLayout)
				on = &today
			}
			if err := s.recordOrgChange(ctx, tx, actor, o, on); err != nil {
				return err
			}
		}
		return s.enqueueOrg(ctx, tx, o.ID)
	})
	if err != nil {
		return nil, err
	}
	s.committed(nil)
	return out, nil
}

// recordOrgChange appends the org's parent and term, effective from on (nil: the beginning), to
// its history in tx.
func (s *Service) recordOrgChange(ctx context.Context, tx Store, actor orglife.Actor, o *orglife.Org, on *string) error {
	return tx.AppendOrgChange(ctx, &orglife.OrgChange{OrgID: o.ID, On: on, ParentID: o.ParentID,
		TermStartedOn: o.TermStartedOn, TermYears: o.TermYears, Actor: actor.Name, At: s.instant()})
}

// OrgHistory returns an org's history of parent and term, oldest first (in the caller's scope).
func (s *Service) OrgHistory(ctx context.Context, actor orglife.Actor, id string) ([]*orglife.OrgChange, error) {
	if err := s.mayReadOrg(ctx, actor, id); err != nil {
		return nil, err
	}
	return s.store.OrgChanges(ctx, []string{id})
}

func nilIfEmpty(v string) *string {
	if v == "" {
		return nil
	}
	return &v
}

// GetOrg returns an org in the caller's scope.
func (s *Service) GetOrg(ctx context.Context, actor orglife.Actor, id string) (*orglife.Org, error) {
	if err := orglife.InvalidInput(orglife.CheckID("id", id)); err != nil {
		return nil, err
	}
	sc, err := s.orgScope(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if !sc.Read {
		return nil, orglife.OutOfScope("org " + id)
	}
	return s.store.Org(ctx, id)
}

// readableOrgs returns the ids of the orgs the actor may read, or nil for all (admin).
func (s *Service) readableOrgs(ctx context.Context, actor orglife.Actor) ([]string, error) {
	switch actor.Role {
	case orglife.RoleAdmin:
		return nil, nil
	case orglife.RoleSupervisor:
		return s.store.Subtree(ctx, actor.OrgID)
	}
	return []string{actor.OrgID}, nil
}

// ListOrgs lists the orgs in the caller's scope, ordered by id.
func (s *Service) ListOrgs(ctx context.Context, actor orglife.Actor, p orglife.ListParams) (orglife.Page[*orglife.Org], error) {
	ids, err := s.readableOrgs(ctx, actor)
	if err != nil {
		return orglife.Page[*orglife.Org]{}, err
	}
	if ids != nil && len(ids) == 0 {
		return orglife.Page[*orglife.Org]{Items: []*orglife.Org{}}, nil
	}
	orgs, err := s.store.Orgs(ctx, ids)
	if err != nil {
		return orglife.Page[*orglife.Org]{}, err
	}
	return pageOf(orgs, p, func(o *orglife.Org) string { return o.ID }), nil
}

// pageOf cuts one page out of items sorted by key.
func pageOf[T any](items []T, p orglife.ListParams, key func(T) string) orglife.Page[T] {
	start := 0
	if p.Cursor != "" {
		start, _ = slices.BinarySearchFunc(items, p.Cursor, func(it T, c string) int {
			if key(it) <= c {
				return -1
			}
			return 1
		})
	}
	out := orglife.Page[T]{Items: items[start:]}
	if n := p.PageSize(); len(out.Items) > n {
		out.Items = out.Items[:n]
		next := key(out.Items[n-1])
		out.NextCursor = &next
	}
	if out.Items == nil {
		out.Items = []T{}
	}
	return out
}

// OrgNames returns the names of the orgs among ids that the actor may read, in one query (for
// pages that list rows of many orgs).
func (s *Service) OrgNames(ctx context.Context, actor orglife.Actor, ids []string) (map[string]string, error) {
	readable, err := s.readableOrgs(ctx, actor)
	if err != nil {
		return nil, err
	}
	orgs, err := s.store.Orgs(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(orgs))
	for _, o := range orgs {
		if readable == nil || slices.Contains(readable, o.ID) {
			out[o.ID] = o.Name
		}
	}
	return out, nil
}
