package storage

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/orglife/orglife"
)

// saveBatch is how many rows one bulk INSERT of the compliance tables writes.
const saveBatch = 500

// ledgerRow is a row of ledger: the status of one rule for one subject and period. PeriodKey is
// the period label, or "" for rules without a period.
type ledgerRow struct {
	bun.BaseModel `bun:"table:ledger,alias:l"`

	Rule        string     `bun:"rule,pk"`
	SubjectID   string     `bun:"subject_id,pk"`
	PeriodKey   string     `bun:"period_key,pk"`
	OrgID       string     `bun:"org_id"`
	Scope       string     `bun:"scope"`
	RuleVersion string     `bun:"rule_version"`
	PeriodStart *string    `bun:"period_start"`
	PeriodEnd   *string    `bun:"period_end"`
	Due         *time.Time `bun:"due"`
	Status      string     `bun:"status"`
	Severity    string     `bun:"severity"`
	Mode        string     `bun:"mode"`
	Explanation string     `bun:"explanation"`
	Evidence    string     `bun:"evidence"`
	EvaluatedAt time.Time  `bun:"evaluated_at"`
	Digest      string     `bun:"digest"`
	NextChange  *time.Time `bun:"next_change"`
}

// newLedgerRow normalizes r's instants and converts it to a row.
func newLedgerRow(r *orglife.LedgerRow) (*ledgerRow, error) {
	r.Due, r.EvaluatedAt, r.NextChange = utcPtr(r.Due), utc(r.EvaluatedAt), utcPtr(r.NextChange)
	expl, err := toJSON(r.Explanation)
	if err != nil {
		return nil, err
	}
	ev, err := toJSON(r.Evidence)
	if err != nil {
		return nil, err
	}
	return &ledgerRow{
		Rule: r.Rule, SubjectID: r.SubjectID, PeriodKey: r.PeriodKey(), OrgID: r.OrgID, Scope: r.Scope,
		RuleVersion: r.RuleVersion, PeriodStart: r.PeriodStart, PeriodEnd: r.PeriodEnd, Due: r.Due,
		Status: string(r.Status), Severity: r.Severity, Mode: r.Mode, Explanation: expl, Evidence: ev,
		EvaluatedAt: r.EvaluatedAt, Digest: r.Digest, NextChange: r.NextChange,
	}, nil
}

// ledger converts a row to a LedgerRow.
func (r *ledgerRow) ledger() (*orglife.LedgerRow, error) {
	out := &orglife.LedgerRow{
		Rule: r.Rule, RuleVersion: r.RuleVersion, Scope: r.Scope, OrgID: r.OrgID, SubjectID: r.SubjectID,
		Period: periodPtr(r.PeriodKey), PeriodStart: r.PeriodStart, PeriodEnd: r.PeriodEnd,
		Due: utcPtr(r.Due), Status: orglife.Status(r.Status), Severity: r.Severity,
		EvaluatedAt: r.EvaluatedAt.UTC(), Mode: r.Mode, Digest: r.Digest, NextChange: utcPtr(r.NextChange),
	}
	if err := fromJSON(r.Explanation, &out.Explanation); err != nil {
		return nil, err
	}
	if err := fromJSON(r.Evidence, &out.Evidence); err != nil {
		return nil, err
	}
	return out, nil
}

// periodPtr returns nil for the empty period key and the label otherwise.
func periodPtr(key string) *string {
	if key == "" {
		return nil
	}
	return &key
}

// periodKey maps a filter's period to a period key: "-" selects rows without a period.
func periodKey(filter string) string {
	if filter == "-" {
		return ""
	}
	return filter
}

// ledgerTimelineRow is a row of ledger_timeline: one status change of a ledger row.
type ledgerTimelineRow struct {
	bun.BaseModel `bun:"table:ledger_timeline,alias:lt"`

	Rule        string    `bun:"rule"`
	SubjectID   string    `bun:"subject_id"`
	PeriodKey   string    `bun:"period_key"`
	OrgID       string    `bun:"org_id"`
	From        string    `bun:"from_status"`
	To          string    `bun:"to_status"`
	RuleVersion string    `bun:"rule_version"`
	At          time.Time `bun:"at"`
}

