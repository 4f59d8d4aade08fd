package workflows

import (
	"maps"
	"time"

	"github.com/orglife/orglife"
)

// Left is one state an instance left, with the recorded_at it had while in it: the undo stack
// that an event to "@previous" pops.
type Left struct {
	State      string
	RecordedAt *time.Time
}

// Replayed is an instance rebuilt from its creation data and history.
type Replayed struct {
	State      string
	Data       map[string]any
	RecordedAt *time.Time
	Back       []Left // the states left, most recent last
}

// Replay rebuilds an instance of d from its creation data and the transitions made up to asOf. Every
// transition pushes the state it left; a transition by an event to "@previous" that went back to
// the state on top pops it and, when that state is complete, restores the recorded_at the record
// had there (a refused void request leaves the record as it was). Any other entry into a complete
// state from a non-complete one sets recorded_at to the transition's instant.
func (d *Definition) Replay(in *orglife.Instance, hist []*orglife.Transition, asOf time.Time) Replayed {
	r := Replayed{State: d.Initial, Data: maps.Clone(in.CreatedData)}
	if r.Data == nil {
		r.Data = map[string]any{}
	}
	complete := d.IsComplete(r.State)
	for _, t := range hist {
		if t.At.After(asOf) {
			break
		}
		maps.Copy(r.Data, t.Data)
		was := complete
		complete = d.IsComplete(t.To)
		if ev := d.Event(t.Event); ev != nil && ev.ToPrevious() && len(r.Back) > 0 && r.Back[len(r.Back)-1].State == t.To {
			top := r.Back[len(r.Back)-1]
			r.Back = r.Back[:len(r.Back)-1]
			r.State = t.To
			switch {
			case !complete:
				r.RecordedAt = nil
			case top.RecordedAt != nil:
				r.RecordedAt = top.RecordedAt
			default:
				at := t.At
				r.RecordedAt = &at
			}
			continue
		}
		r.Back = append(r.Back, Left{State: r.State, RecordedAt: r.RecordedAt})
		r.State = t.To
		switch {
		case complete && !was:
			at := t.At
			r.RecordedAt = &at
		case !complete:
			r.RecordedAt = nil
		}
	}
	return r
}
