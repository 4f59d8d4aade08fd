package storage

import (
	"context"
	"math"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/engine"
)

// SaveLedgerValues is SaveLedger with bun's multi-row VALUES on every database (the path before
// unnest), for benchmarks that compare the two.
func (d *DB) SaveLedgerValues(ctx context.Context, rows []*orglife.LedgerRow, changes []engine.LedgerChange) error {
	return d.saveLedger(ctx, rows, changes, math.MaxInt)
}
