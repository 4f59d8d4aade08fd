package engine

import (
	"context"
	"time"

	"github.com/orglife/orglife"
)

// ComplianceStore is the persistence of evaluation: bulk reads of records as of an instant, the
// ledger with its timeline, violations with their history, and the scheduler's lock. It is part
// of Store.
type ComplianceStore interface {
	// EvalRecords returns every instance of the given orgs created at or before asOf (current
	// columns, CreatedData included) and, for those updated after asOf, their whole history
	// keyed by instance id, so the caller can rebuild what was known at asOf. At most two queries.
	EvalRecords(ctx context.Context, orgIDs []string, asOf time.Time) ([]*orglife.Instance, map[string][]*orglife.Transition, error)

	// LedgerRows returns stored ledger rows matching f, ordered by org, rule, subject, period.
	LedgerRows(ctx context.Context, f orglife.LedgerFilter) ([]*orglife.LedgerRow, error)
	// SaveLedger upserts rows (keyed by rule, subject and period) and appends changes to the
	// status timeline, in bulk.
	SaveLedger(ctx context.Context, rows []*orglife.LedgerRow, changes []orglife.LedgerChange) error
	// LedgerCounts counts ledger rows of the orgs by org and status (see storage.DB.LedgerCounts).
	LedgerCounts(ctx context.Context, orgIDs []string, period, from, to string) ([]orglife.LedgerCount, error)
	// LedgerTimeline returns the status changes of one rule × subject × period, oldest first.
	LedgerTimeline(ctx context.Context, rule, subjectID, period string) ([]orglife.LedgerChange, error)

	// Violations returns violations matching f (without history), ordered by id.
	Violations(ctx context.Context, f orglife.ViolationFilter) ([]*orglife.Violation, error)
	// Violation returns one violation with its history.
	Violation(ctx context.Context, id string) (*orglife.Violation, error)
	// SaveViolations upserts violations (keyed by id; identity unique) and appends their status
	// changes, in bulk.
	SaveViolations(ctx context.Context, vs []*orglife.Violation, changes []orglife.ViolationChangeRecord) error

	// TryLock takes the named cluster-wide lock without waiting (a PostgreSQL advisory lock held
	// on one connection; a process-local lock on SQLite). ok is false when another holder has it.
	// release frees it; a holder that dies frees it with its connection.
	TryLock(ctx context.Context, name string) (release func(), ok bool, err error)

	// LockEvaluation takes, in the caller's transaction and until it ends, the evaluation lock of
	// each org (in id order, whatever the order given): on PostgreSQL a transaction-level
	// advisory lock per org; on SQLite nothing, since the write transaction already holds the
	// database's one write lock from BEGIN. Every transaction that persists evaluated rows takes
	// it before it reads the org's inputs (see docs/decisions.md, "Evaluations never write older
	// over newer").
	LockEvaluation(ctx context.Context, orgIDs []string) error

	// EnqueueEvaluation appends entries to the evaluation outbox (in the caller's transaction);
	// their ids are set.
	EnqueueEvaluation(ctx context.Context, es []*orglife.OutboxEntry) error
	// ClaimOutbox returns, in the caller's transaction, the entries available at now of one org:
	// the org of the oldest available entry, at most limit entries, oldest first. On PostgreSQL
	// they are locked until the transaction ends (FOR UPDATE SKIP LOCKED: another server's claim
	// passes them by); SQLite has one writer. Empty when none is available.
	ClaimOutbox(ctx context.Context, now time.Time, limit int) ([]*orglife.OutboxEntry, error)
	// DeleteOutbox deletes entries by id.
	DeleteOutbox(ctx context.Context, ids []int64) error
	// RetryOutbox records a failed attempt of entries: attempts+1, the error, and the instant
	// before which no claim returns them.
	RetryOutbox(ctx context.Context, ids []int64, availableAt time.Time, lastErr string) error
	// PendingOrgs returns which of the orgs have outbox entries waiting.
	PendingOrgs(ctx context.Context, orgIDs []string) ([]string, error)
	// OutboxEntries lists the entries of the outbox, oldest first, at most limit (0: all).
	OutboxEntries(ctx context.Context, limit int) ([]*orglife.OutboxEntry, error)
}
