package engine

import (
	"context"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/workflows"
)

// CreateTokenParams are the inputs of CreateToken. ExpiresAt is an optional RFC 3339 instant
// after which the token no longer authenticates; it must be in the future.
type CreateTokenParams struct {
	Name      string `json:"name"`
	Role      string `json:"role"`
	OrgID     string `json:"org_id"`
	ExpiresAt string `json:"expires_at"`
}

// OrgPatch holds the org fields a PATCH may change; nil pointers are left alone.
type OrgPatch struct {
	Name          *string            `json:"name"`
	ParentID      *string            `json:"parent_id"`
	Attributes    *map[string]string `json:"attributes"`
	EstablishedOn *string            `json:"established_on"`
	DissolvedOn   *string            `json:"dissolved_on"`
	TermStartedOn *string            `json:"term_started_on"`
	TermYears     *int               `json:"term_years"`
	// EffectiveOn is the day from which a new parent or term holds, for evaluations as of a
	// date (default: the new term's first day when the term changes, else today).
	EffectiveOn *string `json:"effective_on"`
}

// StartParams are the inputs of Start.
type StartParams struct {
	Workflow       string
	OrgID          string
	Data           map[string]any
	IdempotencyKey string // optional
	RequestHash    string // hash of the request, compared when the key is replayed
}

// FireParams are the inputs of Fire.
type FireParams struct {
	InstanceID      string
	Event           string
	Data            map[string]any
	Comment         string
	ExpectedVersion *int
	IdempotencyKey  string
	RequestHash     string
}

// ListInstancesParams filter and page instance lists.
type ListInstancesParams struct {
	Workflow string
	OrgID    string // the org and everything below it
	State    string
	From, To string // on occurs_on
	orglife.ListParams
}

// VerifyReport is the result of checking every hash chain.
type VerifyReport struct {
	Instances   int `json:"instances"`
	Transitions int `json:"transitions"`
	// Broken names the first broken row per instance ("instance ID seq N: ...").
	Broken []string `json:"broken"`
}

var (
	_ = context.Background
	_ = orglife.EINVALID
	_ = workflows.Set{}
)
