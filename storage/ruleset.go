package storage

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/orglife/orglife"
)

// ruleSetRow is a row of rule_sets: one version of a pack's rule files.
type ruleSetRow struct {
	bun.BaseModel `bun:"table:rule_sets,alias:rs"`

	Version   string    `bun:"version,pk"`
	Checksum  string    `bun:"checksum"`
	Files     string    `bun:"files"`
	Author    string    `bun:"author"`
	Note      string    `bun:"note"`
	CreatedAt time.Time `bun:"created_at"`
}

// activationRow is a row of rule_activations: the newest is the active version.
type activationRow struct {
	bun.BaseModel `bun:"table:rule_activations,alias:ra"`

	ID          string    `bun:"id,pk"`
	Version     string    `bun:"version"`
	Author      string    `bun:"author"`
	Note        string    `bun:"note"`
	ActivatedAt time.Time `bun:"activated_at"`
	Seq         int64     `bun:"seq"`
}

// SaveRuleSet stores a rule-set version unless it is stored already (versions are checksums, so
// the same files are stored once).
func (d *DB) SaveRuleSet(ctx context.Context, v *orglife.RuleSetVersion) error {
	d = d.bound(ctx)
	v.CreatedAt = utc(v.CreatedAt)
	files, err := toJSON(v.Files)
	if err != nil {
		return err
	}
	row := &ruleSetRow{Version: v.Version, Checksum: v.Checksum, Files: files, Author: v.Author, Note: v.Note, CreatedAt: v.CreatedAt}
	_, err = d.db.NewInsert().Model(row).On("CONFLICT (version) DO NOTHING").Returning("NULL").Exec(ctx)
	return dbErr(err)
}

// ActivateRuleSet appends an activation of a stored version with the next seq; the activation
// with the highest seq is active (clocks may repeat an instant, seq does not). Two concurrent
// activations clash on seq: one of them gets a conflict.
func (d *DB) ActivateRuleSet(ctx context.Context, id, version, author, note string, at time.Time) error {
	d = d.bound(ctx)
	_, err := d.db.ExecContext(ctx, `INSERT INTO rule_activations (id, version, author, note, activated_at, seq)
SELECT ?, ?, ?, ?, ?, COALESCE(MAX(seq), 0) + 1 FROM rule_activations`, id, version, author, note, utc(at))
	return dbErr(err)
}

// ruleSet converts a row, with its last activation (nil: never), to a RuleSetVersion.
func (r *ruleSetRow) ruleSet(last *activationRow, active bool) (*orglife.RuleSetVersion, error) {
	v := &orglife.RuleSetVersion{Version: r.Version, Checksum: r.Checksum, Author: r.Author, Note: r.Note,
		CreatedAt: r.CreatedAt.UTC(), Active: active}
	if last != nil {
		at := last.ActivatedAt.UTC()
		v.ActivatedAt, v.ActivatedBy = &at, last.Author
	}
	if err := fromJSON(r.Files, &v.Files); err != nil {
		return nil, err
	}
	return v, nil
}

// activations returns the newest activation per version and the active version ("" when none),
// in one query.
func (d *DB) activations(ctx context.Context) (map[string]*activationRow, string, error) {
	var rows []activationRow
	if err := d.db.NewSelect().Model(&rows).Order("seq ASC").Scan(ctx); err != nil {
		return nil, "", dbErr(err)
	}
	last := map[string]*activationRow{}
	active := ""
	for i := range rows {
		last[rows[i].Version] = &rows[i]
		active = rows[i].Version
	}
	return last, active, nil
}

// ActiveRuleSet returns the active rule-set version with its files; not found when none was ever
// activated.
func (d *DB) ActiveRuleSet(ctx context.Context) (*orglife.RuleSetVersion, error) {
	d = d.bound(ctx)
	var a activationRow
	if err := d.db.NewSelect().Model(&a).Order("seq DESC").Limit(int64(1)).Scan(ctx); err != nil {
		return nil, dbErr(err)
	}
	v, err := d.RuleSetVersion(ctx, a.Version)
	if err != nil {
		return nil, err
	}
	at := a.ActivatedAt.UTC()
	v.ActivatedAt, v.ActivatedBy, v.Active = &at, a.Author, true
	return v, nil
}

// RuleSetVersion returns one stored version with its files.
func (d *DB) RuleSetVersion(ctx context.Context, version string) (*orglife.RuleSetVersion, error) {
	d = d.bound(ctx)
	var r ruleSetRow
	if err := d.db.NewSelect().Model(&r).Where("version = ?", version).Scan(ctx); err != nil {
		return nil, dbErr(err)
	}
	last, active, err := d.activations(ctx)
	if err != nil {
		return nil, err
	}
	return r.ruleSet(last[r.Version], r.Version == active)
}

// RuleSetVersions lists the stored versions, newest first, without their files.
func (d *DB) RuleSetVersions(ctx context.Context) ([]*orglife.RuleSetVersion, error) {
	d = d.bound(ctx)
	var rows []ruleSetRow
	if err := d.db.NewSelect().Model(&rows).ExcludeColumn("files").Order("created_at DESC", "version ASC").Scan(ctx); err != nil {
		return nil, dbErr(err)
	}
	last, active, err := d.activations(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*orglife.RuleSetVersion, 0, len(rows))
	for i := range rows {
		v, err := rows[i].ruleSet(last[rows[i].Version], rows[i].Version == active)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}
