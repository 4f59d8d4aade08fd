package compliance

import (
	"context"
	"time"

	"github.com/orglife/orglife"
)

// Store is the persistence the compliance side needs: the orgs and members it evaluates, bulk
// reads of records as of an instant, the ledger with its timeline, violations with their history,
// the outbox, the scheduler's lock, rule-set versions and the audit log. storage.DB implements it
// on SQLite and PostgreSQL. Methods return orglife.ErrNotFound (code not_found) for a missing row
// and never nil, nil.
type Store interface {
	// InTx runs fn in one transaction; fn's error rolls it back. The context fn receives carries
	// the transaction: the Store's methods called with it run in it. Called with a context that
	// carries a transaction already (engine's, when it asks for an outbox entry), it runs fn in
	// that one.
	InTx(ctx context.Context, fn func(ctx context.Context) error) error

	// Orgs returns the orgs whose ids are given (all orgs when ids is nil), ordered by id.
	Orgs(ctx context.Context, ids []string) ([]*orglife.Org, error)
	// OrgsWithParents returns the orgs whose ids are given and their parents, ordered by id, in
	// one query.
	OrgsWithParents(ctx context.Context, ids []string) ([]*orglife.Org, error)
	// OrgPath returns the ids from the root down to and including id, in one query.
	OrgPath(ctx context.Context, id string) ([]string, error)
	// Subtree returns id and the ids of all orgs below it, in one query.
	Subtree(ctx context.Context, id string) ([]string, error)
	// OrgChanges returns the histories (parent and term) of the given orgs, ordered by org and
	// seq, in one query.
	OrgChanges(ctx context.Context, orgIDs []string) ([]*orglife.OrgChange, error)
	// Members returns the current members of the given orgs, ordered by org and id.
	Members(ctx context.Context, orgIDs []string) ([]*orglife.Member, error)
	// OrgMemberChanges returns the whole histories of every member who ever belonged to one of
	// the orgs, ordered by member and seq, in one query (the roster as of a date).
	OrgMemberChanges(ctx context.Context, orgIDs []string) ([]*orglife.MemberChange, error)
	// Setting returns a deployment-wide setting; not_found when it is unset.
	Setting(ctx context.Context, key string) (string, error)
	// SetSetting stores a deployment-wide setting.
	SetSetting(ctx context.Context, key, value string, at time.Time) error

	// EvalRecords returns every instance of the given orgs created at or before asOf (current
	// columns, CreatedData included) and, for those updated after asOf, their whole history
	// keyed by instance id, so the caller can rebuild what was known at asOf. At most two queries.
	EvalRecords(ctx context.Context, orgIDs []string, asOf time.Time) ([]*orglife.Instance, map[string][]*orglife.Transition, error)
	// InstanceVersions returns the version of every instance of an org, by id, and the latest
	// updated_at among them, in one query.
	InstanceVersions(ctx context.Context, orgID string) (map[string]int, time.Time, error)
	// InstancesWithChildren returns the instances with the given ids and those whose parent is
	// one of them, in one query.
	InstancesWithChildren(ctx context.Context, ids []string) ([]*orglife.Instance, error)

	// LedgerRows returns stored ledger rows matching f, ordered by org, rule, subject, period.
	LedgerRows(ctx context.Context, f orglife.LedgerFilter) ([]*orglife.LedgerRow, error)
	// SaveLedger upserts rows (keyed by rule, subject and period) and appends changes to the
	// status timeline, in bulk.
	SaveLedger(ctx context.Context, rows []*orglife.LedgerRow, changes []orglife.LedgerChange) error
	// LedgerDue returns the stored ledger rows (light: no explanation or evidence) whose next
	// instant of change by time alone is at or before now.
	LedgerDue(ctx context.Context, now time.Time) ([]*orglife.LedgerRow, error)
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

	// ClaimOutbox returns, in the caller's transaction, the entries available at now of one org:
	// the org of the oldest available entry, at most limit entries, oldest first. On PostgreSQL
	// they are locked until the transaction ends (FOR UPDATE SKIP LOCKED: another server's claim
	// passes them by); SQLite has one writer. Empty when none is available.
	ClaimOutbox(ctx context.Context, now time.Time, limit int) ([]*orglife.OutboxEntry, error)
	// DeleteOutbox deletes entries by id.
	DeleteOutbox(ctx context.Context, ids []int64) error
	// FinishOutbox deletes entries by id and reports whether other entries are available at now
	// (locked ones included): one statement on PostgreSQL.
	FinishOutbox(ctx context.Context, ids []int64, now time.Time) (bool, error)
	// RetryOutbox records a failed attempt of entries: attempts+1, the error, and the instant
	// before which no claim returns them.
	RetryOutbox(ctx context.Context, ids []int64, availableAt time.Time, lastErr string) error
	// PendingOrgs returns which of the orgs have outbox entries waiting.
	PendingOrgs(ctx context.Context, orgIDs []string) ([]string, error)
	// OutboxEntries lists the entries of the outbox, oldest first, at most limit (0: all).
	OutboxEntries(ctx context.Context, limit int) ([]*orglife.OutboxEntry, error)

	RuleSetStore
}
