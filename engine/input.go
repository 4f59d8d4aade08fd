package engine

import "github.com/orglife/orglife"

// filter is one list filter: its query name and the value a caller gave.
type filter struct{ field, value string }

// checkFilters refuses, with invalid naming the filter, values that are not valid UTF-8, hold a
// NUL byte or are longer than orglife.MaxFilterLength: no database is asked about them.
func checkFilters(fs ...filter) error {
	var d []orglife.Detail
	for _, f := range fs {
		d = append(d, orglife.CheckText(f.field, f.value, orglife.MaxFilterLength)...)
	}
	return orglife.InvalidInput(d)
}

// checkIdempotencyKey refuses an Idempotency-Key that is not valid text of at most
// orglife.MaxIdempotencyKeyLength characters.
func checkIdempotencyKey(key string) []orglife.Detail {
	return orglife.CheckText("Idempotency-Key", key, orglife.MaxIdempotencyKeyLength)
}
