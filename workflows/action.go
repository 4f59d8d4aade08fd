package workflows

import (
	"fmt"
	"slices"

	"github.com/orglife/orglife/rules"
	"github.com/orglife/orglife/yamlfile"
)

// actions decodes the actions list. Whether `start` names a workflow and whether the data keys
// are fields of it are checked by Load, which knows every workflow.
func (dec *decoder) actions(d *Definition, n *yamlfile.Node) {
	for i, v := range dec.List(n, "actions") {
		what := fmt.Sprintf("action %d", i+1)
		if !dec.Map(v, what, actionKeys) {
			continue
		}
		a := &Action{Index: i}
		dec.Required(v, "on_enter", what)
		if v.Present("update_org") == nil {
			dec.Required(v, "start", what)
		} else if st := v.Present("start"); st != nil {
			dec.Addf(st, what, "an action either starts instances (start) or updates the org (update_org), not both")
		}
		if on := v.Present("on_enter"); on != nil {
			states, nodes := dec.list(on, what+": on_enter", nil)
			for j, s := range states {
				switch {
				case d.stateByID[s] == nil:
					dec.Addf(nodes[j], what+": on_enter", "unknown state %q", s)
				case slices.Contains(states[:j], s):
					dec.Addf(nodes[j], what+": on_enter", "state %q is listed twice", s)
				}
			}
			if on.Kind == yamlfile.KindSeq && len(on.Items) == 0 {
				dec.Addf(on, what+": on_enter", "at least one state is needed")
			}
			a.OnEnter = states
		}
		if st := v.Present("start"); st != nil {
			a.Start, _ = dec.Text(st, what+": start")
			a.start = st
		}
		env := rules.GuardEnv(d.Schema)
		if uo := v.Present("update_org"); uo != nil {
			a.UpdateOrg = dec.updateOrg(uo, env, what+": update_org")
		}
		if fe := v.Present("for_each"); fe != nil {
			if src, ok := dec.Text(fe, what+": for_each"); ok {
				a.ForEach = dec.compile(fe, src, env, rules.KindList, what+": for_each")
				var item any
				if a.ForEach != nil {
					item = a.ForEach.ElemZero()
				}
				env = env.With(rules.VarItem, item)
			}
		}
		if data := v.Present("data"); data != nil && dec.Map(data, what+": data", nil) {
			for _, e := range data.Entries {
				ad := ActionData{Field: e.Key.Value, key: e.Key}
				w := fmt.Sprintf("%s: data %q", what, e.Key.Value)
				if src, ok := dec.Text(e.Value, w); ok {
					ad.Expr = dec.compile(e.Value, src, env, rules.KindAny, w)
				}
				a.Data = append(a.Data, ad)
			}
		}
		d.Actions = append(d.Actions, a)
	}
}

// updateOrg decodes an action's update_org: expressions for the org's new term and committee.
func (dec *decoder) updateOrg(n *yamlfile.Node, env rules.Env, what string) *OrgUpdate {
	if !dec.Map(n, what, updateOrgKeys) {
		return nil
	}
	u := &OrgUpdate{}
	for key, dst := range map[string]**rules.Program{"term_started_on": &u.TermStartedOn, "term_years": &u.TermYears, "committee": &u.Committee} {
		if e := n.Present(key); e != nil {
			if src, ok := dec.Text(e, what+": "+key); ok {
				kind := rules.KindAny
				if key == "committee" {
					kind = rules.KindList
				}
				*dst = dec.compile(e, src, env, kind, what+": "+key)
			}
		}
	}
	if n.Present("term_started_on") == nil && n.Present("committee") == nil {
		dec.Addf(n, what, "term_started_on or committee is needed")
	}
	return u
}
