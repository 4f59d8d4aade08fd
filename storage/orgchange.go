package storage

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/orglife/orglife"
)

// orgChangeRow is a row of org_changes: one entry of an org's history.
type orgChangeRow struct {
	bun.BaseModel `bun:"table:org_changes,alias:oc"`

	OrgID         string    `bun:"org_id,pk"`
	Seq           int       `bun:"seq,pk"`
	OnDate        *string   `bun:"on_date"`
	ParentID      *string   `bun:"parent_id"`
	TermStartedOn *string   `bun:"term_started_on"`
	TermYears     int       `bun:"term_years"`
	Actor         string    `bun:"actor"`
	At            time.Time `bun:"at"`
}

// AppendOrgChange appends one entry to an org's history with the next seq (set on c); run it in
// the transaction that changes the org.
func (d *DB) AppendOrgChange(ctx context.Context, c *orglife.OrgChange) error {
	d = d.bound(ctx)
	var last int
	if err := d.db.NewRaw("SELECT COALESCE(MAX(seq), 0) FROM org_changes WHERE org_id = ?", c.OrgID).Scan(ctx, &last); err != nil {
		return dbErr(err)
	}
	c.Seq = last + 1
	c.At = utc(c.At)
	row := &orgChangeRow{OrgID: c.OrgID, Seq: c.Seq, OnDate: c.On, ParentID: c.ParentID, TermStartedOn: c.TermStartedOn,
		TermYears: c.TermYears, Actor: c.Actor, At: c.At}
	_, err := d.db.NewInsert().Model(row).Returning("NULL").Exec(ctx)
	return dbErr(err)
}

// OrgChanges returns the histories of the given orgs, ordered by org and seq, in one query.
func (d *DB) OrgChanges(ctx context.Context, orgIDs []string) ([]*orglife.OrgChange, error) {
	d = d.bound(ctx)
	out := []*orglife.OrgChange{}
	if len(orgIDs) == 0 {
		return out, nil
	}
	var rows []orgChangeRow
	if err := d.db.NewSelect().Model(&rows).Where("org_id IN (?)", bun.In(orgIDs)).Order("org_id", "seq").Scan(ctx); err != nil {
		return nil, dbErr(err)
	}
	for _, r := range rows {
		out = append(out, &orglife.OrgChange{OrgID: r.OrgID, Seq: r.Seq, On: r.OnDate, ParentID: r.ParentID,
			TermStartedOn: r.TermStartedOn, TermYears: r.TermYears, Actor: r.Actor, At: r.At.UTC()})
	}
	return out, nil
}
