package orglife

import "time"

// RuleSetVersion is one stored version of a pack's rule files. Version is the checksum prefix
// that ledger rows and violations carry; an earlier version can be activated again (rollback).
type RuleSetVersion struct {
	Version   string            `json:"version"`
	Checksum  string            `json:"checksum"`
	Files     map[string]string `json:"files,omitempty"`
	Author    string            `json:"author"`
	Note      string            `json:"note"`
	CreatedAt time.Time         `json:"created_at"`
	// ActivatedAt and ActivatedBy tell the last activation of the version (nil, "": never).
	ActivatedAt *time.Time `json:"activated_at"`
	ActivatedBy string     `json:"activated_by"`
	Active      bool       `json:"active"`
}

// AuditEntry records who did what and when: a rule-set change, a token creation, a decision on a
// violation.
type AuditEntry struct {
	ID     string         `json:"id"`
	At     time.Time      `json:"at"`
	Actor  string         `json:"actor"`
	Role   string         `json:"role"`
	Action string         `json:"action"`
	Target string         `json:"target"`
	Detail map[string]any `json:"detail"`
}
