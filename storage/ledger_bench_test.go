package storage_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/storage"
	"github.com/orglife/orglife/storage/storagetest"
)

// BenchmarkSaveLedger writes 5 000 ledger rows with their timeline rows in one SaveLedger, into
// an empty ledger (insert) and over the same keys with new content (update), with bun's multi-row
// VALUES and with unnest (PostgreSQL; SQLite always uses VALUES):
//
//	ORGLIFE_TEST_POSTGRES=postgres://... go test ./storage -run '^$' -bench SaveLedger -benchtime 10x
func BenchmarkSaveLedger(b *testing.B) {
	const n = 5000
	for name, db := range storagetest.Databases(b) {
		ctx := context.Background()
		if err := db.CreateOrg(ctx, newOrg("a", nil)); err != nil {
			b.Fatal(err)
		}
		rows := make([]*orglife.LedgerRow, n)
		changes := make([]orglife.LedgerChange, n)
		for i := range rows {
			p := fmt.Sprintf("2025-%02d", i%12+1)
			rows[i] = ledgerRow("a", fmt.Sprintf("r.%03d", i%40), fmt.Sprintf("s%04d", i/12), &p, orglife.StatusCompliant)
			rows[i].Evidence = []string{"01JB0000000000000000000001", "01JB0000000000000000000002", "01JB0000000000000000000003"}
			changes[i] = orglife.LedgerChange{Rule: rows[i].Rule, SubjectID: rows[i].SubjectID, Period: p, OrgID: "a", To: orglife.StatusCompliant, RuleVersion: "rv1", At: t0}
		}
		paths := map[string]func(context.Context, []*orglife.LedgerRow, []orglife.LedgerChange) error{"values": db.SaveLedgerValues}
		if db.Dialect() == storage.Postgres {
			paths["unnest"] = db.SaveLedger
		}
		for path, save := range paths {
			b.Run(name+"/"+path+"/insert", func(b *testing.B) {
				for b.Loop() {
					b.StopTimer()
					if _, err := db.Bun().NewRaw("DELETE FROM ledger").Exec(ctx); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
					if err := save(ctx, rows, changes); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run(name+"/"+path+"/update", func(b *testing.B) {
				k := 0
				for b.Loop() {
					k++
					for _, r := range rows {
						r.Digest = fmt.Sprint(k)
					}
					if err := save(ctx, rows, changes); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
