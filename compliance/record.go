package compliance

import (
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/rules"
	"github.com/orglife/orglife/workflows"
)

// recordAt rebuilds what was known of an instance at asOf: its state, data and recorded_at after
// replaying the transitions made by then. hist is nil when the instance has not changed since
// asOf (its current columns are the answer). It returns nil for a cancelled instance.
func (s *Checker) recordAt(def *workflows.Definition, in *orglife.Instance, hist []*orglife.Transition, asOf time.Time) *rules.Record {
	state, data, recordedAt := in.State, in.Data, in.RecordedAt
	if hist != nil {
		r := def.Replay(in, hist, asOf)
		state, data, recordedAt = r.State, r.Data, r.RecordedAt
	}
	var at time.Time
	if recordedAt != nil {
		at = *recordedAt
	}
	return def.Record(in.ID, in.OrgID, state, data, in.CreatedAt, at, s.loc)
}
