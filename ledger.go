package orglife

import "time"

// LedgerCount is the number of ledger rows of one org with one status.
type LedgerCount struct {
	OrgID  string
	Status Status
	N      int
}

// LedgerChange is one entry of a ledger row's status timeline.
type LedgerChange struct {
	Rule        string    `json:"rule"`
	SubjectID   string    `json:"subject_id"`
	Period      string    `json:"period"`
	OrgID       string    `json:"org_id"`
	From        Status    `json:"from"`
	To          Status    `json:"to"`
	RuleVersion string    `json:"rule_version"`
	At          time.Time `json:"at"`
}

// ViolationChangeRecord is one status change of one violation, to append to its history.
type ViolationChangeRecord struct {
	ViolationID string
	ViolationChange
}
