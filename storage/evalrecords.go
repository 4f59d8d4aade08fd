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

// InstanceVersions returns the version of every instance of one org, by id, and the latest
// updated_at among them, in one query (ids and versions only: no data is read). Versions only grow
// and instances are never deleted, so two instances of one id with equal versions are equal
// (compliance's record cache relies on it).
func (d *DB) InstanceVersions(ctx context.Context, orgID string) (map[string]int, time.Time, error) {
	d = d.bound(ctx)
	var rows []struct {
		ID        string    `bun:"id"`
		Version   int       `bun:"version"`
		UpdatedAt time.Time `bun:"updated_at"`
	}
	err := d.db.NewSelect().TableExpr("instances").Column("id", "version", "updated_at").Where("org_id = ?", orgID).Scan(ctx, &rows)
	if err != nil {
		return nil, time.Time{}, dbErr(err)
	}
	out := make(map[string]int, len(rows))
	var latest time.Time
	for _, r := range rows {
		out[r.ID] = r.Version
		if r.UpdatedAt.After(latest) {
			latest = r.UpdatedAt
		}
	}
	return out, latest.UTC(), nil
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
