package engine

import "github.com/orglife/orglife"

// checkIdempotencyKey refuses an Idempotency-Key that is not valid text of at most
// orglife.MaxIdempotencyKeyLength characters.
func checkIdempotencyKey(key string) []orglife.Detail {
	return orglife.CheckText("Idempotency-Key", key, orglife.MaxIdempotencyKeyLength)
}
