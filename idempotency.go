package orglife

import "time"

// IdempotencyRecord is the first response to a request that carried an Idempotency-Key.
type IdempotencyRecord struct {
	Scope       string // who sent it (the token's id)
	Key         string
	RequestHash string // hash of method, path and body
	Response    []byte // JSON of the resulting instance
	CreatedAt   time.Time
}
