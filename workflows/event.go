package workflows

import (
	"errors"
	"fmt"
	"slices"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/rules"
	"github.com/orglife/orglife/yamlfile"
)

// eventNodes keeps the positions of an event's references for the graph checks.
type eventNodes struct {
	name *yamlfile.Node
	from []*yamlfile.Node
	to   *yamlfile.Node
}

func (dec *decoder) events(d *Definition, n *yamlfile.Node) {
	if n.Kind != yamlfile.KindSeq {
		dec.add(n, "events: must be a list, not a %s", n.Kind)
		return
	}
	if dec.eventNodes == nil {
		dec.eventNodes = map[*Event]*eventNodes{}
	}
	env := rules.GuardEnv(d.Schema)
	for i, v := range n.Items {
		what := fmt.Sprintf("event %d", i+1)
		if !dec.mapping(v, what) {
			continue
		}
		ev := &Event{}
		nodes := &eventNodes{name: v}
		if nn := v.Get("name"); nn.IsNull() {
			dec.add(v, "%s: missing \"name\"", what)
		} else if name, ok := dec.name(nn, what+": name"); ok {
			ev.Name, nodes.name = name, nn
			what = fmt.Sprintf("event %q", name)
			if d.eventByName[name] != nil {
				dec.add(nn, "duplicate event %q", name)
			}
		}
		dec.problems = append(dec.problems, v.CheckKeys(what, eventKeys)...)
		for _, key := range []string{"from", "to", "by"} {
			if v.Get(key).IsNull() {
				dec.add(v, "%s: missing %q", what, key)
			}
		}
		if t := v.Get("title"); !t.IsNull() {
			ev.Title, _ = dec.text(t, what+": title")
		}
		if m := v.Get("message"); !m.IsNull() {
			ev.Message, _ = dec.text(m, what+": message")
		}
		if f := v.Get("from"); f != nil {
			ev.From, nodes.from = dec.list(f, what+": from")
			if f.Kind == yamlfile.KindSeq && len(f.Items) == 0 {
				dec.add(f, "%s: from: at least one state is needed", what)
			}
		}
		if t := v.Get("to"); !t.IsNull() {
			if s, ok := dec.text(t, what+": to"); ok {
				ev.To, nodes.to = s, t
			}
		}
		if b := v.Get("by"); b != nil {
			roles, rn := dec.list(b, what+": by")
			for j, r := range roles {
				if !slices.Contains(Roles, r) {
					dec.add(rn[j], "%s: unknown role %q", what, r)
				}
			}
			ev.By = roles
			if b.Kind == yamlfile.KindSeq && len(b.Items) == 0 {
				dec.add(b, "%s: by: at least one role is needed", what)
			}
		}
		if r := v.Get("require"); r != nil {
			names, rn := dec.list(r, what+": require")
			for j, s := range names {
				if d.fieldByName[s] == nil {
					dec.add(rn[j], "%s: require: unknown field %q", what, s)
				}
			}
			ev.Require = names
		}
		if st := v.Get("sets"); st != nil {
			names, sn := dec.list(st, what+": sets")
			for j, s := range names {
				switch {
				case d.fieldByName[s] == nil:
					dec.add(sn[j], "%s: sets: unknown field %q", what, s)
				case slices.Contains(names[:j], s):
					dec.add(sn[j], "%s: sets: field %q is listed twice", what, s)
				}
			}
			ev.Sets, ev.SetsDeclared = names, true
			if ev.Sets == nil {
				ev.Sets = []string{}
			}
		}
		if c := v.Get("comment"); !c.IsNull() {
			switch s, _ := c.Text(); s {
			case "required":
				ev.CommentRequired = true
			case "optional":
			default:
				dec.add(c, "%s: comment must be \"required\" or \"optional\"", what)
			}
		}
		if g := v.Get("guard"); !g.IsNull() {
			if src, ok := dec.text(g, what+": guard"); ok {
				ev.Guard = dec.compile(g, src, env, rules.KindBool, what+": guard")
			}
		}
		if ev.Name != "" && d.eventByName[ev.Name] == nil {
			d.eventByName[ev.Name] = ev
			d.Events = append(d.Events, ev)
			dec.eventNodes[ev] = nodes
		}
	}
	if len(d.Events) == 0 && len(n.Items) == 0 {
		dec.add(n, "events: at least one event is needed")
	}
}

// compile compiles an expression written in node n and reports its error at the position
// inside the file.
func (dec *decoder) compile(n *yamlfile.Node, src string, env rules.Env, want rules.Kind, what string) *rules.Program {
	p, err := rules.Compile(src, env, want)
	if err == nil {
		return p
	}
	line, col := n.Line, n.Column
	msg := err.Error()
	var ee *rules.ExprError
	if errors.As(err, &ee) {
		line, col = n.Pos(ee.Line, ee.Column)
		msg = ee.Message
	}
	dec.problems = append(dec.problems, orglife.Problem{File: n.File, Line: line, Column: col, Message: what + ": " + msg})
	return nil
}

// graph checks the states the events name and the shape of the state graph: every state
// reachable from the initial state, a way out of every non-final state, none out of a final one.
func (dec *decoder) graph(d *Definition) {
	if len(d.States) == 0 {
		return
	}
	out := map[string]int{}
	for _, ev := range d.Events {
		nodes := dec.eventNodes[ev]
		for i, s := range ev.From {
			st := d.stateByID[s]
			switch {
			case st == nil:
				dec.add(nodes.from[i], "event %q: unknown state %q", ev.Name, s)
			case st.Final:
				dec.add(nodes.from[i], "event %q: state %q is final and cannot be left", ev.Name, s)
			default:
				out[s]++
			}
		}
		if ev.To != "" && !ev.ToPrevious() && d.stateByID[ev.To] == nil {
			dec.add(nodes.to, "event %q: unknown state %q", ev.Name, ev.To)
		}
		if ev.ToPrevious() {
			for i, s := range ev.From {
				if s == d.Initial {
					dec.add(nodes.from[i], "event %q: to %q cannot leave the initial state %q (an instance there may have no previous state)", ev.Name, PreviousState, s)
				}
			}
		}
	}
	for _, s := range d.States {
		if !s.Final && out[s.ID] == 0 {
			dec.add(s.node, "state %q: no event leaves it and it is not final", s.ID)
		}
	}
	if d.stateByID[d.Initial] == nil {
		return
	}
	reached := map[string]bool{d.Initial: true}
	queue := []string{d.Initial}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for _, ev := range d.Events {
			// An event to "@previous" returns to a state already reached: it adds no edge.
			if slices.Contains(ev.From, s) && d.stateByID[ev.To] != nil && !reached[ev.To] {
				reached[ev.To] = true
				queue = append(queue, ev.To)
			}
		}
	}
	for _, s := range d.States {
		if !reached[s.ID] {
			dec.add(s.node, "state %q: unreachable from initial state %q", s.ID, d.Initial)
		}
	}
}
