package storage

import (
	"context"
	"reflect"
	"strings"

	"github.com/uptrace/bun"

	"github.com/orglife/orglife"
)

// The statements of a start and of a transition. On PostgreSQL each use case reads what it needs
// in one statement (the instance locked FOR UPDATE, its org's lineage and the go-live setting)
// and writes in one data-modifying WITH statement (the instance, its history row and its outbox
// entries), so that a transition costs BEGIN, one read, one write and COMMIT. On SQLite, a local
// file where a statement costs no round trip, the same methods run the single-purpose statements
// one after the other in the caller's transaction.

// lineageSQL is the recursive walk from an org (%s: a sub-select or a placeholder) up to its
// root, carrying the orgs' columns (no second join with orgs: PostgreSQL plans it in about two
// thirds of the time); up.depth is 0 for the org itself.
const lineageSQL = `up AS (
		SELECT o.*, 0 AS depth FROM orgs o WHERE o.id = %s
		UNION ALL
		SELECT o.*, up.depth + 1 FROM orgs o JOIN up ON o.id = up.parent_id WHERE up.depth < ?)`

// lockedRow is one row of LockInstance's statement on PostgreSQL: the instance, one org of its
// lineage and the go-live setting.
type lockedRow struct {
	I     instanceRow `bun:"embed:i_"`
	O     orgRow      `bun:"embed:o_"`
	Since *string     `bun:"since"`
}

// contextRow is one row of OrgContext's statement on PostgreSQL.
type contextRow struct {
	O     orgRow  `bun:"embed:o_"`
	Since *string `bun:"since"`
}

// prefixed lists the columns of model's table as "alias.col AS prefix_col".
func (d *DB) prefixed(model any, alias, prefix string) string {
	t := d.root.Table(reflect.TypeOf(model))
	cols := make([]string, len(t.Fields))
	for i, f := range t.Fields {
		cols[i] = alias + "." + f.Name + " AS " + prefix + f.Name
	}
	return strings.Join(cols, ", ")
}

// LockInstance returns an instance, locked until the transaction ends on PostgreSQL, with its
// org's lineage and the go-live setting: one statement on PostgreSQL (SELECT … FOR UPDATE of the
// instance joined with the recursive lineage); on SQLite, whose write transaction holds the lock
// from BEGIN, three (Instance, OrgLineage, Setting). Not found when the instance does not exist.
func (d *DB) LockInstance(ctx context.Context, id string) (*orglife.Instance, *orglife.OrgContext, error) {
	d = d.bound(ctx)
	if d.dialect != Postgres {
		in, err := d.Instance(ctx, id, true)
		if err != nil {
			return nil, nil, err
		}
		oc, err := d.OrgContext(ctx, in.OrgID)
		if err != nil {
			return nil, nil, err
		}
		return in, oc, nil
	}
	// The row lock is taken in the CTE (MATERIALIZED: evaluated once, before the walk); after a
	// wait for it, the row returned is the latest committed version (READ COMMITTED re-check).
	q := `WITH RECURSIVE i AS MATERIALIZED (SELECT * FROM instances WHERE id = ? FOR UPDATE),
	` + strings.Replace(lineageSQL, "%s", "(SELECT org_id FROM i)", 1) + `
	SELECT ` + d.prefixed((*instanceRow)(nil), "i", "i_") + `, ` + d.prefixed((*orgRow)(nil), "up", "o_") + `,
		(SELECT value FROM settings WHERE key = ?) AS since
	FROM i CROSS JOIN up ORDER BY up.depth DESC`
	var rows []lockedRow
	if err := d.db.NewRaw(q, id, maxDepth, orglife.SettingSince).Scan(ctx, &rows); err != nil {
		return nil, nil, dbErr(err)
	}
	if len(rows) == 0 {
		return nil, nil, orglife.ErrNotFound
	}
	in, err := rows[0].I.instance()
	if err != nil {
		return nil, nil, err
	}
	oc := &orglife.OrgContext{Lineage: make([]*orglife.Org, len(rows))}
	if rows[0].Since != nil {
		oc.Since = *rows[0].Since
	}
	for i := range rows {
		if oc.Lineage[i], err = rows[i].O.org(); err != nil {
			return nil, nil, err
		}
	}
	return in, oc, nil
}

// OrgContext returns an org's lineage (root first) and the go-live setting: one statement on
// PostgreSQL, two on SQLite (OrgLineage, Setting). Not found when the org does not exist.
func (d *DB) OrgContext(ctx context.Context, orgID string) (*orglife.OrgContext, error) {
	d = d.bound(ctx)
	if d.dialect != Postgres {
		lineage, err := d.OrgLineage(ctx, orgID)
		if err != nil {
			return nil, err
		}
		oc := &orglife.OrgContext{Lineage: lineage}
		since, err := d.Setting(ctx, orglife.SettingSince)
		switch {
		case err == nil:
			oc.Since = since
		case orglife.ErrorCode(err) != orglife.ENOTFOUND:
			return nil, err
		}
		return oc, nil
	}
	q := `WITH RECURSIVE ` + strings.Replace(lineageSQL, "%s", "?", 1) + `
	SELECT ` + d.prefixed((*orgRow)(nil), "up", "o_") + `, (SELECT value FROM settings WHERE key = ?) AS since
	FROM up ORDER BY up.depth DESC`
	var rows []contextRow
	if err := d.db.NewRaw(q, orgID, maxDepth, orglife.SettingSince).Scan(ctx, &rows); err != nil {
		return nil, dbErr(err)
	}
	if len(rows) == 0 {
		return nil, orglife.ErrNotFound
	}
	oc := &orglife.OrgContext{Lineage: make([]*orglife.Org, len(rows))}
	if rows[0].Since != nil {
		oc.Since = *rows[0].Since
	}
	var err error
	for i := range rows {
		if oc.Lineage[i], err = rows[i].O.org(); err != nil {
			return nil, err
		}
	}
	return oc, nil
}

