package storage

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/orglife/orglife"
)

// auditRow is a row of the audit log.
type auditRow struct {
	bun.BaseModel `bun:"table:audit,alias:au"`

	ID     string    `bun:"id,pk"`
	At     time.Time `bun:"at"`
	Actor  string    `bun:"actor"`
	Role   string    `bun:"role"`
	Action string    `bun:"action"`
	Target string    `bun:"target"`
	Detail string    `bun:"detail"`
}

// AppendAudit appends one entry to the audit log.
func (d *DB) AppendAudit(ctx context.Context, e *orglife.AuditEntry) error {
	d = d.bound(ctx)
	e.At = utc(e.At)
	detail, err := toJSON(e.Detail)
	if err != nil {
		return err
	}
	row := &auditRow{ID: e.ID, At: e.At, Actor: e.Actor, Role: e.Role, Action: e.Action, Target: e.Target, Detail: detail}
	_, err = d.db.NewInsert().Model(row).Returning("NULL").Exec(ctx)
	return dbErr(err)
}

// Audit lists audit entries by id (time order), after cursor, at most limit (0: all).
func (d *DB) Audit(ctx context.Context, action, cursor string, limit int) ([]*orglife.AuditEntry, error) {
	d = d.bound(ctx)
	var rows []auditRow
	q := d.db.NewSelect().Model(&rows).Order("id ASC")
	if action != "" {
		q = q.Where("action = ?", action)
	}
	if cursor != "" {
		q = q.Where("id > ?", cursor)
	}
	if limit > 0 {
		q = q.Limit(int64(limit))
	}
	if err := q.Scan(ctx); err != nil {
		return nil, dbErr(err)
	}
	out := make([]*orglife.AuditEntry, 0, len(rows))
	for i := range rows {
		r := &rows[i]
		e := &orglife.AuditEntry{ID: r.ID, At: r.At.UTC(), Actor: r.Actor, Role: r.Role, Action: r.Action, Target: r.Target}
		if err := fromJSON(r.Detail, &e.Detail); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}
