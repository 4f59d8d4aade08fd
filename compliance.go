package orglife

import "time"

// Status is the compliance status of one rule for one subject and period (spec §3).
type Status string

// Statuses.
const (
	StatusNotApplicable Status = "not_applicable"
	StatusCompliant     Status = "compliant"
	StatusLate          Status = "late"
	StatusPending       Status = "pending"
	StatusAtRisk        Status = "at_risk"
	StatusOverdue       Status = "overdue"
	StatusShallow       Status = "shallow"
	StatusError         Status = "error"
)

// Statuses lists every status in the order reports show them.
var Statuses = []Status{StatusCompliant, StatusLate, StatusShallow, StatusPending, StatusAtRisk, StatusOverdue, StatusError, StatusNotApplicable}

// Severities, least to most severe.
var Severities = []string{"info", "minor", "major", "critical"}

// SeverityRank returns the position of a severity in Severities, or -1.
func SeverityRank(s string) int {
	for i, v := range Severities {
		if v == s {
			return i
		}
	}
	return -1
}

// Clause explains one top-level clause of a rule's require: its source and what was found.
type Clause struct {
	Source  string `json:"source"`
	Holds   bool   `json:"holds"`
	Left    any    `json:"left,omitempty"`    // value of the left side of a comparison
	Right   any    `json:"right,omitempty"`   // value of the right side
	Matched *int   `json:"matched,omitempty"` // elements matched by a collection predicate
	Error   string `json:"error,omitempty"`
}

// Explanation says why a ledger row has its status, in a Chinese sentence and per clause.
type Explanation struct {
	Text    string   `json:"text"`
	Clauses []Clause `json:"clauses"`
	// Checks lists the shallow checks that fired.
	Checks []Finding `json:"checks,omitempty"`
	// DueOn is the last day that counts of the row's due instant, YYYY-MM-DD in the deployment
	// time zone (a due at the start of a day is the day before; any other instant its own day);
	// "" when the row has no due. People read it; Due stays the RFC 3339 instant.
	DueOn string `json:"due_on,omitempty"`
	// Message is the rule's message (late_message for a late row) as rendered for the row — it
	// names the member, the problem, what was found — without the period and due that Text adds:
	// what a to-do list under the period and due shows. "" for other statuses and rules without one.
	Message string `json:"message,omitempty"`
}

// Finding is one shallow check that fired.
type Finding struct {
	ID       string `json:"id"`
	Message  string `json:"message"`
	Severity string `json:"severity"`
}

// LedgerRow is the status of one rule for one subject and period (or instance).
type LedgerRow struct {
	Rule        string      `json:"rule"`
	RuleVersion string      `json:"rule_version"`
	Scope       string      `json:"scope"`
	OrgID       string      `json:"org_id"`
	SubjectID   string      `json:"subject_id"`
	Period      *string     `json:"period"`
	PeriodStart *string     `json:"period_start"`
	PeriodEnd   *string     `json:"period_end"`
	Due         *time.Time  `json:"due"`
	Status      Status      `json:"status"`
	Severity    string      `json:"severity"`
	Explanation Explanation `json:"explanation"`
	Evidence    []string    `json:"evidence"`
	EvaluatedAt time.Time   `json:"evaluated_at"`
	// Mode is "shadow" for rules that open no violations.
	Mode string `json:"mode,omitempty"`
	// Digest fingerprints the row's content without EvaluatedAt; a row whose digest is unchanged
	// is not rewritten, so EvaluatedAt tells when the row last changed.
	Digest string `json:"-"`
	// NextChange is the next instant after the evaluation at which the row's status can change
	// by the passing of time alone (a pending row turns at_risk at due − warn, an at_risk row
	// overdue at due); nil when only a change of data can change it. Stored (ledger.next_change): the
	// scheduled evaluation re-evaluates exactly the rows whose instant has passed.
	NextChange *time.Time `json:"-"`
}

// PeriodKey returns the period label, or "" for deadline and instance rules.
func (r *LedgerRow) PeriodKey() string {
	if r.Period == nil {
		return ""
	}
	return *r.Period
}

// Violation kinds and statuses.
const (
	KindOverdue = "overdue"
	KindLate    = "late"
	KindShallow = "shallow"

	ViolationOpen         = "open"
	ViolationAcknowledged = "acknowledged"
	ViolationWaived       = "waived"
	ViolationResolved     = "resolved"

	ResolutionCleared = "cleared" // the condition no longer holds
	ResolutionManual  = "manual"  // a person resolved it; final
)

// Waiver is an exception granted to a violation until it expires.
type Waiver struct {
	Reason    string    `json:"reason"`
	ExpiresAt time.Time `json:"expires_at"`
	By        string    `json:"by"`
}

// ViolationChange is one status change of a violation.
type ViolationChange struct {
	At    time.Time `json:"at"`
	Actor string    `json:"actor"`
	From  string    `json:"from"`
	To    string    `json:"to"`
	Note  string    `json:"note"`
}

// Violation is a finding for supervisors to review, identified by rule, subject, period, kind
// and check.
type Violation struct {
	ID          string            `json:"id"`
	Rule        string            `json:"rule"`
	RuleVersion string            `json:"rule_version"`
	OrgID       string            `json:"org_id"`
	SubjectID   string            `json:"subject_id"`
	Period      *string           `json:"period"`
	Kind        string            `json:"kind"`
	Check       string            `json:"check"`
	Severity    string            `json:"severity"`
	Status      string            `json:"status"`
	Resolution  *string           `json:"resolution"`
	Message     string            `json:"message"`
	Explanation Explanation       `json:"explanation"`
	Evidence    []string          `json:"evidence"`
	Waiver      *Waiver           `json:"waiver"`
	OpenedAt    time.Time         `json:"opened_at"`
	UpdatedAt   time.Time         `json:"updated_at"`
	History     []ViolationChange `json:"history"`
	// ClearedFrom is, while an evaluation has resolved the violation as cleared, the status a
	// person left it in (open, acknowledged or waived); it comes back in that status when its
	// condition returns (a waived one only while its waiver runs). Empty otherwise.
	ClearedFrom string `json:"cleared_from,omitempty"`
}

// Identity returns the key that identifies a violation across evaluations.
func (v *Violation) Identity() string {
	p := ""
	if v.Period != nil {
		p = *v.Period
	}
	return v.Rule + "\x00" + v.SubjectID + "\x00" + p + "\x00" + v.Kind + "\x00" + v.Check
}
