package storagetest

import (
	"context"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"github.com/orglife/orglife/storage"
)

// Statements counts the SQL statements a database sends while it is on (a bun query hook on the
// database's pool, every transaction of it included), so that a test outside storage can assert
// that a use case costs a constant number of statements.
type Statements struct {
	mu   sync.Mutex
	on   bool
	sent []string
}

// CountStatements registers a Statements hook on db, which must not be bound to a transaction.
func CountStatements(t testing.TB, db *storage.DB) *Statements {
	t.Helper()
	root, ok := db.Bun().(*bun.DB)
	if !ok {
		t.Fatal("storagetest: CountStatements needs a DB that is not bound to a transaction")
	}
	c := &Statements{}
	root.AddQueryHook(c)
	return c
}

// BeforeQuery implements bun.QueryHook.
func (c *Statements) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context { return ctx }

// AfterQuery implements bun.QueryHook: it records the statement (its first 90 bytes).
func (c *Statements) AfterQuery(_ context.Context, e *bun.QueryEvent) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.on {
		q := e.Query
		if len(q) > 90 {
			q = q[:90] + "…"
		}
		c.sent = append(c.sent, q)
	}
}

// During runs fn and returns the statements sent meanwhile.
func (c *Statements) During(fn func()) []string {
	c.mu.Lock()
	c.on, c.sent = true, nil
	c.mu.Unlock()
	fn()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.on = false
	return c.sent
}
