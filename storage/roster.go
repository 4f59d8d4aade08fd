package storage

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/orglife/orglife"
)

// MembersByID returns the members with the given ids (in any org), ordered by id.
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
	for _, r := range rows {
		m := &orglife.Member{ID: r.ID, OrgID: r.OrgID, Name: r.Name, Status: r.Status, Leader: r.Leader,
			JoinedOn: r.JoinedOn, CreatedAt: r.CreatedAt.UTC()}
		if err := fromJSON(r.Roles, &m.Roles); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// ReplaceMember overwrites a member's org, name, status, roles, leader flag and joining date;
// not_found when it does not exist. (The roster import's writer until members keep a history.)
func (d *DB) ReplaceMember(ctx context.Context, m *orglife.Member) error {
	d = d.bound(ctx)
	roles, err := toJSON(m.Roles)
	if err != nil {
		return err
	}
	res, err := d.db.NewUpdate().Model((*memberRow)(nil)).Set("org_id = ?", m.OrgID).Set("name = ?", m.Name).
		Set("status = ?", m.Status).Set("roles = ?", roles).Set("leader = ?", m.Leader).Set("joined_on = ?", m.JoinedOn).
		Where("id = ?", m.ID).Exec(ctx)
	if err != nil {
		return dbErr(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return orglife.ErrNotFound
	}
	return nil
}
