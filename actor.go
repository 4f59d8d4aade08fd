package orglife

import "time"

// Token roles.
const (
	RoleAdmin      = "admin"
	RoleSupervisor = "supervisor"
	RoleBranch     = "branch"
)

// Token is an access token. Only the SHA-256 hash of its secret is stored. A token authenticates
// until it is revoked or its expiry passes; LastUsedAt is refreshed at most once a minute.
type Token struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Role       string     `json:"role"`
	OrgID      string     `json:"org_id"`
	Hash       string     `json:"-"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

// Expired reports whether the token's expiry is at or before now.
func (t *Token) Expired(now time.Time) bool { return t.ExpiresAt != nil && !now.Before(*t.ExpiresAt) }

// Actor is who performs a request: the role, org and name of the caller's token.
type Actor struct {
	Role  string `json:"role"`
	OrgID string `json:"org_id"`
	Name  string `json:"name"`
}

// IsAdmin reports whether the actor is an administrator.
func (a Actor) IsAdmin() bool { return a.Role == RoleAdmin }
