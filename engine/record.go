package engine

import (
	"maps"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/rules"
	"github.com/orglife/orglife/workflows"
)

// recordAt rebuilds what was known of an instance at asOf: its state, data and recorded_at after
// replaying the transitions made by then. hist is nil when the instance has not changed since
// asOf (its current columns are the answer). It returns nil for a cancelled instance.
func (s *Service) recordAt(def *workflows.Definition, in *orglife.Instance, hist []*orglife.Transition, asOf time.Time) *rules.Record {
	state, data, recordedAt := in.State, in.Data, in.RecordedAt
	if hist != nil {
		r := replay(def, in, hist, asOf)
		state, data, recordedAt = r.state, r.data, r.recordedAt
	}
	var at time.Time
	if recordedAt != nil {
		at = *recordedAt
	}
	return def.Record(in.ID, in.OrgID, state, data, in.CreatedAt, at, s.loc)
}

// entry is one state an instance left, with the recorded_at it had while in it: the undo stack
// that an event to "@previous" pops.
type entry struct {
	state      string
	recordedAt *time.Time
}

// replayed is an instance rebuilt from its creation data and history.
type replayed struct {
	state      string
	data       map[string]any
	recordedAt *time.Time
	back       []entry // the states left, most recent last
}

// replay rebuilds an instance from its creation data and the transitions made up to asOf. Every
// transition pushes the state it left; a transition by an event to "@previous" that went back to
// the state on top pops it and, when that state is complete, restores the recorded_at the record
// had there (a refused void request leaves the record as it was). Any other entry into a complete
// state from a non-complete one sets recorded_at to the transition's instant.
func replay(def *workflows.Definition, in *orglife.Instance, hist []*orglife.Transition, asOf time.Time) replayed {
	r := replayed{state: def.Initial, data: maps.Clone(in.CreatedData)}
	if r.data == nil {
		r.data = map[string]any{}
	}
	complete := def.IsComplete(r.state)
	for _, t := range hist {
		if t.At.After(asOf) {
			break
		}
		maps.Copy(r.data, t.Data)
		was := complete
		complete = def.IsComplete(t.To)
		if ev := def.Event(t.Event); ev != nil && ev.ToPrevious() && len(r.back) > 0 && r.back[len(r.back)-1].state == t.To {
			top := r.back[len(r.back)-1]
			r.back = r.back[:len(r.back)-1]
			r.state = t.To
			switch {
			case !complete:
				r.recordedAt = nil
			case top.recordedAt != nil:
				r.recordedAt = top.recordedAt
			default:
				at := t.At
				r.recordedAt = &at
			}
			continue
		}
		r.back = append(r.back, entry{state: r.state, recordedAt: r.recordedAt})
		r.state = t.To
		switch {
		case complete && !was:
			at := t.At
			r.recordedAt = &at
		case !complete:
			r.recordedAt = nil
		}
	}
	return r
}
