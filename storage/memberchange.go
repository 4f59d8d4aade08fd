package storage

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/orglife/orglife"
)

// memberChangeRow is a row of member_changes: one entry of a member's history.
type memberChangeRow struct {
	bun.BaseModel `bun:"table:member_changes,alias:mc"`

	MemberID    string    `bun:"member_id,pk"`
	Seq         int       `bun:"seq,pk"`
	Kind        string    `bun:"kind"`
	OnDate      *string   `bun:"on_date"`
	OrgID       string    `bun:"org_id"`
	FromOrgID   *string   `bun:"from_org_id"`
	Name        string    `bun:"name"`
	Status      string    `bun:"status"`
	Roles       string    `bun:"roles"`
	Leader      bool      `bun:"leader"`
	JoinedOn    *string   `bun:"joined_on"`
	ConfirmedOn *string   `bun:"confirmed_on"`
	IsLeft      bool      `bun:"is_left"`
	Reason      string    `bun:"reason"`
	Actor       string    `bun:"actor"`
	At          time.Time `bun:"at"`
}

// AppendMemberChange appends one entry to a member's history with the next seq (set on c); run it
// in the transaction that changes the member.
func (d *DB) AppendMemberChange(ctx context.Context, c *orglife.MemberChange) error {
	d = d.bound(ctx)
	var last int
	if err := d.db.NewRaw("SELECT COALESCE(MAX(seq), 0) FROM member_changes WHERE member_id = ?", c.MemberID).Scan(ctx, &last); err != nil {
		return dbErr(err)
	}
	c.Seq = last + 1
	c.At = utc(c.At)
	roles, err := toJSON(c.Roles)
	if err != nil {
		return err
	}
	row := &memberChangeRow{MemberID: c.MemberID, Seq: c.Seq, Kind: c.Kind, OnDate: c.On, OrgID: c.OrgID,
		FromOrgID: c.FromOrgID, Name: c.Name, Status: c.Status, Roles: roles, Leader: c.Leader,
		JoinedOn: c.JoinedOn, ConfirmedOn: c.ConfirmedOn, IsLeft: c.Left, Reason: c.Reason, Actor: c.Actor, At: c.At}
	_, err = d.db.NewInsert().Model(row).Returning("NULL").Exec(ctx)
	return dbErr(err)
}

// MemberChanges returns the histories of the given members, ordered by member and seq.
func (d *DB) MemberChanges(ctx context.Context, memberIDs []string) ([]*orglife.MemberChange, error) {
	d = d.bound(ctx)
	if len(memberIDs) == 0 {
		return []*orglife.MemberChange{}, nil
	}
	var rows []memberChangeRow
	if err := d.db.NewSelect().Model(&rows).Where("member_id IN (?)", bun.In(memberIDs)).Order("member_id", "seq").Scan(ctx); err != nil {
		return nil, dbErr(err)
	}
	return memberChanges(rows)
}

// OrgMemberChanges returns, in one query, the whole histories of every member who ever belonged
// to one of the orgs, ordered by member and seq (for evaluations as of a date).
func (d *DB) OrgMemberChanges(ctx context.Context, orgIDs []string) ([]*orglife.MemberChange, error) {
	d = d.bound(ctx)
	if len(orgIDs) == 0 {
		return []*orglife.MemberChange{}, nil
	}
	var rows []memberChangeRow
	sub := d.db.NewSelect().Table("member_changes").Column("member_id").Where("org_id IN (?)", bun.In(orgIDs))
	if err := d.db.NewSelect().Model(&rows).Where("member_id IN (?)", sub).Order("member_id", "seq").Scan(ctx); err != nil {
		return nil, dbErr(err)
	}
	return memberChanges(rows)
}

func memberChanges(rows []memberChangeRow) ([]*orglife.MemberChange, error) {
	out := make([]*orglife.MemberChange, 0, len(rows))
	for _, r := range rows {
		c := &orglife.MemberChange{MemberID: r.MemberID, Seq: r.Seq, Kind: r.Kind, On: r.OnDate, OrgID: r.OrgID,
			FromOrgID: r.FromOrgID, Name: r.Name, Status: r.Status, Leader: r.Leader, JoinedOn: r.JoinedOn,
			ConfirmedOn: r.ConfirmedOn, Left: r.IsLeft, Reason: r.Reason, Actor: r.Actor, At: r.At.UTC()}
		if err := fromJSON(r.Roles, &c.Roles); err != nil {
			return nil, err
		}
		if c.Roles == nil {
			c.Roles = []string{}
		}
		out = append(out, c)
	}
	return out, nil
}
