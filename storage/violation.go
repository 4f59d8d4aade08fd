package storage

import (
	"context"
	"maps"
	"slices"
	"time"

	"github.com/uptrace/bun"

	"github.com/orglife/orglife"
)

// violationRow is a row of violations. PeriodKey is the period label, or "" for rules without a
// period; the waiver columns are set when WaiverExpiresAt is not NULL. (rule, subject_id,
// period_key, kind, check_id) is unique: the violation's identity.
type violationRow struct {
	bun.BaseModel `bun:"table:violations,alias:v"`

	ID              string     `bun:"id,pk"`
	Rule            string     `bun:"rule"`
	RuleVersion     string     `bun:"rule_version"`
	OrgID           string     `bun:"org_id"`
	SubjectID       string     `bun:"subject_id"`
	PeriodKey       string     `bun:"period_key"`
	Kind            string     `bun:"kind"`
	Check           string     `bun:"check_id"`
	Severity        string     `bun:"severity"`
	Status          string     `bun:"status"`
	Resolution      *string    `bun:"resolution"`
	Message         string     `bun:"message"`
	Explanation     string     `bun:"explanation"`
	Evidence        string     `bun:"evidence"`
	WaiverReason    string     `bun:"waiver_reason"`
	WaiverExpiresAt *time.Time `bun:"waiver_expires_at"`
	WaiverBy        string     `bun:"waiver_by"`
	ClearedFrom     string     `bun:"cleared_from"`
	OpenedAt        time.Time  `bun:"opened_at"`
	UpdatedAt       time.Time  `bun:"updated_at"`
}

// newViolationRow normalizes v's instants and converts it to a row.
func newViolationRow(v *orglife.Violation) (*violationRow, error) {
	v.OpenedAt, v.UpdatedAt = utc(v.OpenedAt), utc(v.UpdatedAt)
	expl, err := toJSON(v.Explanation)
	if err != nil {
		return nil, err
	}
	ev, err := toJSON(v.Evidence)
	if err != nil {
		return nil, err
	}
	p := ""
	if v.Period != nil {
		p = *v.Period
	}
	r := &violationRow{
		ID: v.ID, Rule: v.Rule, RuleVersion: v.RuleVersion, OrgID: v.OrgID, SubjectID: v.SubjectID,
		PeriodKey: p, Kind: v.Kind, Check: v.Check, Severity: v.Severity, Status: v.Status,
		Resolution: v.Resolution, Message: v.Message, Explanation: expl, Evidence: ev,
		ClearedFrom: v.ClearedFrom, OpenedAt: v.OpenedAt, UpdatedAt: v.UpdatedAt,
	}
	if w := v.Waiver; w != nil {
		w.ExpiresAt = utc(w.ExpiresAt)
		r.WaiverReason, r.WaiverExpiresAt, r.WaiverBy = w.Reason, &w.ExpiresAt, w.By
	}
	return r, nil
}

// violation converts a row to a Violation with an empty history.
func (r *violationRow) violation() (*orglife.Violation, error) {
	v := &orglife.Violation{
		ID: r.ID, Rule: r.Rule, RuleVersion: r.RuleVersion, OrgID: r.OrgID, SubjectID: r.SubjectID,
		Period: periodPtr(r.PeriodKey), Kind: r.Kind, Check: r.Check, Severity: r.Severity,
		Status: r.Status, Resolution: r.Resolution, Message: r.Message, ClearedFrom: r.ClearedFrom,
		OpenedAt: r.OpenedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(), History: []orglife.ViolationChange{},
	}
	if r.WaiverExpiresAt != nil {
		v.Waiver = &orglife.Waiver{Reason: r.WaiverReason, ExpiresAt: r.WaiverExpiresAt.UTC(), By: r.WaiverBy}
	}
	if err := fromJSON(r.Explanation, &v.Explanation); err != nil {
		return nil, err
	}
	if err := fromJSON(r.Evidence, &v.Evidence); err != nil {
		return nil, err
	}
	return v, nil
}

// violationHistoryRow is a row of violation_history: one status change of a violation. Seq
// numbers the changes of a violation in the order they were saved.
type violationHistoryRow struct {
	bun.BaseModel `bun:"table:violation_history,alias:vh"`

	ViolationID string    `bun:"violation_id,pk"`
	Seq         int       `bun:"seq,pk"`
	At          time.Time `bun:"at"`
	Actor       string    `bun:"actor"`
	From        string    `bun:"from_status"`
	To          string    `bun:"to_status"`
	Note        string    `bun:"note"`
}

