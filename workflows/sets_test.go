package workflows

import (
	"slices"
	"testing"

	"github.com/orglife/orglife"
)

const setsSrc = `id: w
occurs_on: held_on
unique: [kind]
fields:
  kind:    {type: enum, values: [a, b], required: true, title: 类型}
  held_on: {type: date, required: true}
  note:    {type: text}
  extra:   {type: int}
states:
  open: {}
  done: {complete: true}
initial: open
events:
  - {name: edit, from: [open], to: open, by: [branch]}
  - {name: fix, from: [open], to: open, by: [branch], sets: [held_on, note]}
  - {name: close, from: [open], to: done, by: [supervisor], sets: []}
  - {name: back, from: [done], to: open, by: [supervisor], sets: note}
actions:
  - {on_enter: done, start: w, data: {kind: "'a'", held_on: "data.held_on"}}
  - {on_enter: [open, done], start: w, data: {kind: "'b'", held_on: "data.held_on"}}
`

func TestSetsStartedByOnEnter(t *testing.T) {
	d, ps := Parse("w.yaml", []byte(setsSrc))
	if len(ps) > 0 {
		t.Fatal(ps.Error())
	}
	if !slices.Equal(d.StartedBy, []string{orglife.RoleBranch}) {
		t.Errorf("default started_by: %v", d.StartedBy)
	}
	if !d.MayStart(orglife.RoleBranch) || d.MayStart(orglife.RoleSupervisor) || !d.MayStart(orglife.RoleAdmin) {
		t.Error("MayStart with the default")
	}
	if got := d.Identity(); !slices.Equal(got, []string{"kind", "held_on"}) {
		t.Errorf("identity: %v", got)
	}
	for _, c := range []struct {
		event string
		want  []string
		given bool
	}{
		{"edit", []string{"note", "extra"}, false},
		{"fix", []string{"held_on", "note"}, true},
		{"close", []string{}, true},
		{"back", []string{"note"}, true},
	} {
		ev := d.Event(c.event)
		if got := d.Settable(ev); !slices.Equal(got, c.want) || ev.SetsDeclared != c.given {
			t.Errorf("%s: settable %v (declared %v), want %v (%v)", c.event, got, ev.SetsDeclared, c.want, c.given)
		}
	}
	if d.MaySet(d.Event("edit"), "kind") || !d.MaySet(d.Event("fix"), "held_on") || d.MaySet(d.Event("close"), "note") {
		t.Error("MaySet")
	}
	if a := d.Actions[0]; !slices.Equal(a.OnEnter, []string{"done"}) || !a.Runs("done") || a.Runs("open") {
		t.Errorf("single on_enter: %v", a.OnEnter)
	}
	if a := d.Actions[1]; !slices.Equal(a.OnEnter, []string{"open", "done"}) || !a.Runs("open") || !a.Runs("done") {
		t.Errorf("list on_enter: %v", a.OnEnter)
	}

	src := []byte("id: s\nstarted_by: [supervisor, admin]\nstates: {a: {final: true}, s: {}}\ninitial: s\nevents: [{name: go, from: [s], to: a, by: [supervisor]}]\n")
	s, ps := Parse("s.yaml", src)
	if len(ps) > 0 {
		t.Fatal(ps.Error())
	}
	if !s.MayStart(orglife.RoleSupervisor) || s.MayStart(orglife.RoleBranch) || !s.MayStart(orglife.RoleAdmin) {
		t.Errorf("started_by %v", s.StartedBy)
	}
}
