package storage

import (
	"context"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/orglife/orglife"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
)

// outboxRow is a row of outbox: one org to re-evaluate from a date (see orglife.OutboxEntry).
// available_at is unix milliseconds.
type outboxRow struct {
	bun.BaseModel `bun:"table:outbox,alias:ob"`

	ID          int64     `bun:"id,pk,autoincrement"`
	OrgID       string    `bun:"org_id"`
	FromDay     string    `bun:"from_day"`
	InstanceID  string    `bun:"instance_id"`
	Workflow    string    `bun:"workflow"`
	Days        string    `bun:"days"`
	CreatedAt   time.Time `bun:"created_at"`
	AvailableAt int64     `bun:"available_at"`
	Attempts    int       `bun:"attempts"`
	LastError   string    `bun:"last_error"`
}

func (r *outboxRow) entry() *orglife.OutboxEntry {
	var days []string
	if r.Days != "" {
		days = strings.Split(r.Days, ",")
	}
	return &orglife.OutboxEntry{ID: r.ID, OrgID: r.OrgID, From: r.FromDay, Days: days, InstanceID: r.InstanceID, Workflow: r.Workflow,
		CreatedAt: r.CreatedAt.UTC(), AvailableAt: time.UnixMilli(r.AvailableAt).UTC(), Attempts: r.Attempts, LastError: r.LastError}
}

// newOutboxRow converts an entry to a row (without its id).
func newOutboxRow(e *orglife.OutboxEntry) *outboxRow {
	r := &outboxRow{OrgID: e.OrgID, FromDay: e.From, Days: strings.Join(e.Days, ","), InstanceID: e.InstanceID,
		Workflow: e.Workflow, CreatedAt: e.CreatedAt}
	if !e.AvailableAt.IsZero() {
		r.AvailableAt = e.AvailableAt.UnixMilli()
	}
	return r
}

// EnqueueEvaluation inserts outbox entries in one statement and sets their ids.
func (d *DB) EnqueueEvaluation(ctx context.Context, es []*orglife.OutboxEntry) error {
	d = d.bound(ctx)
	if len(es) == 0 {
		return nil
	}
	rows := make([]*outboxRow, len(es))
	for i, e := range es {
		e.CreatedAt = utc(e.CreatedAt)
		rows[i] = newOutboxRow(e)
	}
	if _, err := d.db.NewInsert().Model(&rows).Returning("id").Exec(ctx); err != nil {
		return dbErr(err)
	}
	for i, r := range rows {
		es[i].ID = r.ID
	}
	return nil
}

// ClaimOutbox returns the available entries of the org of the oldest available entry, locking
// them on PostgreSQL with FOR UPDATE SKIP LOCKED, in one statement (the oldest entry's org is a
// sub-select that locks and skips the same way).
func (d *DB) ClaimOutbox(ctx context.Context, now time.Time, limit int) ([]*orglife.OutboxEntry, error) {
	d = d.bound(ctx)
	lock := ""
	if d.dialect == Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	at := now.UnixMilli()
	q := "SELECT * FROM outbox WHERE org_id = (SELECT org_id FROM outbox WHERE available_at <= ? ORDER BY id LIMIT 1" + lock +
		") AND available_at <= ? ORDER BY id"
	if limit > 0 {
		q += " LIMIT " + strconv.Itoa(limit)
	}
	var rows []outboxRow
	if err := d.db.NewRaw(q+lock, at, at).Scan(ctx, &rows); err != nil {
		return nil, dbErr(err)
	}
	out := make([]*orglife.OutboxEntry, len(rows))
	for i := range rows {
		out[i] = rows[i].entry()
	}
	return out, nil
}

// DeleteOutbox deletes entries by id.
func (d *DB) DeleteOutbox(ctx context.Context, ids []int64) error {
	d = d.bound(ctx)
	if len(ids) == 0 {
		return nil
	}
	_, err := d.db.NewDelete().TableExpr("outbox").Where("id IN (?)", bun.In(ids)).Exec(ctx)
	return dbErr(err)
}

