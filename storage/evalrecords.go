package storage

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/orglife/orglife"
)

// EvalRecords returns every instance of the given orgs created at or before asOf (all columns,
// CreatedData included), ordered by id, and, for those of them updated after asOf, their whole
// history ordered by seq, keyed by instance id (an empty slice when it has none); instances not
// updated after asOf have no entry.
// It runs two queries whatever the number of orgs and returns empty results for no orgs.
func (d *DB) EvalRecords(ctx context.Context, orgIDs []string, asOf time.Time) ([]*orglife.Instance, map[string][]*orglife.Transition, error) {
	d = d.bound(ctx)
	history := map[string][]*orglife.Transition{}
	if len(orgIDs) == 0 {
		return []*orglife.Instance{}, history, nil
	}
	asOf = utc(asOf)
	var rows []instanceRow
	err := d.db.NewSelect().Model(&rows).
		Where("org_id IN (?)", bun.In(orgIDs)).Where("created_at <= ?", asOf).
		Order("id").Scan(ctx)
	if err != nil {
		return nil, nil, dbErr(err)
	}
	ins, err := instances(rows)
	if err != nil {
		return nil, nil, err
	}
	var trs []transitionRow
	err = d.db.NewSelect().Model(&trs).
		Join("JOIN instances AS i ON i.id = tr.instance_id").
		Where("i.org_id IN (?)", bun.In(orgIDs)).
		Where("i.created_at <= ?", asOf).Where("i.updated_at > ?", asOf).
		Order("tr.instance_id", "tr.seq").Scan(ctx)
	if err != nil {
		return nil, nil, dbErr(err)
	}
	for i := range trs {
		t, err := trs[i].transition()
		if err != nil {
			return nil, nil, err
		}
		history[t.InstanceID] = append(history[t.InstanceID], t)
	}
	for _, in := range ins {
		if in.UpdatedAt.After(asOf) && history[in.ID] == nil {
			history[in.ID] = []*orglife.Transition{}
		}
	}
	return ins, history, nil
}
