package compliance

import (
	"context"
	"time"

	"github.com/orglife/orglife"
)

// RuleSetStore keeps rule-set versions, their activations and the audit log entries of their changes. It is part of Store.
type RuleSetStore interface {
	// SaveRuleSet stores a version unless it is stored already.
	SaveRuleSet(ctx context.Context, v *orglife.RuleSetVersion) error
	// ActivateRuleSet appends an activation of a stored version; the newest one is active.
	ActivateRuleSet(ctx context.Context, id, version, author, note string, at time.Time) error
	// ActiveRuleSet returns the active version with its files; not found when none.
	ActiveRuleSet(ctx context.Context) (*orglife.RuleSetVersion, error)
	// RuleSetVersion returns one version with its files.
	RuleSetVersion(ctx context.Context, version string) (*orglife.RuleSetVersion, error)
	// RuleSetVersions lists versions newest first, without files.
	RuleSetVersions(ctx context.Context) ([]*orglife.RuleSetVersion, error)

	// AppendAudit appends an entry to the audit log.
	AppendAudit(ctx context.Context, e *orglife.AuditEntry) error
}