// LedgerRows returns the stored ledger rows matching f, ordered by org, rule, subject and period,
// in one query. Empty fields do not filter; Period "-" selects rows without a period; Periods
// selects any of its labels. f.Cursor is
// the key compliance.LedgerCursor returns (org, rule, subject and period joined by U+001F): rows
// strictly after it are returned; a malformed cursor is invalid. Limit 0 returns all rows.
func (d *DB) LedgerRows(ctx context.Context, f orglife.LedgerFilter) ([]*orglife.LedgerRow, error) {
	d = d.bound(ctx)
	var rows []ledgerRow
	q := d.db.NewSelect().Model(&rows).Order("org_id", "rule", "subject_id", "period_key")
	if f.Light {
		q = q.ExcludeColumn("explanation", "evidence")
	}
	if len(f.OrgIDs) > 0 {
		q = q.Where("org_id IN (?)", bun.In(f.OrgIDs))
	}
	if len(f.Rules) > 0 {
		q = q.Where("rule IN (?)", bun.In(f.Rules))
	}
	if len(f.SubjectIDs) > 0 {
		q = q.Where("subject_id IN (?)", bun.In(f.SubjectIDs))
	}
	if f.Period != "" {
		q = q.Where("period_key = ?", periodKey(f.Period))
	}
	if len(f.Periods) > 0 {
		q = q.Where("period_key IN (?)", bun.In(f.Periods))
	}
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	if f.Cites != "" {
		cited, err := json.Marshal([]string{f.Cites})
		if err != nil {
			return nil, err
		}
		if d.dialect == Postgres {
			q = q.Where("evidence @> ?::jsonb", string(cited))
		} else {
			q = q.Where("instr(evidence, ?) > 0", string(cited[1:len(cited)-1]))
		}
	}
	if len(f.CitesAny) > 0 {
		if d.dialect == Postgres {
			q = q.Where("jsonb_exists_any(evidence, ?)", pgdialect.Array(f.CitesAny))
		} else {
			q = q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
				for _, id := range f.CitesAny {
					cited, err := json.Marshal(id)
					if err != nil {
						continue
					}
					q = q.WhereOr("instr(evidence, ?) > 0", string(cited))
				}
				return q
			})
		}
	}
	if f.Cursor != "" {
		k := strings.Split(f.Cursor, "\x1f")
		if len(k) != 4 {
			return nil, orglife.Errorf(orglife.EINVALID, "invalid cursor")
		}
		q = q.Where("(org_id, rule, subject_id, period_key) > (?, ?, ?, ?)", k[0], k[1], k[2], k[3])
	}
	if f.Limit > 0 {
		q = q.Limit(int64(f.Limit))
	}
	if err := q.Scan(ctx); err != nil {
		return nil, dbErr(err)
	}
	return ledgerRowsOf(rows)
}

// SaveLedger upserts rows keyed by rule, subject and period (every other column is replaced) and
// appends changes to the timeline, in statements of at most saveBatch rows (on PostgreSQL, from
// unnestMin rows on, multi-row unnest statements of at most unnestBatch rows), in one transaction
// (the caller's, when d is bound to one). When rows repeat a key the last one wins. Instants are
// normalized in place.
func (d *DB) SaveLedger(ctx context.Context, rows []*orglife.LedgerRow, changes []orglife.LedgerChange) error {
	d = d.bound(ctx)
	return d.saveLedger(ctx, rows, changes, unnestMin)
}

// saveLedger is SaveLedger, writing with unnest on PostgreSQL from unnestFrom rows on.
func (d *DB) saveLedger(ctx context.Context, rows []*orglife.LedgerRow, changes []orglife.LedgerChange, unnestFrom int) error {
	if len(rows) == 0 && len(changes) == 0 {
		return nil
	}
	lrs := make([]*ledgerRow, 0, len(rows))
	index := make(map[[3]string]int, len(rows))
	for _, r := range rows {
		lr, err := newLedgerRow(r)
		if err != nil {
			return err
		}
		key := [3]string{lr.Rule, lr.SubjectID, lr.PeriodKey}
		if i, dup := index[key]; dup {
			lrs[i] = lr
			continue
		}
		index[key] = len(lrs)
		lrs = append(lrs, lr)
	}
	trs := make([]*ledgerTimelineRow, len(changes))
	for i := range changes {
		c := &changes[i]
		c.At = utc(c.At)
		trs[i] = &ledgerTimelineRow{
			Rule: c.Rule, SubjectID: c.SubjectID, PeriodKey: c.Period, OrgID: c.OrgID,
			From: string(c.From), To: string(c.To), RuleVersion: c.RuleVersion, At: c.At,
		}
	}
	return d.runInTx(ctx, func(ctx context.Context, tx *DB) error {
		if tx.dialect == Postgres && len(lrs)+len(trs) >= unnestFrom {
			return tx.saveLedgerUnnest(ctx, lrs, trs)
		}
		for chunk := range slices.Chunk(lrs, saveBatch) {
			// With no Set, bun writes SET col = EXCLUDED.col for every non-key column.
			_, err := tx.db.NewInsert().Model(&chunk).
				On("CONFLICT (rule, subject_id, period_key) DO UPDATE").Returning("NULL").Exec(ctx)
			if err != nil {
				return dbErr(err)
			}
		}
		for chunk := range slices.Chunk(trs, saveBatch) {
			if _, err := tx.db.NewInsert().Model(&chunk).Returning("NULL").Exec(ctx); err != nil {
				return dbErr(err)
			}
		}
		return nil
	})
}