// FinishOutbox deletes the entries a worker evaluated (by id) and reports whether other entries
// are available at now — locked ones (another server's claim) included, so the answer may be
// true with nothing left to claim, never false with an entry waiting that this transaction can
// see. One statement on PostgreSQL (a DELETE in a WITH), two on SQLite.
func (d *DB) FinishOutbox(ctx context.Context, ids []int64, now time.Time) (bool, error) {
	d = d.bound(ctx)
	at := now.UnixMilli()
	var more bool
	if d.dialect == Postgres && len(ids) > 0 {
		err := d.db.NewRaw(`WITH gone AS (DELETE FROM outbox WHERE id IN (?) RETURNING id)
			SELECT EXISTS (SELECT 1 FROM outbox WHERE available_at <= ? AND id NOT IN (SELECT id FROM gone))`, bun.In(ids), at).Scan(ctx, &more)
		return more, dbErr(err)
	}
	if err := d.DeleteOutbox(ctx, ids); err != nil {
		return false, err
	}
	err := d.db.NewRaw("SELECT EXISTS (SELECT 1 FROM outbox WHERE available_at <= ?)", at).Scan(ctx, &more)
	return more, dbErr(err)
}

// RetryOutbox records a failed attempt of entries.
func (d *DB) RetryOutbox(ctx context.Context, ids []int64, availableAt time.Time, lastErr string) error {
	d = d.bound(ctx)
	if len(ids) == 0 {
		return nil
	}
	if len(lastErr) > 2000 {
		lastErr = lastErr[:2000]
	}
	_, err := d.db.NewUpdate().TableExpr("outbox").Set("attempts = attempts + 1").Set("available_at = ?", availableAt.UnixMilli()).
		Set("last_error = ?", lastErr).Where("id IN (?)", bun.In(ids)).Exec(ctx)
	return dbErr(err)
}

// OutboxEntries lists outbox entries, oldest first.
func (d *DB) OutboxEntries(ctx context.Context, limit int) ([]*orglife.OutboxEntry, error) {
	d = d.bound(ctx)
	var rows []outboxRow
	q := d.db.NewSelect().Model(&rows).Order("id")
	if limit > 0 {
		q = q.Limit(int64(limit))
	}
	if err := q.Scan(ctx); err != nil {
		return nil, dbErr(err)
	}
	out := make([]*orglife.OutboxEntry, len(rows))
	for i := range rows {
		out[i] = rows[i].entry()
	}
	return out, nil
}

// evaluationLockSpace tells the advisory locks of LockEvaluation from other advisory locks.
const evaluationLockSpace = "orglife-evaluation:"

// LockEvaluation takes the evaluation lock of each org, in id order, until the transaction ends:
// on PostgreSQL pg_advisory_xact_lock on a 64-bit FNV-1a hash of the org id (one statement);
// nothing on SQLite, whose write transaction holds the database's write lock from BEGIN.
func (d *DB) LockEvaluation(ctx context.Context, orgIDs []string) error {
	d = d.bound(ctx)
	if d.dialect != Postgres || len(orgIDs) == 0 {
		return nil
	}
	keys := make([]int64, 0, len(orgIDs))
	for _, id := range orgIDs {
		h := fnv.New64a()
		_, _ = h.Write([]byte(evaluationLockSpace + id))
		keys = append(keys, int64(h.Sum64()))
	}
	// Every locker takes the keys in the same (numeric) order, so two lockers of overlapping
	// sets never wait for each other in a cycle.
	slices.Sort(keys)
	keys = slices.Compact(keys)
	// A volatile function in the select list is evaluated after ORDER BY.
	_, err := d.db.ExecContext(ctx, "SELECT pg_advisory_xact_lock(k) FROM unnest(?::bigint[]) AS k ORDER BY k", pgdialect.Array(keys))
	return dbErr(err)
}

// OutboxStats returns how many entries wait in the outbox and when the oldest was created (the
// zero time when it is empty), in one aggregate query.
func (d *DB) OutboxStats(ctx context.Context) (int, time.Time, error) {
	d = d.bound(ctx)
	var row struct {
		N      int        `bun:"n"`
		Oldest *time.Time `bun:"oldest"`
	}
	if err := d.db.NewRaw("SELECT count(*) AS n, min(created_at) AS oldest FROM outbox").Scan(ctx, &row); err != nil {
		return 0, time.Time{}, dbErr(err)
	}
	if row.Oldest == nil {
		return row.N, time.Time{}, nil
	}
	return row.N, row.Oldest.UTC(), nil
}

// PendingOrgs returns which of the orgs have outbox entries waiting (their ledger is being
// brought up to date), in one query.
func (d *DB) PendingOrgs(ctx context.Context, orgIDs []string) ([]string, error) {
	d = d.bound(ctx)
	var out []string
	if len(orgIDs) == 0 {
		return out, nil
	}
	if err := d.db.NewSelect().TableExpr("outbox").ColumnExpr("DISTINCT org_id").Where("org_id IN (?)", bun.In(orgIDs)).Scan(ctx, &out); err != nil {
		return nil, dbErr(err)
	}
	return out, nil
}
