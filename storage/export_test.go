package storage

import (
	"context"
	"math"

	"github.com/orglife/orglife"
)

// SaveLedgerValues is SaveLedger with bun's multi-row VALUES on every database (the path before
// unnest), for benchmarks that compare the two.
func (d *DB) SaveLedgerValues(ctx context.Context, rows []*orglife.LedgerRow, changes []orglife.LedgerChange) error {
	return d.saveLedger(ctx, rows, changes, math.MaxInt)
}
