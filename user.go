package orglife

import (
	"regexp"
	"time"
)

// UsernamePattern is the form of a username: lower-case letters, digits and . _ - (a 学工号 fits).
var UsernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

// User is a person who logs in to the web interface. Role and OrgID follow the scope rules of
// tokens (spec §1). Only a hash of the password is stored, never shown.
type User struct {
	Username  string    `json:"username"`
	Name      string    `json:"name"`
	Role      string    `json:"role"`
	OrgID     string    `json:"org_id"`
	Disabled  bool      `json:"disabled"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// PasswordHash is the argon2id hash in PHC form; never serialized.
	PasswordHash string `json:"-"`
}

// Session is a logged-in user's session. Only a hash of its secret is stored; CSRF is the token
// every state-changing form of the session must carry.
type Session struct {
	Hash      string
	Username  string
	CSRF      string
	CreatedAt time.Time
	ExpiresAt time.Time
}
