package engine

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/workflows"
)

// definition returns the workflow definition of id; invalid when unknown.
func (s *Service) definition(id string) (*workflows.Definition, error) {
	if s.defs != nil {
		if d, ok := s.defs.Get(id); ok {
			return d, nil
		}
	}
	return nil, &orglife.Error{Code: orglife.EINVALID, Message: "unknown workflow " + id,
		Details: []orglife.Detail{{Field: "workflow", Message: "no such workflow"}}}
}

// Workflows returns the loaded workflow definitions, sorted by id.
func (s *Service) Workflows() []*workflows.Definition {
	if s.defs == nil {
		return nil
	}
	return s.defs.List()
}

// Workflow returns one definition; not_found when unknown.
func (s *Service) Workflow(id string) (*workflows.Definition, error) {
	if _, err := s.definition(id); err != nil {
		return nil, orglife.Errorf(orglife.ENOTFOUND, "workflow %s not found", id)
	}
	d, _ := s.defs.Get(id)
	return d, nil
}

// checkData validates event or start data against the definition: unknown fields are invalid
// (400); type and constraint errors are unprocessable (422). It returns the normalized data.
func (s *Service) checkData(def *workflows.Definition, data map[string]any) (map[string]any, error) {
	if err := unknownFields(def, data); err != nil {
		return nil, err
	}
	norm, details := def.NormalizeData(data, s.loc)
	if len(details) > 0 {
		return nil, &orglife.Error{Code: orglife.EUNPROCESSABLE, Message: "invalid data for workflow " + def.ID, Details: details}
	}
	if norm == nil {
		norm = map[string]any{}
	}
	return norm, nil
}

// derive sets the columns that follow from the state and data: complete, recorded_at,
// occurs_on and the unique key.
func (s *Service) derive(def *workflows.Definition, in *orglife.Instance, wasComplete bool, now time.Time) {
	in.Complete = def.IsComplete(in.State)
	switch {
	case in.Complete && !wasComplete:
		in.RecordedAt = &now
	case !in.Complete:
		in.RecordedAt = nil
	}
	in.OccursOn = nil
	if def.OccursOn != "" {
		if d := def.OccursOnDate(in.Data); d != "" {
			in.OccursOn = &d
		}
	} else if in.RecordedAt != nil {
		d := in.RecordedAt.In(s.loc).Format(orglife.DateLayout)
		in.OccursOn = &d
	}
	in.UniqueKey = nil
	if !def.IsCancelled(in.State) {
		in.UniqueKey = def.UniqueKey(in.Data)
	}
}

// Start starts an instance of a workflow for an org: the caller's role must be among the
// workflow's started_by (an admin always may) with the matching scope — a branch for its own
// org, a supervisor for an org strictly below its own —, the workflow must apply to the org's
// kind, and the data must validate.
func (s *Service) Start(ctx context.Context, actor orglife.Actor, p StartParams) (*orglife.Instance, error) {
	if err := orglife.InvalidInput(orglife.CheckText("workflow", p.Workflow, orglife.MaxFilterLength),
		orglife.CheckID("org_id", p.OrgID), orglife.CheckData("data", p.Data), checkIdempotencyKey(p.IdempotencyKey)); err != nil {
		return nil, err
	}
	def, err := s.definition(p.Workflow)
	if err != nil {
		return nil, err
	}
	if p.OrgID == "" {
		return nil, &orglife.Error{Code: orglife.EINVALID, Message: "org_id is required", Details: []orglife.Detail{{Field: "org_id", Message: "required"}}}
	}
	defer s.begin()()
	return s.withIdempotency(ctx, idempotencyOf(actor, p.IdempotencyKey, p.RequestHash), func() (*orglife.Instance, error) {
		var out *orglife.Instance
		err := s.inTx(ctx, func(ctx context.Context, tx Store) error {
			oc, err := tx.OrgContext(ctx, p.OrgID)
			if err != nil && orglife.ErrorCode(err) != orglife.ENOTFOUND {
				return err
			}
			org, sc, err := s.orgAndScope(oc, actor, p.OrgID)
			if err != nil {
				return err
			}
			if err := mayStart(actor, def, sc, p.OrgID); err != nil {
				return err
			}
			if !def.CanStart(org.Kind) {
				return orglife.Errorf(orglife.EUNPROCESSABLE, "workflow %s does not apply to an org of kind %s", def.ID, org.Kind)
			}
			data, err := s.checkData(def, p.Data)
			if err != nil {
				return err
			}
			if missing := def.MissingRequired(data, nil); len(missing) > 0 {
				return &orglife.Error{Code: orglife.EUNPROCESSABLE, Message: "required fields are missing", Details: missing}
			}
			since, err := s.parseSince(oc.Since)
			if err != nil {
				return err
			}
			if err := s.checkDates(def, org, since, data, nil, def.IsComplete(def.Initial)); err != nil {
				return err
			}
			if err := s.checkMembers(ctx, tx, def, org, data); err != nil {
				return err
			}
			now := s.instant()
			in := &orglife.Instance{
				ID: orglife.NewID(now), Workflow: def.ID, WorkflowVersion: def.Version, OrgID: org.ID,
				State: def.Initial, Version: 1, Data: data, CreatedData: data,
				CreatedAt: now, UpdatedAt: now, CreatedBy: actor.Name,
			}
			s.derive(def, in, false, now)
			in.CreationHash = orglife.CreationHash(in)
			outbox, err := s.instanceEntries(ctx, in, nil)
			if err != nil {
				return err
			}
			if err := tx.CreateInstance(ctx, in, outbox); err != nil {
				return uniqueClash(err, def)
			}
			if err := s.remember(ctx, tx, idempotencyOf(actor, p.IdempotencyKey, p.RequestHash), in); err != nil {
				return err
			}
			out = in
			return nil
		})
		if err == nil {
			s.committed(out)
		}
		return out, err
	})
}

