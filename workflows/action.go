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
	if n.Kind != yamlfile.KindSeq {
		dec.add(n, "actions: must be a list, not a %s", n.Kind)
		return
	}
	for i, v := range n.Items {
		what := fmt.Sprintf("action %d", i+1)
		if !dec.mapping(v, what) {
			continue
		}
		dec.problems = append(dec.problems, v.CheckKeys(what, actionKeys)...)
		a := &Action{Index: i}
		for _, key := range []string{"on_enter", "start"} {
			if v.Get(key).IsNull() {
				dec.add(v, "%s: missing %q", what, key)
			}
		}
		if on := v.Get("on_enter"); !on.IsNull() {
			states, nodes := dec.list(on, what+": on_enter")
			for j, s := range states {
				switch {
				case d.stateByID[s] == nil:
					dec.add(nodes[j], "%s: on_enter: unknown state %q", what, s)
				case slices.Contains(states[:j], s):
					dec.add(nodes[j], "%s: on_enter: state %q is listed twice", what, s)
				}
			}
			if on.Kind == yamlfile.KindSeq && len(on.Items) == 0 {
				dec.add(on, "%s: on_enter: at least one state is needed", what)
			}
			a.OnEnter = states
		}
		if st := v.Get("start"); !st.IsNull() {
			a.Start, _ = dec.text(st, what+": start")
			a.start = st
		}
		env := rules.GuardEnv(d.Schema)
		if fe := v.Get("for_each"); !fe.IsNull() {
			if src, ok := dec.text(fe, what+": for_each"); ok {
				a.ForEach = dec.compile(fe, src, env, rules.KindList, what+": for_each")
				var item any
				if a.ForEach != nil {
					item = a.ForEach.ElemZero()
				}
				env = env.With(rules.VarItem, item)
			}
		}
		if data := v.Get("data"); !data.IsNull() && dec.mapping(data, what+": data") {
			dec.problems = append(dec.problems, data.CheckKeys(what+": data", nil)...)
			for _, e := range data.Entries {
				key, _ := e.Key.Text()
				ad := ActionData{Field: key, key: e.Key}
				w := fmt.Sprintf("%s: data %q", what, key)
				if src, ok := dec.text(e.Value, w); ok {
					ad.Expr = dec.compile(e.Value, src, env, rules.KindAny, w)
				}
				a.Data = append(a.Data, ad)
			}
		}
		d.Actions = append(d.Actions, a)
	}
}
