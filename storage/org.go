package storage

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/orglife/orglife"
)

// orgRow is a row of orgs.
type orgRow struct {
	bun.BaseModel `bun:"table:orgs,alias:o"`

	ID            string    `bun:"id,pk"`
	Name          string    `bun:"name"`
	Kind          string    `bun:"kind"`
	ParentID      *string   `bun:"parent_id"`
	Attributes    string    `bun:"attributes"`
	EstablishedOn *string   `bun:"established_on"`
	DissolvedOn   *string   `bun:"dissolved_on"`
	TermStartedOn *string   `bun:"term_started_on"`
	TermYears     int       `bun:"term_years"`
	CreatedAt     time.Time `bun:"created_at"`
	UpdatedAt     time.Time `bun:"updated_at"`
}

// orgColumns are the columns UpdateOrg replaces.
var orgColumns = []string{"name", "kind", "parent_id", "attributes", "established_on", "dissolved_on", "term_started_on", "term_years", "updated_at"}

// newOrgRow normalizes o's instants and converts it to a row.
func newOrgRow(o *orglife.Org) (*orgRow, error) {
	o.CreatedAt, o.UpdatedAt = utc(o.CreatedAt), utc(o.UpdatedAt)
	attrs, err := toJSON(o.Attributes)
	if err != nil {
		return nil, err
	}
	return &orgRow{
		ID: o.ID, Name: o.Name, Kind: o.Kind, ParentID: o.ParentID, Attributes: attrs,
		EstablishedOn: o.EstablishedOn, DissolvedOn: o.DissolvedOn, TermStartedOn: o.TermStartedOn, TermYears: o.TermYears,
		CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt,
	}, nil
}

// org converts a row to an Org.
func (r *orgRow) org() (*orglife.Org, error) {
	o := &orglife.Org{
		ID: r.ID, Name: r.Name, Kind: r.Kind, ParentID: r.ParentID,
		EstablishedOn: r.EstablishedOn, DissolvedOn: r.DissolvedOn, TermStartedOn: r.TermStartedOn, TermYears: r.TermYears,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
	if err := fromJSON(r.Attributes, &o.Attributes); err != nil {
		return nil, err
	}
	return o, nil
}

// CreateOrg inserts an org; conflict when the id exists. Its instants are normalized in place.
func (d *DB) CreateOrg(ctx context.Context, o *orglife.Org) error {
	d = d.bound(ctx)
	row, err := newOrgRow(o)
	if err != nil {
		return err
	}
	_, err = d.db.NewInsert().Model(row).Returning("NULL").Exec(ctx)
	return dbErr(err)
}

// UpdateOrg replaces the mutable columns of an org (all but id and created_at); not found when it
// does not exist.
func (d *DB) UpdateOrg(ctx context.Context, o *orglife.Org) error {
	d = d.bound(ctx)
	row, err := newOrgRow(o)
	if err != nil {
		return err
	}
	res, err := d.db.NewUpdate().Model(row).Column(orgColumns...).WherePK().Exec(ctx)
	if err != nil {
		return dbErr(err)
	}
	return mustAffect(res)
}

// Org returns one org.
func (d *DB) Org(ctx context.Context, id string) (*orglife.Org, error) {
	d = d.bound(ctx)
	var row orgRow
	if err := d.db.NewSelect().Model(&row).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, dbErr(err)
	}
	return row.org()
}

// Orgs returns the orgs whose ids are given (all orgs when ids is nil), ordered by id.
func (d *DB) Orgs(ctx context.Context, ids []string) ([]*orglife.Org, error) {
	d = d.bound(ctx)
	out := []*orglife.Org{}
	if ids != nil && len(ids) == 0 {
		return out, nil
	}
	var rows []orgRow
	q := d.db.NewSelect().Model(&rows).Order("id")
	if ids != nil {
		q = q.Where("id IN (?)", bun.In(ids))
	}
	if err := q.Scan(ctx); err != nil {
		return nil, dbErr(err)
	}
	return orgsOf(rows)
}

// maxDepth bounds the recursive queries over the org tree, so a cycle cannot make them endless.
const maxDepth = 64

// OrgPath returns the ids from the root down to and including id, in one query.
func (d *DB) OrgPath(ctx context.Context, id string) ([]string, error) {
	d = d.bound(ctx)
	var ids []string
	err := d.db.NewRaw(`WITH RECURSIVE up (id, parent_id, depth) AS (
		SELECT id, parent_id, 0 FROM orgs WHERE id = ?
		UNION ALL
		SELECT o.id, o.parent_id, up.depth + 1 FROM orgs o JOIN up ON o.id = up.parent_id WHERE up.depth < ?
	) SELECT id FROM up ORDER BY depth DESC`, id, maxDepth).Scan(ctx, &ids)
	if err != nil {
		return nil, dbErr(err)
	}
	if len(ids) == 0 {
		return nil, orglife.ErrNotFound
	}
	return ids, nil
}

// OrgLineage returns the orgs from the root down to and including id, in one query (not found
// when id does not exist): the last is the org itself, and their ids are OrgPath(id).
func (d *DB) OrgLineage(ctx context.Context, id string) ([]*orglife.Org, error) {
	d = d.bound(ctx)
	var rows []orgRow
	err := d.db.NewRaw(`WITH RECURSIVE up (id, parent_id, depth) AS (
		SELECT id, parent_id, 0 FROM orgs WHERE id = ?
		UNION ALL
		SELECT o.id, o.parent_id, up.depth + 1 FROM orgs o JOIN up ON o.id = up.parent_id WHERE up.depth < ?
	) SELECT o.* FROM up JOIN orgs o ON o.id = up.id ORDER BY up.depth DESC`, id, maxDepth).Scan(ctx, &rows)
	if err != nil {
		return nil, dbErr(err)
	}
	if len(rows) == 0 {
		return nil, orglife.ErrNotFound
	}
	return orgsOf(rows)
}

// orgsOf converts scanned rows to orgs, in their order.
func orgsOf(rows []orgRow) ([]*orglife.Org, error) {
	out := make([]*orglife.Org, 0, len(rows))
	for i := range rows {
		o, err := rows[i].org()
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

// OrgsWithParents returns the orgs whose ids are given and the parents of those orgs, ordered by
// id, in one query (the evaluation needs each org's parent kind).
func (d *DB) OrgsWithParents(ctx context.Context, ids []string) ([]*orglife.Org, error) {
	d = d.bound(ctx)
	out := []*orglife.Org{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []orgRow
	err := d.db.NewSelect().Model(&rows).Where("id IN (?)", bun.In(ids)).
		WhereOr("id IN (SELECT parent_id FROM orgs WHERE id IN (?))", bun.In(ids)).Order("id").Scan(ctx)
	if err != nil {
		return nil, dbErr(err)
	}
	return orgsOf(rows)
}

// Subtree returns id and the ids of all orgs below it (by depth, then id), in one query.
func (d *DB) Subtree(ctx context.Context, id string) ([]string, error) {
	d = d.bound(ctx)
	var ids []string
	err := d.db.NewRaw(`WITH RECURSIVE down (id, depth) AS (
		SELECT id, 0 FROM orgs WHERE id = ?
		UNION ALL
		SELECT o.id, down.depth + 1 FROM orgs o JOIN down ON o.parent_id = down.id WHERE down.depth < ?
	) SELECT id FROM down ORDER BY depth, id`, id, maxDepth).Scan(ctx, &ids)
	if err != nil {
		return nil, dbErr(err)
	}
	if len(ids) == 0 {
		return nil, orglife.ErrNotFound
	}
	return ids, nil
}
