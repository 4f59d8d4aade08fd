package storage

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/orglife/orglife"
)

// instanceRow is a row of instances.
type instanceRow struct {
	bun.BaseModel `bun:"table:instances,alias:i"`

	ID              string     `bun:"id,pk"`
	Workflow        string     `bun:"workflow"`
	WorkflowVersion string     `bun:"workflow_version"`
	OrgID           string     `bun:"org_id"`
	State           string     `bun:"state"`
	Complete        bool       `bun:"complete"`
	Version         int        `bun:"version"`
	Data            string     `bun:"data"`
	CreatedData     string     `bun:"created_data"`
	OccursOn        *string    `bun:"occurs_on"`
	CreatedAt       time.Time  `bun:"created_at"`
	UpdatedAt       time.Time  `bun:"updated_at"`
	RecordedAt      *time.Time `bun:"recorded_at"`
	CreatedBy       string     `bun:"created_by"`
	ParentID        *string    `bun:"parent_id"`
	ParentAction    string     `bun:"parent_action"`
	ParentKey       string     `bun:"parent_key"`
	UniqueKey       *string    `bun:"unique_key"`
	CreationHash    string     `bun:"creation_hash"`
	LastSeq         int        `bun:"last_seq"`
	LastHash        string     `bun:"last_hash"`
}

// instanceColumns are the columns UpdateInstance writes.
var instanceColumns = []string{
	"workflow_version", "state", "complete", "version", "data", "occurs_on",
	"updated_at", "recorded_at", "unique_key", "last_seq", "last_hash",
}

// newInstanceRow normalizes in's instants and converts it to a row.
func newInstanceRow(in *orglife.Instance) (*instanceRow, error) {
	in.CreatedAt, in.UpdatedAt, in.RecordedAt = utc(in.CreatedAt), utc(in.UpdatedAt), utcPtr(in.RecordedAt)
	data, err := toJSON(in.Data)
	if err != nil {
		return nil, err
	}
	created, err := toJSON(in.CreatedData)
	if err != nil {
		return nil, err
	}
	return &instanceRow{
		ID: in.ID, Workflow: in.Workflow, WorkflowVersion: in.WorkflowVersion, OrgID: in.OrgID,
		State: in.State, Complete: in.Complete, Version: in.Version, Data: data, CreatedData: created,
		OccursOn: in.OccursOn, CreatedAt: in.CreatedAt, UpdatedAt: in.UpdatedAt, RecordedAt: in.RecordedAt,
		CreatedBy: in.CreatedBy, ParentID: in.ParentID, ParentAction: in.ParentAction, ParentKey: in.ParentKey,
		UniqueKey: in.UniqueKey, CreationHash: in.CreationHash, LastSeq: in.LastSeq, LastHash: in.LastHash,
	}, nil
}

// instance converts a row to an Instance.
func (r *instanceRow) instance() (*orglife.Instance, error) {
	in := &orglife.Instance{
		ID: r.ID, Workflow: r.Workflow, WorkflowVersion: r.WorkflowVersion, OrgID: r.OrgID,
		State: r.State, Complete: r.Complete, Version: r.Version, OccursOn: r.OccursOn,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(), RecordedAt: utcPtr(r.RecordedAt),
		CreatedBy: r.CreatedBy, ParentID: r.ParentID, ParentAction: r.ParentAction, ParentKey: r.ParentKey,
		UniqueKey: r.UniqueKey, CreationHash: r.CreationHash, LastSeq: r.LastSeq, LastHash: r.LastHash,
	}
	if err := fromJSON(r.Data, &in.Data); err != nil {
		return nil, err
	}
	if err := fromJSON(r.CreatedData, &in.CreatedData); err != nil {
		return nil, err
	}
	return in, nil
}

// instances converts rows to Instances.
func instances(rows []instanceRow) ([]*orglife.Instance, error) {
	out := make([]*orglife.Instance, 0, len(rows))
	for i := range rows {
		in, err := rows[i].instance()
		if err != nil {
			return nil, err
		}
		out = append(out, in)
	}
	return out, nil
}

// InsertInstances inserts instances in one statement; conflict when an id or a UniqueKey clashes.
// Their instants are normalized in place.
func (d *DB) InsertInstances(ctx context.Context, ins []*orglife.Instance) error {
	d = d.bound(ctx)
	if len(ins) == 0 {
		return nil
	}
	rows := make([]*instanceRow, len(ins))
	for i, in := range ins {
		r, err := newInstanceRow(in)
		if err != nil {
			return err
		}
		rows[i] = r
	}
	_, err := d.db.NewInsert().Model(&rows).Returning("NULL").Exec(ctx)
	return dbErr(err)
}

