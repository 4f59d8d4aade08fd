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
	LedgerRows(ctx context.Context, f LedgerFilter) ([]*orglife.LedgerRow, error)
	// SaveLedger upserts rows (keyed by rule, subject and period) and appends changes to the
	// status timeline, in bulk.
	SaveLedger(ctx context.Context, rows []*orglife.LedgerRow, changes []LedgerChange) error
	// LedgerCounts counts ledger rows of the orgs by org and status (see storage.DB.LedgerCounts).
	LedgerCounts(ctx context.Context, orgIDs []string, period, from, to string) ([]LedgerCount, error)
	// LedgerTimeline returns the status changes of one rule × subject × period, oldest first.
	LedgerTimeline(ctx context.Context, rule, subjectID, period string) ([]LedgerChange, error)

	// Violations returns violations matching f (without history), ordered by id.
	Violations(ctx context.Context, f ViolationFilter) ([]*orglife.Violation, error)
	// Violation returns one violation with its history.
	Violation(ctx context.Context, id string) (*orglife.Violation, error)
	// SaveViolations upserts violations (keyed by id; identity unique) and appends their status
	// changes, in bulk.
	SaveViolations(ctx context.Context, vs []*orglife.Violation, changes []ViolationChangeRecord) error

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
	EnqueueEvaluation(ctx context.Context, es []*OutboxEntry) error
	// ClaimOutbox returns, in the caller's transaction, the entries available at now of one org:
	// the org of the oldest available entry, at most limit entries, oldest first. On PostgreSQL
	// they are locked until the transaction ends (FOR UPDATE SKIP LOCKED: another server's claim
	// passes them by); SQLite has one writer. Empty when none is available.
	ClaimOutbox(ctx context.Context, now time.Time, limit int) ([]*OutboxEntry, error)
	// DeleteOutbox deletes entries by id.
	DeleteOutbox(ctx context.Context, ids []int64) error
	// RetryOutbox records a failed attempt of entries: attempts+1, the error, and the instant
	// before which no claim returns them.
	RetryOutbox(ctx context.Context, ids []int64, availableAt time.Time, lastErr string) error
	// PendingOrgs returns which of the orgs have outbox entries waiting.
	PendingOrgs(ctx context.Context, orgIDs []string) ([]string, error)
	// OutboxEntries lists the entries of the outbox, oldest first, at most limit (0: all).
	OutboxEntries(ctx context.Context, limit int) ([]*OutboxEntry, error)
}

// OutboxEntry asks for a re-evaluation of one org from a date through today; it is written in
// the transaction of the change that calls for it and deleted by the one that evaluates it.
type OutboxEntry struct {
	ID int64
	// OrgID is the org to re-evaluate.
	OrgID string
	// From is the first day (YYYY-MM-DD) whose periods are re-evaluated; "" means the lookback.
	From string
	// InstanceID names the instance whose change called for it, if any (for logs).
	InstanceID string
	// Workflow is the workflow of that instance: only the rules that read it (or the workflows
	// its actions start) are evaluated. "" (org and member changes): every rule.
	Workflow  string
	CreatedAt time.Time
	// AvailableAt is the instant before which no claim returns the entry (a retry's backoff).
	AvailableAt time.Time
	Attempts    int
	LastError   string
}

// LedgerCount is the number of ledger rows of one org with one status.
type LedgerCount struct {
	OrgID  string
	Status orglife.Status
	N      int
}

// LedgerFilter selects ledger rows. Empty fields do not filter; Period "-" selects rows without
// a period (deadline and instance rules).
type LedgerFilter struct {
	OrgIDs     []string
	Rules      []string
	SubjectIDs []string
	Period     string
	// Periods selects the rows of any of these period labels (a range of periods in one read:
	// the months of a year for the compliance matrix); "" in it selects rows without a period.
	Periods []string
	Status  string
	Cursor  string // opaque: rows after this key
	Limit   int
	// Light leaves out the explanation and evidence (comparisons need only keys, status and
	// digest).
	Light bool
	// Cites selects the rows whose evidence names this instance id.
	Cites string
}

// LedgerChange is one entry of a ledger row's status timeline.
type LedgerChange struct {
	Rule        string         `json:"rule"`
	SubjectID   string         `json:"subject_id"`
	Period      string         `json:"period"`
	OrgID       string         `json:"org_id"`
	From        orglife.Status `json:"from"`
	To          orglife.Status `json:"to"`
	RuleVersion string         `json:"rule_version"`
	At          time.Time      `json:"at"`
}

// ViolationFilter selects violations. Empty fields do not filter.
type ViolationFilter struct {
	OrgIDs   []string
	Rule     string
	Status   string
	Kind     string
	Severity string
	Period   string
	// WaiverBefore selects waived violations whose waiver expires before it (zero: no filter).
	WaiverBefore time.Time
	Cursor       string // ids greater than this
	Limit        int
}

// ViolationChangeRecord is one status change of one violation, to append to its history.
type ViolationChangeRecord struct {
	ViolationID string
	orglife.ViolationChange
}
