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

// InstanceFingerprint summarizes the instances of one org in one aggregate query: how many there
// are, the sum of their versions, and how many were updated after asOf. Versions only grow and
// instances are never deleted, so any change to the org's instances by anyone changes the count
// or the sum (compliance's record cache relies on it).
func (d *DB) InstanceFingerprint(ctx context.Context, orgID string, asOf time.Time) (n int, versions int64, after int, err error) {
	d = d.bound(ctx)
	var fp struct {
		N        int   `bun:"n"`
		Versions int64 `bun:"versions"`
		After    int   `bun:"after"`
	}
	err = d.db.NewSelect().TableExpr("instances").
		ColumnExpr("count(*) AS n, COALESCE(sum(version), 0) AS versions").
		ColumnExpr("COALESCE(sum(CASE WHEN updated_at > ? THEN 1 ELSE 0 END), 0) AS after", utc(asOf)).
		Where("org_id = ?", orgID).Scan(ctx, &fp)
	if err != nil {
		return 0, 0, 0, dbErr(err)
	}
	return fp.N, fp.Versions, fp.After, nil
}

// InstancesWithChildren returns, in one query ordered by id, the instances with the given ids and
// the instances whose parent is one of them (all columns, CreatedData included).
func (d *DB) InstancesWithChildren(ctx context.Context, ids []string) ([]*orglife.Instance, error) {
	d = d.bound(ctx)
	if len(ids) == 0 {
		return []*orglife.Instance{}, nil
	}
	var rows []instanceRow
	err := d.db.NewSelect().Model(&rows).
		WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("id IN (?)", bun.In(ids)).WhereOr("parent_id IN (?)", bun.In(ids))
		}).Order("id").Scan(ctx)
	if err != nil {
		return nil, dbErr(err)
	}
	return instances(rows)
}