// Instance returns one instance. forUpdate locks its row until the transaction ends on
// PostgreSQL (SELECT ... FOR UPDATE); on SQLite the transaction already holds the write lock.
func (d *DB) Instance(ctx context.Context, id string, forUpdate bool) (*orglife.Instance, error) {
	d = d.bound(ctx)
	var row instanceRow
	q := d.db.NewSelect().Model(&row).Where("id = ?", id)
	if forUpdate && d.dialect == Postgres {
		q = q.For("UPDATE")
	}
	if err := q.Scan(ctx); err != nil {
		return nil, dbErr(err)
	}
	return row.instance()
}

// UpdateInstance writes the instance's workflow version, state, data, version, derived columns
// (complete, occurs_on, updated_at, recorded_at, unique_key) and chain head (last_seq, last_hash) where the stored version is
// prevVersion: conflict when it is not, not found when there is no such instance. Its instants
// are normalized in place.
func (d *DB) UpdateInstance(ctx context.Context, in *orglife.Instance, prevVersion int) error {
	d = d.bound(ctx)
	row, err := newInstanceRow(in)
	if err != nil {
		return err
	}
	res, err := d.db.NewUpdate().Model(row).Column(instanceColumns...).
		Where("id = ?", in.ID).Where("version = ?", prevVersion).Exec(ctx)
	if err != nil {
		return dbErr(err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 1 {
		return nil
	}
	return d.versionMismatch(ctx, in.ID, prevVersion)
}

// versionMismatch is the error of an update of instance id at prevVersion that changed no row:
// not found when there is no such instance, conflict otherwise.
func (d *DB) versionMismatch(ctx context.Context, id string, prevVersion int) error {
	exists, err := d.db.NewSelect().Model((*instanceRow)(nil)).Where("id = ?", id).Exists(ctx)
	if err != nil {
		return dbErr(err)
	}
	if !exists {
		return orglife.ErrNotFound
	}
	return orglife.Errorf(orglife.ECONFLICT, "instance %s was changed by someone else (expected version %d)", id, prevVersion)
}

// Instances lists instances matching f, ordered by id, after f.Cursor, at most f.Limit, in one
// query. As documented on orglife.InstanceFilter, empty fields (empty IDs and OrgIDs included) do
// not filter.
func (d *DB) Instances(ctx context.Context, f orglife.InstanceFilter) ([]*orglife.Instance, error) {
	d = d.bound(ctx)
	var rows []instanceRow
	q := d.db.NewSelect().Model(&rows).Order("id")
	if len(f.IDs) > 0 {
		q = q.Where("id IN (?)", bun.In(f.IDs))
	}
	if f.Workflow != "" {
		q = q.Where("workflow = ?", f.Workflow)
	}
	if len(f.OrgIDs) > 0 {
		q = q.Where("org_id IN (?)", bun.In(f.OrgIDs))
	}
	if f.State != "" {
		q = q.Where("state = ?", f.State)
	}
	if f.ParentID != "" {
		q = q.Where("parent_id = ?", f.ParentID)
	}
	if f.From != "" {
		q = q.Where("occurs_on >= ?", f.From)
	}
	if f.To != "" {
		q = q.Where("occurs_on <= ?", f.To)
	}
	if f.Cursor != "" {
		q = q.Where("id > ?", f.Cursor)
	}
	if f.Limit > 0 {
		q = q.Limit(int64(f.Limit))
	}
	if err := q.Scan(ctx); err != nil {
		return nil, dbErr(err)
	}
	return instances(rows)
}

// ChildKeys returns the ParentAction+"\x00"+ParentKey of every child of parentID.
func (d *DB) ChildKeys(ctx context.Context, parentID string) (map[string]bool, error) {
	d = d.bound(ctx)
	var rows []struct {
		ParentAction string `bun:"parent_action"`
		ParentKey    string `bun:"parent_key"`
	}
	err := d.db.NewSelect().Model((*instanceRow)(nil)).Column("parent_action", "parent_key").
		Where("parent_id = ?", parentID).Scan(ctx, &rows)
	if err != nil {
		return nil, dbErr(err)
	}
	keys := make(map[string]bool, len(rows))
	for _, r := range rows {
		keys[r.ParentAction+"\x00"+r.ParentKey] = true
	}
	return keys, nil
}