// AdvanceInstance writes a transition (see orglife.TransitionWrite): the instance's new state
// where the stored version is w.PrevVersion, its history row and its outbox entries (whose ids
// it sets). On PostgreSQL this is one statement — an UPDATE … RETURNING in a WITH, the history
// row and the entries inserted from its result, so nothing is inserted when the version check
// fails; on SQLite, UpdateInstance, InsertTransition and EnqueueEvaluation. Conflict when the
// stored version is not w.PrevVersion (nothing written), not found when there is no such
// instance. Instants are normalized in place.
func (d *DB) AdvanceInstance(ctx context.Context, w orglife.TransitionWrite) error {
	d = d.bound(ctx)
	if d.dialect != Postgres {
		if err := d.UpdateInstance(ctx, w.Instance, w.PrevVersion); err != nil {
			return err
		}
		if err := d.InsertTransition(ctx, w.Transition); err != nil {
			return err
		}
		return d.EnqueueEvaluation(ctx, w.Outbox)
	}
	row, err := newInstanceRow(w.Instance)
	if err != nil {
		return err
	}
	tr, err := newTransitionRow(w.Transition)
	if err != nil {
		return err
	}
	upd := d.db.NewUpdate().Model(row).Column(instanceColumns...).
		Where("id = ?", row.ID).Where("version = ?", w.PrevVersion).Returning("i.id")
	ins := d.db.NewRaw(`INSERT INTO transitions (instance_id, seq, event, from_state, to_state, actor, actor_role, at, data, comment, prev_hash, hash)
		SELECT ?, ?, ?, ?, ?, ?, ?, CAST(? AS timestamptz), CAST(? AS jsonb), ?, ?, ? FROM u RETURNING 1`,
		tr.InstanceID, tr.Seq, tr.Event, tr.From, tr.To, tr.Actor, tr.ActorRole, tr.At, tr.Data, tr.Comment, tr.PrevHash, tr.Hash)
	q := "WITH u AS (?), tr AS (?)"
	args := []any{upd, ins}
	if len(w.Outbox) > 0 {
		q += ", ob AS (?)"
		args = append(args, d.outboxInsert(w.Outbox, "u"))
	}
	q += " SELECT (SELECT count(*) FROM u) AS updated"
	if len(w.Outbox) > 0 {
		q += ", ARRAY(SELECT id FROM ob ORDER BY id) AS ids"
	}
	var res struct {
		Updated int     `bun:"updated"`
		IDs     []int64 `bun:"ids,array"`
	}
	if err := d.db.NewRaw(q, args...).Scan(ctx, &res); err != nil {
		return dbErr(err)
	}
	if res.Updated != 1 {
		return d.versionMismatch(ctx, row.ID, w.PrevVersion)
	}
	return setOutboxIDs(w.Outbox, res.IDs)
}

// CreateInstance inserts one instance (InsertInstances) and its outbox entries
// (EnqueueEvaluation), whose ids it sets: one statement on PostgreSQL (a data-modifying WITH),
// two on SQLite. Conflict when its id or unique key clashes.
func (d *DB) CreateInstance(ctx context.Context, in *orglife.Instance, outbox []*orglife.OutboxEntry) error {
	d = d.bound(ctx)
	if d.dialect != Postgres || len(outbox) == 0 {
		if err := d.InsertInstances(ctx, []*orglife.Instance{in}); err != nil {
			return err
		}
		return d.EnqueueEvaluation(ctx, outbox)
	}
	row, err := newInstanceRow(in)
	if err != nil {
		return err
	}
	ins := d.db.NewInsert().Model(row).Returning("id")
	var res struct {
		IDs []int64 `bun:"ids,array"`
	}
	if err := d.db.NewRaw("WITH n AS (?), ob AS (?) SELECT ARRAY(SELECT id FROM ob ORDER BY id) AS ids",
		ins, d.outboxInsert(outbox, "n")).Scan(ctx, &res); err != nil {
		return dbErr(err)
	}
	return setOutboxIDs(outbox, res.IDs)
}

// outboxInsert is the INSERT of entries as a sub-statement of a WITH on PostgreSQL, inserting
// them once for each row of the CTE named after (one row: the instance written).
func (d *DB) outboxInsert(es []*orglife.OutboxEntry, after string) *bun.RawQuery {
	var b strings.Builder
	args := make([]any, 0, 7*len(es))
	for i, e := range es {
		e.CreatedAt = utc(e.CreatedAt)
		r := newOutboxRow(e)
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?, ?, ?, ?, CAST(? AS timestamptz), CAST(? AS bigint))")
		args = append(args, r.OrgID, r.FromDay, r.Days, r.InstanceID, r.Workflow, r.CreatedAt, r.AvailableAt)
	}
	return d.db.NewRaw(`INSERT INTO outbox (org_id, from_day, days, instance_id, workflow, created_at, available_at)
		SELECT v.* FROM `+after+` CROSS JOIN (VALUES `+b.String()+`) AS v (org_id, from_day, days, instance_id, workflow, created_at, available_at)
		RETURNING id`, args...)
}

// setOutboxIDs sets the ids of entries from the ids their insert returned, in order.
func setOutboxIDs(es []*orglife.OutboxEntry, ids []int64) error {
	if len(ids) != len(es) {
		return orglife.Errorf(orglife.EINTERNAL, "storage: %d outbox entries written, %d ids returned", len(es), len(ids))
	}
	for i, e := range es {
		e.ID = ids[i]
	}
	return nil
}
