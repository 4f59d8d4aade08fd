package workflows

import (
	"context"

	"github.com/looplab/fsm"
)

// table is a definition's transition table, derived once from a looplab/fsm machine: for every
// state and event, the state the event leads to. Lookups are map reads.
type table struct {
	to   map[string]map[string]string // state → event → destination
	from map[string][]*Event          // state → events that may fire in it, in file order
}

// fsmEvents returns the definition's events as looplab/fsm event descriptions.
func (d *Definition) fsmEvents() fsm.Events {
	evs := make(fsm.Events, 0, len(d.Events))
	for _, ev := range d.Events {
		evs = append(evs, fsm.EventDesc{Name: ev.Name, Src: ev.From, Dst: ev.To})
	}
	return evs
}

// Machine returns a new looplab/fsm machine of the definition in the given state, without
// callbacks. The engine does not need it (Transition and EventsFrom answer from a table derived
// from the same machine); it is there for tools and tests.
func (d *Definition) Machine(state string) *fsm.FSM {
	return fsm.NewFSM(state, d.fsmEvents(), nil)
}

// buildTable derives the transition table by asking a machine, for every state, which events it
// can fire and where each leads.
func buildTable(d *Definition) *table {
	t := &table{to: map[string]map[string]string{}, from: map[string][]*Event{}}
	evs := d.fsmEvents()
	for _, s := range d.States {
		m := fsm.NewFSM(s.ID, evs, nil)
		for _, ev := range d.Events {
			m.SetState(s.ID)
			if !m.Can(ev.Name) {
				continue
			}
			// Without callbacks an event only moves the machine; a self-loop reports
			// NoTransitionError and stays, which is the destination too.
			_ = m.Event(context.Background(), ev.Name)
			if t.to[s.ID] == nil {
				t.to[s.ID] = map[string]string{}
			}
			t.to[s.ID][ev.Name] = m.Current()
			t.from[s.ID] = append(t.from[s.ID], ev)
		}
	}
	return t
}

// Transition returns the state that event leads to from state; ok is false when the event
// cannot fire in that state (or either is unknown).
func (d *Definition) Transition(state, event string) (to string, ok bool) {
	to, ok = d.table.to[state][event]
	return to, ok
}

// EventsFrom returns the events that may fire in state, in file order. The slice is shared:
// do not modify it.
func (d *Definition) EventsFrom(state string) []*Event {
	return d.table.from[state]
}