// LedgerTimeline returns the status changes of one rule × subject × period ("" for rules without
// a period), oldest first; empty when there are none.
func (d *DB) LedgerTimeline(ctx context.Context, rule, subjectID, period string) ([]orglife.LedgerChange, error) {
	d = d.bound(ctx)
	var rows []ledgerTimelineRow
	err := d.db.NewSelect().Model(&rows).Where("rule = ?", rule).Where("subject_id = ?", subjectID).
		Where("period_key = ?", period).Order("at").Scan(ctx)
	if err != nil {
		return nil, dbErr(err)
	}
	out := make([]orglife.LedgerChange, len(rows))
	for i, r := range rows {
		out[i] = orglife.LedgerChange{
			Rule: r.Rule, SubjectID: r.SubjectID, Period: r.PeriodKey, OrgID: r.OrgID,
			From: orglife.Status(r.From), To: orglife.Status(r.To), RuleVersion: r.RuleVersion, At: r.At.UTC(),
		}
	}
	return out, nil
}

// LedgerCounts counts the stored ledger rows of orgIDs by org and status, in the database: rows
// of period p (a label, "-" for none, "" for all) whose day — the period's start, or the UTC date
// of the due instant for rows without a period — lies in [from, to] (dates; empty bounds are
// open).
func (d *DB) LedgerCounts(ctx context.Context, orgIDs []string, p, from, to string) ([]orglife.LedgerCount, error) {
	d = d.bound(ctx)
	day := "COALESCE(period_start, substr(CAST(due AS TEXT), 1, 10))"
	if d.dialect == Postgres {
		day = "COALESCE(period_start, to_char(due AT TIME ZONE 'UTC', 'YYYY-MM-DD'))"
	}
	var counts []struct {
		OrgID  string `bun:"org_id"`
		Status string `bun:"status"`
		N      int    `bun:"n"`
	}
	out := []orglife.LedgerCount{}
	q := d.db.NewSelect().TableExpr("ledger").ColumnExpr("org_id, status, count(*) AS n").
		Where("org_id IN (?)", bun.In(orgIDs)).GroupExpr("org_id, status").OrderExpr("org_id, status")
	if p != "" {
		q = q.Where("period_key = ?", periodKey(p))
	}
	if from != "" {
		q = q.Where(day+" >= ?", from)
	}
	if to != "" {
		q = q.Where(day+" <= ?", to)
	}
	if len(orgIDs) == 0 {
		return out, nil
	}
	if err := q.Scan(ctx, &counts); err != nil {
		return nil, dbErr(err)
	}
	for _, c := range counts {
		out = append(out, orglife.LedgerCount{OrgID: c.OrgID, Status: orglife.Status(c.Status), N: c.N})
	}
	return out, nil
}

// LedgerDue returns the stored ledger rows whose next instant of change (next_change) is at or
// before now, without explanation and evidence, ordered by org, rule, subject and period: the
// rows whose status the passing of time may have changed. One query on the next_change index.
func (d *DB) LedgerDue(ctx context.Context, now time.Time) ([]*orglife.LedgerRow, error) {
	d = d.bound(ctx)
	var rows []ledgerRow
	err := d.db.NewSelect().Model(&rows).ExcludeColumn("explanation", "evidence").
		Where("next_change IS NOT NULL").Where("next_change <= ?", utc(now)).
		Order("org_id", "rule", "subject_id", "period_key").Scan(ctx)
	if err != nil {
		return nil, dbErr(err)
	}
	return ledgerRowsOf(rows)
}

// ledgerRowsOf converts scanned rows to ledger rows, in their order.
func ledgerRowsOf(rows []ledgerRow) ([]*orglife.LedgerRow, error) {
	out := make([]*orglife.LedgerRow, 0, len(rows))
	for i := range rows {
		r, err := rows[i].ledger()
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}
