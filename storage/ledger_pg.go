package storage

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/uptrace/bun"
)

// unnestMin is the batch size from which SaveLedger writes on PostgreSQL with one multi-row
// unnest statement per unnestBatch rows instead of bun's multi-row VALUES: the rows travel as
// one array parameter per column, so the statement text stays a few hundred bytes whatever the
// batch size and the server parses no row constructors.
const (
	unnestMin   = 32
	unnestBatch = 5000
)

// ledgerUpsertUnnest is the upsert of ledger rows from column arrays ($1…$17, in ledgerRow's
// column order); on conflict every non-key column is replaced, as in the VALUES path.
const ledgerUpsertUnnest = `INSERT INTO ledger (rule, subject_id, period_key, org_id, scope, rule_version, period_start,
	period_end, due, status, severity, mode, explanation, evidence, evaluated_at, digest, next_change)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
	$8::text[], $9::timestamptz[], $10::text[], $11::text[], $12::text[], $13::jsonb[], $14::jsonb[], $15::timestamptz[], $16::text[], $17::timestamptz[])
ON CONFLICT (rule, subject_id, period_key) DO UPDATE SET org_id = EXCLUDED.org_id, scope = EXCLUDED.scope,
	rule_version = EXCLUDED.rule_version, period_start = EXCLUDED.period_start, period_end = EXCLUDED.period_end,
	due = EXCLUDED.due, status = EXCLUDED.status, severity = EXCLUDED.severity, mode = EXCLUDED.mode,
	explanation = EXCLUDED.explanation, evidence = EXCLUDED.evidence, evaluated_at = EXCLUDED.evaluated_at,
	digest = EXCLUDED.digest, next_change = EXCLUDED.next_change`

// timelineInsertUnnest appends ledger_timeline rows from column arrays.
const timelineInsertUnnest = `INSERT INTO ledger_timeline (rule, subject_id, period_key, org_id, from_status, to_status, rule_version, at)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[])`

// saveLedgerUnnest writes ledger rows and timeline rows with unnest statements of at most
// unnestBatch rows each, in the transaction d is bound to.
func (d *DB) saveLedgerUnnest(ctx context.Context, lrs []*ledgerRow, trs []*ledgerTimelineRow) error {
	for chunk := range slices.Chunk(lrs, unnestBatch) {
		n := len(chunk)
		var (
			rule, subject, period, org, scope, version = make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
			start, end                                 = make([]*string, n), make([]*string, n)
			due                                        = make([]*time.Time, n)
			status, severity, mode, expl, evidence     = make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
			at                                         = make([]time.Time, n)
			dig                                        = make([]string, n)
			next                                       = make([]*time.Time, n)
		)
		for i, r := range chunk {
			rule[i], subject[i], period[i], org[i], scope[i], version[i] = r.Rule, r.SubjectID, r.PeriodKey, r.OrgID, r.Scope, r.RuleVersion
			start[i], end[i], due[i] = r.PeriodStart, r.PeriodEnd, r.Due
			status[i], severity[i], mode[i], expl[i], evidence[i] = r.Status, r.Severity, r.Mode, r.Explanation, r.Evidence
			at[i], dig[i], next[i] = r.EvaluatedAt, r.Digest, r.NextChange
		}
		if err := d.execArrays(ctx, ledgerUpsertUnnest, rule, subject, period, org, scope, version, start, end, due,
			status, severity, mode, expl, evidence, at, dig, next); err != nil {
			return err
		}
	}
	for chunk := range slices.Chunk(trs, unnestBatch) {
		n := len(chunk)
		rule, subject, period, org, from, to, version := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		at := make([]time.Time, n)
		for i, r := range chunk {
			rule[i], subject[i], period[i], org[i], from[i], to[i], version[i], at[i] = r.Rule, r.SubjectID, r.PeriodKey, r.OrgID, r.From, r.To, r.RuleVersion, r.At
		}
		if err := d.execArrays(ctx, timelineInsertUnnest, rule, subject, period, org, from, to, version, at); err != nil {
			return err
		}
	}
	return nil
}

// execArrays runs a PostgreSQL statement with $n parameters through the driver, past bun's
// interpolation, in the extended protocol (pgx.QueryExecModeExec: one round trip, the arrays
// sent as parameters instead of being spliced into the statement text).
func (d *DB) execArrays(ctx context.Context, query string, args ...any) error {
	args = append([]any{pgx.QueryExecModeExec}, args...)
	var err error
	switch db := d.db.(type) {
	case bun.Tx:
		_, err = db.Tx.ExecContext(ctx, query, args...)
	case *bun.DB:
		_, err = db.DB.ExecContext(ctx, query, args...)
	default:
		return fmt.Errorf("storage: execArrays on %T", d.db)
	}
	return dbErr(err)
}
