package storage

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/orglife/orglife"
)

// memberRow is a row of members.
type memberRow struct {
	bun.BaseModel `bun:"table:members,alias:m"`

	ID        string    `bun:"id,pk"`
	OrgID     string    `bun:"org_id"`
	Name      string    `bun:"name"`
	Status    string    `bun:"status"`
	Roles     string    `bun:"roles"`
	Leader    bool      `bun:"leader"`
	JoinedOn  *string   `bun:"joined_on"`
	CreatedAt time.Time `bun:"created_at"`
}

// CreateMember inserts a member; conflict when the id exists. Its instant is normalized in place.
func (d *DB) CreateMember(ctx context.Context, m *orglife.Member) error {
	d = d.bound(ctx)
	m.CreatedAt = utc(m.CreatedAt)
	roles, err := toJSON(m.Roles)
	if err != nil {
		return err
	}
	row := &memberRow{
		ID: m.ID, OrgID: m.OrgID, Name: m.Name, Status: m.Status, Roles: roles,
		Leader: m.Leader, JoinedOn: m.JoinedOn, CreatedAt: m.CreatedAt,
	}
	_, err = d.db.NewInsert().Model(row).Returning("NULL").Exec(ctx)
	return dbErr(err)
}

// Members returns the members of the given orgs (of all orgs when orgIDs is nil), ordered by org
// and id.
func (d *DB) Members(ctx context.Context, orgIDs []string) ([]*orglife.Member, error) {
	d = d.bound(ctx)
	out := []*orglife.Member{}
	if orgIDs != nil && len(orgIDs) == 0 {
		return out, nil
	}
	var rows []memberRow
	q := d.db.NewSelect().Model(&rows).Order("org_id", "id")
	if orgIDs != nil {
		q = q.Where("org_id IN (?)", bun.In(orgIDs))
	}
	if err := q.Scan(ctx); err != nil {
		return nil, dbErr(err)
	}
	for _, r := range rows {
		m := &orglife.Member{
			ID: r.ID, OrgID: r.OrgID, Name: r.Name, Status: r.Status, Leader: r.Leader,
			JoinedOn: r.JoinedOn, CreatedAt: r.CreatedAt.UTC(),
		}
		if err := fromJSON(r.Roles, &m.Roles); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}