// uniqueClash rewords a conflict on insert as the workflow's unique rule.
func uniqueClash(err error, def *workflows.Definition) error {
	if orglife.ErrorCode(err) == orglife.ECONFLICT && len(def.Unique) > 0 {
		return orglife.Errorf(orglife.ECONFLICT, "an instance of %s with the same %s already exists for this org", def.ID, strings.Join(def.Unique, ", "))
	}
	return err
}

// orgAndScope returns the org of an OrgContext (read with the change's other inputs) with the
// actor's scope on it; not_found when there is no context or lineage (orgID does not exist).
func (s *Service) orgAndScope(oc *orglife.OrgContext, actor orglife.Actor, orgID string) (*orglife.Org, orglife.Scope, error) {
	if oc == nil || len(oc.Lineage) == 0 {
		return nil, orglife.Scope{}, orglife.Errorf(orglife.ENOTFOUND, "org %s not found", orgID)
	}
	path := make([]string, len(oc.Lineage))
	for i, o := range oc.Lineage {
		path[i] = o.ID
	}
	return oc.Org(), actor.ScopeOn(path), nil
}

func (s *Service) orgScopeTx(ctx context.Context, st Store, actor orglife.Actor, orgID string) (orglife.Scope, error) {
	path, err := st.OrgPath(ctx, orgID)
	if err != nil && orglife.ErrorCode(err) != orglife.ENOTFOUND {
		return orglife.Scope{}, err
	}
	if len(path) == 0 {
		return orglife.Scope{}, orglife.Errorf(orglife.ENOTFOUND, "org %s not found", orgID)
	}
	return actor.ScopeOn(path), nil
}

// GetInstance returns an instance in the caller's scope.
func (s *Service) GetInstance(ctx context.Context, actor orglife.Actor, id string) (*orglife.Instance, error) {
	if err := orglife.InvalidInput(orglife.CheckID("id", id)); err != nil {
		return nil, err
	}
	in, err := s.store.Instance(ctx, id, false)
	if err != nil {
		return nil, err
	}
	sc, err := s.orgScope(ctx, actor, in.OrgID)
	if err != nil {
		return nil, err
	}
	if !sc.Read {
		return nil, orglife.OutOfScope("instance " + id)
	}
	return in, nil
}

// mayStart answers whether the actor may start def for an org with scope sc: nil, or forbidden
// with the reason.
func mayStart(actor orglife.Actor, def *workflows.Definition, sc orglife.Scope, orgID string) error {
	if actor.IsAdmin() {
		return nil
	}
	if !def.MayStart(actor.Role) {
		return orglife.Errorf(orglife.EFORBIDDEN, "a %s token may not start %s (started by: %s, or an admin)",
			actor.Role, def.ID, strings.Join(def.StartedBy, ", "))
	}
	switch {
	case actor.Role == orglife.RoleBranch && sc.Branch:
		return nil
	case actor.Role == orglife.RoleSupervisor && sc.Above:
		return nil
	case actor.Role == orglife.RoleSupervisor:
		return orglife.Errorf(orglife.EFORBIDDEN, "a supervisor of org %s may start %s only for an org strictly below %s, not for %s",
			actor.OrgID, def.ID, actor.OrgID, orgID)
	}
	return orglife.OutOfScope("org " + orgID)
}

