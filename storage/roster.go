package storage

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/orglife/orglife"
)

// MembersByID returns the members with the given ids (in any org, left ones included), ordered
// by id.
func (d *DB) MembersByID(ctx context.Context, ids []string) ([]*orglife.Member, error) {
	d = d.bound(ctx)
	out := []*orglife.Member{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []memberRow
	if err := d.db.NewSelect().Model(&rows).Where("id IN (?)", bun.In(ids)).Order("id").Scan(ctx); err != nil {
		return nil, dbErr(err)
	}
	for i := range rows {
		m, err := rows[i].member()
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}