// Violations returns the violations matching f, ordered by id, after f.Cursor, at most f.Limit
// (0: all), in one query; their History is empty (not loaded). Empty fields do not filter; Period
// "-" selects violations without a period.
func (d *DB) Violations(ctx context.Context, f orglife.ViolationFilter) ([]*orglife.Violation, error) {
	d = d.bound(ctx)
	var rows []violationRow
	q := d.db.NewSelect().Model(&rows).Order("id")
	if len(f.OrgIDs) > 0 {
		q = q.Where("org_id IN (?)", bun.In(f.OrgIDs))
	}
	if f.Rule != "" {
		q = q.Where("rule = ?", f.Rule)
	}
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	if f.Kind != "" {
		q = q.Where("kind = ?", f.Kind)
	}
	if f.Severity != "" {
		q = q.Where("severity = ?", f.Severity)
	}
	if !f.WaiverBefore.IsZero() {
		q = q.Where("status = ? AND waiver_expires_at < ?", orglife.ViolationWaived, utc(f.WaiverBefore))
	}
	if f.Period != "" {
		q = q.Where("period_key = ?", periodKey(f.Period))
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
	out := make([]*orglife.Violation, 0, len(rows))
	for i := range rows {
		v, err := rows[i].violation()
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// Violation returns one violation with its history ordered by time, then by the order the
// changes were saved.
func (d *DB) Violation(ctx context.Context, id string) (*orglife.Violation, error) {
	d = d.bound(ctx)
	var row violationRow
	if err := d.db.NewSelect().Model(&row).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, dbErr(err)
	}
	v, err := row.violation()
	if err != nil {
		return nil, err
	}
	var hs []violationHistoryRow
	err = d.db.NewSelect().Model(&hs).Where("violation_id = ?", id).Order("at", "seq").Scan(ctx)
	if err != nil {
		return nil, dbErr(err)
	}
	for _, h := range hs {
		v.History = append(v.History, orglife.ViolationChange{At: h.At.UTC(), Actor: h.Actor, From: h.From, To: h.To, Note: h.Note})
	}
	return v, nil
}

// SaveViolations upserts vs keyed by id (every other column is replaced) and appends changes to
// the violations' histories, in statements of at most saveBatch rows, in one transaction (the
// caller's, when d is bound to one). A violation whose identity (rule, subject, period, kind,
// check) belongs to another id is a conflict; a change of an unknown violation is invalid. When
// vs repeats an id the last one wins. Instants are normalized in place.
func (d *DB) SaveViolations(ctx context.Context, vs []*orglife.Violation, changes []orglife.ViolationChangeRecord) error {
	d = d.bound(ctx)
	if len(vs) == 0 && len(changes) == 0 {
		return nil
	}
	rows := make([]*violationRow, 0, len(vs))
	index := make(map[string]int, len(vs))
	for _, v := range vs {
		r, err := newViolationRow(v)
		if err != nil {
			return err
		}
		if i, dup := index[r.ID]; dup {
			rows[i] = r
			continue
		}
		index[r.ID] = len(rows)
		rows = append(rows, r)
	}
	return d.runInTx(ctx, func(ctx context.Context, tx *DB) error {
		for chunk := range slices.Chunk(rows, saveBatch) {
			// With no Set, bun writes SET col = EXCLUDED.col for every non-key column.
			_, err := tx.db.NewInsert().Model(&chunk).On("CONFLICT (id) DO UPDATE").Returning("NULL").Exec(ctx)
			if err != nil {
				return dbErr(err)
			}
		}
		if len(changes) == 0 {
			return nil
		}
		// Number the changes after the last saved one of each violation. The upsert above holds
		// the violations' rows, so a concurrent save of the same violation waits for this one.
		seq := map[string]int{}
		for _, c := range changes {
			seq[c.ViolationID] = 0
		}
		var last []struct {
			ViolationID string `bun:"violation_id"`
			Seq         int    `bun:"seq"`
		}
		err := tx.db.NewSelect().Model((*violationHistoryRow)(nil)).Column("violation_id").ColumnExpr("MAX(seq) AS seq").
			Where("violation_id IN (?)", bun.In(slices.Collect(maps.Keys(seq)))).Group("violation_id").Scan(ctx, &last)
		if err != nil {
			return dbErr(err)
		}
		for _, l := range last {
			seq[l.ViolationID] = l.Seq
		}
		hs := make([]*violationHistoryRow, len(changes))
		for i := range changes {
			c := &changes[i]
			c.At = utc(c.At)
			seq[c.ViolationID]++
			hs[i] = &violationHistoryRow{
				ViolationID: c.ViolationID, Seq: seq[c.ViolationID], At: c.At, Actor: c.Actor,
				From: c.From, To: c.To, Note: c.Note,
			}
		}
		for chunk := range slices.Chunk(hs, saveBatch) {
			if _, err := tx.db.NewInsert().Model(&chunk).Returning("NULL").Exec(ctx); err != nil {
				return dbErr(err)
			}
		}
		return nil
	})
}
