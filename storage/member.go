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

	ID          string    `bun:"id,pk"`
	OrgID       string    `bun:"org_id"`
	Name        string    `bun:"name"`
	Status      string    `bun:"status"`
	Roles       string    `bun:"roles"`
	Leader      bool      `bun:"leader"`
	JoinedOn    *string   `bun:"joined_on"`
	Since       *string   `bun:"since"`
	ConfirmedOn *string   `bun:"confirmed_on"`
	LeftOn      *string   `bun:"left_on"`
	LeftReason  string    `bun:"left_reason"`
	CreatedAt   time.Time `bun:"created_at"`
}

// memberColumns are the columns UpdateMember replaces.
var memberColumns = []string{"org_id", "name", "status", "roles", "leader", "joined_on", "since", "confirmed_on", "left_on", "left_reason"}

func newMemberRow(m *orglife.Member) (*memberRow, error) {
	m.CreatedAt = utc(m.CreatedAt)
	roles, err := toJSON(m.Roles)
	if err != nil {
		return nil, err
	}
	return &memberRow{
		ID: m.ID, OrgID: m.OrgID, Name: m.Name, Status: m.Status, Roles: roles,
		Leader: m.Leader, JoinedOn: m.JoinedOn, Since: m.Since, ConfirmedOn: m.ConfirmedOn,
		LeftOn: m.LeftOn, LeftReason: m.LeftReason, CreatedAt: m.CreatedAt,
	}, nil
}

func (r *memberRow) member() (*orglife.Member, error) {
	m := &orglife.Member{
		ID: r.ID, OrgID: r.OrgID, Name: r.Name, Status: r.Status, Leader: r.Leader,
		JoinedOn: r.JoinedOn, Since: r.Since, ConfirmedOn: r.ConfirmedOn, LeftOn: r.LeftOn,
		LeftReason: r.LeftReason, CreatedAt: r.CreatedAt.UTC(),
	}
	if err := fromJSON(r.Roles, &m.Roles); err != nil {
		return nil, err
	}
	return m, nil
}

// CreateMember inserts a member; conflict when the id exists. Its instant is normalized in place.
func (d *DB) CreateMember(ctx context.Context, m *orglife.Member) error {
	d = d.bound(ctx)
	row, err := newMemberRow(m)
	if err != nil {
		return err
	}
	_, err = d.db.NewInsert().Model(row).Returning("NULL").Exec(ctx)
	return dbErr(err)
}

// UpdateMember replaces the mutable columns of a member (all but id and created_at); not found
// when it does not exist.
func (d *DB) UpdateMember(ctx context.Context, m *orglife.Member) error {
	d = d.bound(ctx)
	row, err := newMemberRow(m)
	if err != nil {
		return err
	}
	res, err := d.db.NewUpdate().Model(row).Column(memberColumns...).WherePK().Exec(ctx)
	if err != nil {
		return dbErr(err)
	}
	return mustAffect(res)
}

// Member returns one member, left or not; forUpdate locks its row until the transaction ends on
// PostgreSQL (SQLite's transaction holds the write lock already).
func (d *DB) Member(ctx context.Context, id string, forUpdate bool) (*orglife.Member, error) {
	d = d.bound(ctx)
	var row memberRow
	q := d.db.NewSelect().Model(&row).Where("id = ?", id)
	if forUpdate && d.dialect == Postgres {
		q = q.For("UPDATE")
	}
	if err := q.Scan(ctx); err != nil {
		return nil, dbErr(err)
	}
	return row.member()
}

// Members returns the current members of the given orgs (of all orgs when orgIDs is nil), left
// ones excluded, ordered by org and id.
func (d *DB) Members(ctx context.Context, orgIDs []string) ([]*orglife.Member, error) {
	d = d.bound(ctx)
	out := []*orglife.Member{}
	if orgIDs != nil && len(orgIDs) == 0 {
		return out, nil
	}
	var rows []memberRow
	q := d.db.NewSelect().Model(&rows).Where("left_on IS NULL").Order("org_id", "id")
	if orgIDs != nil {
		q = q.Where("org_id IN (?)", bun.In(orgIDs))
	}
	if err := q.Scan(ctx); err != nil {
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
