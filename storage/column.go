package storage

import (
	"encoding/json"
	"fmt"
	"time"
)

// Column codecs shared by the tables. Instants are stored in UTC truncated to microseconds, the
// precision both databases keep, and read back in UTC, so hashes over them recompute identically
// on both. JSON columns hold encoding/json output (nil maps as null) and decode with
// encoding/json, so numbers read back as float64 on both databases.

// utc returns t in UTC truncated to microseconds (and without a monotonic reading).
func utc(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// utcPtr is utc for an optional instant.
func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := utc(*t)
	return &u
}

// toJSON encodes a column value.
func toJSON(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("storage: encode json: %w", err)
	}
	return string(b), nil
}

// fromJSON decodes a column value into dst.
func fromJSON(s string, dst any) error {
	if s == "" {
		return nil
	}
	if err := json.Unmarshal([]byte(s), dst); err != nil {
		return fmt.Errorf("storage: decode json: %w", err)
	}
	return nil
}
