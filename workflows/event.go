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

// events decodes the events list.
func (dec *decoder) events(d *Definition, n *yamlfile.Node) {
	if dec.eventNodes == nil {
		dec.eventNodes = map[*Event]*eventNodes{}
	}
	env := rules.GuardEnv(d.Schema)
	for i, v := range dec.List(n, "events") {
		what := fmt.Sprintf("event %d", i+1)
		if !dec.IsMap(v, what) {
			continue
		}
		ev := &Event{}
		nodes := &eventNodes{name: v}
		if nn := dec.Required(v, "name", what); nn != nil {
			if name, ok := dec.Name(nn, what+": name", IDPattern); ok {
				ev.Name, nodes.name = name, nn
				what = fmt.Sprintf("event %q", name)
				if d.eventByName[name] != nil {
					dec.Add(nn, "duplicate event %q", name)
				}
			}
		}
		dec.Keys(v, what, eventKeys)
		dec.Required(v, "from", what)
		dec.Required(v, "to", what)
		dec.Required(v, "by", what)
		ev.Title, _ = dec.Text(v.Present("title"), what+": title")
		ev.Message, _ = dec.Text(v.Present("message"), what+": message")
		if f := v.Get("from"); f != nil {
			ev.From, nodes.from = dec.list(f, what+": from", nil)
			if f.Kind == yamlfile.KindSeq && len(f.Items) == 0 {
				dec.Addf(f, what+": from", "at least one state is needed")
			}
		}
		if t := v.Present("to"); t != nil {
			ev.To, _ = dec.Text(t, what+": to")
			nodes.to = t
		}
		if b := v.Get("by"); b != nil {
			ev.By, _ = dec.list(b, what+": by", Roles)
			if b.Kind == yamlfile.KindSeq && len(b.Items) == 0 {
				dec.Addf(b, what+": by", "at least one role is needed")
			}
		}
		if r := v.Get("require"); r != nil {
			names, rn := dec.list(r, what+": require", nil)
			for j, s := range names {
				if d.fieldByName[s] == nil {
					dec.Addf(rn[j], what+": require", "unknown field %q", s)
				}
			}
			ev.Require = names
		}
		if st := v.Get("sets"); st != nil {
			names, sn := dec.list(st, what+": sets", nil)
			for j, s := range names {
				switch {
				case d.fieldByName[s] == nil:
					dec.Addf(sn[j], what+": sets", "unknown field %q", s)
				case slices.Contains(names[:j], s):
					dec.Addf(sn[j], what+": sets", "field %q is listed twice", s)
				}
			}
			ev.Sets, ev.SetsDeclared = names, true
			if ev.Sets == nil {
				ev.Sets = []string{}
			}
		}
		if c := v.Present("comment"); c != nil {
			s, _ := dec.OneOf(c, what+": comment", []string{"required", "optional"})
			ev.CommentRequired = s == "required"
		}
		if g := v.Present("guard"); g != nil {
			if src, ok := dec.Text(g, what+": guard"); ok {
				ev.Guard = dec.compile(g, src, env, rules.KindBool, what+": guard")
			}
		}
		if ev.Name != "" && d.eventByName[ev.Name] == nil {
			d.eventByName[ev.Name] = ev
			d.Events = append(d.Events, ev)
			dec.eventNodes[ev] = nodes
		}
	}
	if len(d.Events) == 0 && n.Kind == yamlfile.KindSeq && len(n.Items) == 0 {
		dec.Addf(n, "events", "at least one event is needed")
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
	dec.Problems = append(dec.Problems, orglife.Problem{File: n.File, Line: line, Column: col, Message: what + ": " + msg})
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
				dec.Add(nodes.from[i], "event %q: unknown state %q", ev.Name, s)
			case st.Final:
				dec.Add(nodes.from[i], "event %q: state %q is final and cannot be left", ev.Name, s)
			default:
				out[s]++
			}
		}
		if ev.To != "" && !ev.ToPrevious() && d.stateByID[ev.To] == nil {
			dec.Add(nodes.to, "event %q: unknown state %q", ev.Name, ev.To)
		}
		if ev.ToPrevious() {
			for i, s := range ev.From {
				if s == d.Initial {
					dec.Add(nodes.from[i], "event %q: to %q cannot leave the initial state %q (an instance there may have no previous state)", ev.Name, PreviousState, s)
				}
			}
		}
	}
	for _, s := range d.States {
		if !s.Final && out[s.ID] == 0 {
			dec.Add(s.node, "state %q: no event leaves it and it is not final", s.ID)
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
			dec.Add(s.node, "state %q: unreachable from initial state %q", s.ID, d.Initial)
		}
	}
}
