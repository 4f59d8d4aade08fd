package workflows

import (
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/rules"
)

// Record returns what rules see of one instance of this workflow as known at an evaluation: in
// state, with normalized data, created at createdAt and, when state is complete, recorded (last
// entered a complete state) at recordedAt. OccursOn is the workflow's occurs_on field, or else
// the date of recordedAt, read in loc (zero when neither is known). It returns nil for a
// cancelled state (final and not complete), which rules never see. It mirrors what the engine
// rebuilds from an instance's history, for evaluations without a database (pack tests).
func (d *Definition) Record(id, orgID, state string, data map[string]any, createdAt, recordedAt time.Time, loc *time.Location) *rules.Record {
	if d.IsCancelled(state) {
		return nil
	}
	if loc == nil {
		loc = time.Local
	}
	r := &rules.Record{ID: id, Workflow: d.ID, OrgID: orgID, State: state, Complete: d.IsComplete(state),
		CreatedAt: createdAt, Data: data}
	if r.Complete {
		r.RecordedAt = recordedAt
	}
	occurs := ""
	if d.OccursOn != "" {
		occurs = d.OccursOnDate(data)
	} else if !r.RecordedAt.IsZero() {
		occurs = r.RecordedAt.In(loc).Format(orglife.DateLayout)
	}
	if occurs != "" {
		if t, err := time.ParseInLocation(orglife.DateLayout, occurs, loc); err == nil {
			r.OccursOn = t
		}
	}
	return r
}