// mayFire reports whether the actor may fire ev on an instance of an org with scope sc.
func mayFire(actor orglife.Actor, ev *workflows.Event, sc orglife.Scope) bool {
	if actor.IsAdmin() {
		return true
	}
	if !slices.Contains(ev.By, actor.Role) {
		return false
	}
	switch actor.Role {
	case orglife.RoleBranch:
		return sc.Branch
	case orglife.RoleSupervisor:
		return sc.Above
	}
	return false
}

// AvailableEvents lists the events the actor may fire on the instance in its current state. The
// instance must be one the actor may read (as every instance the service hands out is): its org
// is then the actor's own or, for a supervisor, one below it, so no query is needed.
func (s *Service) AvailableEvents(actor orglife.Actor, in *orglife.Instance) []EventRef {
	out := []EventRef{}
	def, err := s.definition(in.Workflow)
	if err != nil {
		return out
	}
	own := in.OrgID == actor.OrgID
	sc := orglife.Scope{Read: true, Branch: actor.IsAdmin() || (actor.Role == orglife.RoleBranch && own),
		Above: actor.IsAdmin() || (actor.Role == orglife.RoleSupervisor && !own)}
	for _, ev := range def.EventsFrom(in.State) {
		if mayFire(actor, ev, sc) {
			out = append(out, EventRef{Name: ev.Name, To: ev.To})
		}
	}
	return out
}

// ListInstances lists instances in the caller's scope, ordered by id.
func (s *Service) ListInstances(ctx context.Context, actor orglife.Actor, p ListInstancesParams) (orglife.Page[*orglife.Instance], error) {
	var empty orglife.Page[*orglife.Instance]
	if err := orglife.CheckFilters(orglife.Filter{"workflow", p.Workflow}, orglife.Filter{"state", p.State}, orglife.Filter{"cursor", p.Cursor}); err != nil {
		return empty, err
	}
	if err := orglife.InvalidInput(orglife.CheckID("org_id", p.OrgID)); err != nil {
		return empty, err
	}
	if err := orglife.InvalidInput(s.checkWorkflowParams(p.Workflow, p.State), orglife.CheckDateRange(p.From, p.To)); err != nil {
		return empty, err
	}
	f := orglife.InstanceFilter{Workflow: p.Workflow, State: p.State, From: p.From, To: p.To, Cursor: p.Cursor, Limit: p.PageSize() + 1}
	readable, err := s.readableOrgs(ctx, actor)
	if err != nil {
		return empty, err
	}
	if p.OrgID != "" {
		sc, err := s.orgScope(ctx, actor, p.OrgID)
		if err != nil {
			return empty, err
		}
		if !sc.Read {
			return empty, orglife.OutOfScope("org " + p.OrgID)
		}
		if actor.Role == orglife.RoleBranch {
			f.OrgIDs = []string{p.OrgID}
		} else if f.OrgIDs, err = s.store.Subtree(ctx, p.OrgID); err != nil {
			return empty, err
		}
	} else {
		f.OrgIDs = readable
	}
	if f.OrgIDs != nil && len(f.OrgIDs) == 0 {
		return orglife.Page[*orglife.Instance]{Items: []*orglife.Instance{}}, nil
	}
	items, err := s.store.Instances(ctx, f)
	if err != nil {
		return empty, err
	}
	out := orglife.Page[*orglife.Instance]{Items: items}
	if n := p.PageSize(); len(items) > n {
		out.Items = items[:n]
		next := items[n-1].ID
		out.NextCursor = &next
	}
	if out.Items == nil {
		out.Items = []*orglife.Instance{}
	}
	return out, nil
}

// History returns an instance's transitions, ordered by seq.
func (s *Service) History(ctx context.Context, actor orglife.Actor, id string) ([]*orglife.Transition, error) {
	if _, err := s.GetInstance(ctx, actor, id); err != nil {
		return nil, err
	}
	return s.store.Transitions(ctx, id)
}

// WorkflowSet returns the loaded workflow definitions as a set.
func (s *Service) WorkflowSet() *workflows.Set { return s.defs }
