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
		state, data, recordedAt = def.Initial, maps.Clone(in.CreatedData), nil
		if data == nil {
			data = map[string]any{}
		}
		complete := def.IsComplete(state)
		for _, t := range hist {
			if t.At.After(asOf) {
				break
			}
			state = t.To
			maps.Copy(data, t.Data)
			was := complete
			complete = def.IsComplete(state)
			switch {
			case complete && !was:
				at := t.At
				recordedAt = &at
			case !complete:
				recordedAt = nil
			}
		}
	}
	var at time.Time
	if recordedAt != nil {
		at = *recordedAt
	}
	return def.Record(in.ID, in.OrgID, state, data, in.CreatedAt, at, s.loc)
}
