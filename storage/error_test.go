package storage_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/storage"
)

// TestHostileBytesAreNotInternal checks the last line of defence: values that reach storage
// with bytes that are not UTF-8, or a key too long to index, answer invalid on PostgreSQL and
// never internal. NUL bytes are not tried: bun writes arguments into the SQL text, where a NUL
// byte breaks the statement's syntax on both databases, so the checks in api and engine are the
// defence against them.
func TestHostileBytesAreNotInternal(t *testing.T) {
	eachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		if _, err := db.Org(ctx, "a\xff\xfe"); orglife.ErrorCode(err) == orglife.EINTERNAL {
			t.Errorf("Org with bytes that are not UTF-8: %v", err)
		}
		var b strings.Builder // a key PostgreSQL cannot compress below its index limit
		for i := 0; b.Len() < 3000; i++ {
			fmt.Fprintf(&b, "%x", sha256.Sum256([]byte{byte(i), byte(i >> 8)}))
		}
		long := b.String()
		err := db.SaveIdempotency(ctx, &orglife.IdempotencyRecord{Scope: "s", Key: long, RequestHash: "h",
			Response: []byte("{}"), CreatedAt: time.Now()})
		if code := orglife.ErrorCode(err); code != "" && code != orglife.EINVALID {
			t.Errorf("SaveIdempotency with a 3000-character key: %v", err)
		}
		if db.Dialect() == storage.Postgres && orglife.ErrorCode(err) != orglife.EINVALID {
			t.Errorf("PostgreSQL: a 3000-character key must be invalid, got %v", err)
		}
	})
}
