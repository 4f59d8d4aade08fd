package engine

import (
	"context"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/workflows"
)

// readsRoster reports whether the event's guard or the workflow's action expressions read the
// org's members (org.member_count or members), the only part of their environment that costs a
// query.
func (s *Service) readsRoster(def *workflows.Definition, ev *workflows.Event) bool {
	reads := func(src string) bool { return strings.Contains(src, "member_count") || membersRef.MatchString(src) }
	if ev.Guard != nil && reads(ev.Guard.Source) {
		return true
	}
	for _, a := range def.Actions {
		if !a.Runs(ev.To) {
			continue
		}
		if a.ForEach != nil && reads(a.ForEach.Source) {
			return true
		}
		for _, d := range a.Data {
			if reads(d.Expr.Source) {
				return true
			}
		}
	}
	return false
}

// membersRef matches the variable members in an expression (not data.members or a string).
var membersRef = regexp.MustCompile(`(^|[^.\w'"])members\b`)

// runActions starts the children of the actions that name the instance's (new) state in their
// on_enter: one per element of for_each that this parent has not started a child for through the
// same action (whichever state that child was started in), all inserted in one statement. So an
// element added at any later step that enters a named state gets its child, and entering a state
// again never duplicates one. An invalid child fails the whole transition.
func (s *Service) runActions(ctx context.Context, tx Store, def *workflows.Definition, in *orglife.Instance, vars map[string]any, actor orglife.Actor, now time.Time) error {
	var todo []*workflows.Action
	for _, a := range def.Actions {
		if !a.Runs(in.State) {
			continue
		}
		if a.UpdateOrg != nil {
			if err := s.updateOrg(ctx, tx, a, in, vars, actor, now); err != nil {
				return err
			}
			continue
		}
		todo = append(todo, a)
	}
	if len(todo) == 0 {
		return nil
	}
	existing, err := tx.ChildKeys(ctx, in.ID)
	if err != nil {
		return err
	}
	if existing == nil {
		existing = map[string]bool{}
	}
	var children []*orglife.Instance
	var problems []orglife.Detail
	for _, a := range todo {
		child, err := s.definition(a.Start)
		if err != nil {
			return err
		}
		items := []any{nil}
		if a.ForEach != nil {
			v, err := a.ForEach.Run(vars)
			if err != nil {
				return orglife.Errorf(orglife.EUNPROCESSABLE, "action %d (start %s): for_each failed: %v", a.Index, a.Start, err)
			}
			items = listOf(v)
		}
		action := fmt.Sprint(a.Index)
		for i, item := range items {
			key := childKey(item)
			if existing[action+"\x00"+key] {
				continue
			}
			existing[action+"\x00"+key] = true
			at := fmt.Sprintf("actions[%d].item[%d]", a.Index, i)
			c, details := s.childOf(child, a, in, item, vars, actor, now)
			for _, d := range details {
				d.Field = at + "." + d.Field
				problems = append(problems, d)
			}
			if c != nil {
				c.ParentAction, c.ParentKey = action, key
				children = append(children, c)
			}
			if len(children) > workflows.MaxChildrenPerTransition {
				return orglife.Errorf(orglife.EUNPROCESSABLE, "this transition would start more than %d instances, the most one transition may start (a budget of the workflow format); nothing was written",
					workflows.MaxChildrenPerTransition)
			}
		}
	}
	if len(problems) > 0 {
		return &orglife.Error{Code: orglife.EUNPROCESSABLE, Message: "an instance started by this transition would be invalid; nothing was written", Details: problems}
	}
	if len(children) == 0 {
		return nil
	}
	if err := tx.InsertInstances(ctx, children); err != nil {
		if orglife.ErrorCode(err) == orglife.ECONFLICT {
			return orglife.Errorf(orglife.ECONFLICT, "an instance started by this transition clashes with an existing one: %s", orglife.ErrorMessage(err))
		}
		return err
	}
	return nil
}

// childOf builds one child instance of an action, or returns the details of why it is invalid.
func (s *Service) childOf(def *workflows.Definition, a *workflows.Action, parent *orglife.Instance, item any, vars map[string]any, actor orglife.Actor, now time.Time) (*orglife.Instance, []orglife.Detail) {
	if item != nil {
		vars["item"] = item
	}
	data := map[string]any{}
	for _, d := range a.Data {
		v, err := d.Expr.Run(vars)
		if err != nil {
			return nil, []orglife.Detail{{Field: d.Field, Message: err.Error()}}
		}
		data[d.Field] = v
	}
	norm, details := def.NormalizeData(data, s.loc)
	if len(details) > 0 {
		return nil, details
	}
	if missing := def.MissingRequired(norm, nil); len(missing) > 0 {
		return nil, missing
	}
	parentID := parent.ID
	c := &orglife.Instance{
		ID: orglife.NewID(now), Workflow: def.ID, WorkflowVersion: def.Version, OrgID: parent.OrgID,
		State: def.Initial, Version: 1, Data: norm, CreatedData: norm, CreatedAt: now, UpdatedAt: now,
		CreatedBy: actor.Name, ParentID: &parentID,
	}
	s.derive(def, c, false, now)
	c.CreationHash = orglife.CreationHash(c)
	return c, nil
}

// listOf turns the value of a for_each expression into a list of elements.
func listOf(v any) []any {
	if v == nil {
		return nil
	}
	if l, ok := v.([]any); ok {
		return l
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
		return []any{v}
	}
	out := make([]any, rv.Len())
	for i := range out {
		out[i] = rv.Index(i).Interface()
	}
	return out
}
