package workflows

import (
	"context"
	"reflect"
	"testing"
)

func TestTransition(t *testing.T) {
	m := def(t, "meeting")
	tests := []struct {
		state, event, to string
		ok               bool
	}{
		{"planned", "hold", "held", true},
		{"planned", "record", "recorded", true},
		{"held", "record", "recorded", true},
		{"recorded", "return", "held", true},
		{"planned", "cancel", "cancelled", true},
		{"held", "cancel", "", false},
		{"cancelled", "hold", "", false},
		{"planned", "nope", "", false},
		{"nope", "hold", "", false},
	}
	for _, tt := range tests {
		to, ok := m.Transition(tt.state, tt.event)
		if to != tt.to || ok != tt.ok {
			t.Errorf("Transition(%s, %s) = %q, %v", tt.state, tt.event, to, ok)
		}
	}
	var names []string
	for _, ev := range m.EventsFrom("planned") {
		names = append(names, ev.Name)
	}
	if !reflect.DeepEqual(names, []string{"hold", "record", "cancel"}) {
		t.Errorf("EventsFrom(planned) = %v", names)
	}
	if len(m.EventsFrom("cancelled")) != 0 {
		t.Error("events from a final state")
	}
	if !m.IsComplete("recorded") || m.IsComplete("held") || !m.IsCancelled("cancelled") || m.IsCancelled("recorded") {
		t.Error("IsComplete / IsCancelled")
	}
	if !m.CanStart("branch") || m.CanStart("committee") || !def(t, "rectification").CanStart("committee") {
		t.Error("CanStart")
	}
	if m.State("held").Title != "已召开" || m.Event("record").Message == "" || m.Field("topic") == nil {
		t.Error("lookups")
	}
	if !m.Event("return").Allows("supervisor") || m.Event("return").Allows("branch") {
		t.Error("Allows")
	}
}

// TestTableMatchesFSM checks the precomputed table against a looplab/fsm machine fired for real.
func TestTableMatchesFSM(t *testing.T) {
	for _, d := range mustLoad(t).List() {
		for _, s := range d.States {
			for _, ev := range d.Events {
				f := d.Machine(s.ID)
				can := f.Can(ev.Name)
				want := ""
				if can {
					_ = f.Event(context.Background(), ev.Name)
					want = f.Current()
				}
				got, ok := d.Transition(s.ID, ev.Name)
				if ok != can || got != want {
					t.Errorf("%s: %s --%s--> got %q %v, fsm %q %v", d.ID, s.ID, ev.Name, got, ok, want, can)
				}
			}
		}
	}
}

func BenchmarkTransition(b *testing.B) {
	m := def(b, "meeting")
	for b.Loop() {
		if _, ok := m.Transition("held", "record"); !ok {
			b.Fatal("no transition")
		}
	}
}
