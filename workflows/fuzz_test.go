package workflows

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzWorkflowFile: parsing and validating one workflow file (with the valid pack, for
// references) never panics or hangs; an accepted definition builds its state machine, its
// diagrams and normalizes a sample of data without panicking.
func FuzzWorkflowFile(f *testing.F) {
	f.Add([]byte("id: w\nfields: {a: {type: list, items: {type: object, fields: {b: {type: enum, values: [x]}}}}}\nstates: {s: {complete: true}, t: {final: true}}\ninitial: s\nevents: [{name: go, from: [s], to: t, by: [branch], guard: \"data.a != nil\"}]\n"))
	var valid []*Definition
	files, _ := filepath.Glob("testdata/valid/*.yaml")
	for _, file := range files {
		src, _ := os.ReadFile(file)
		d, ps := Parse(file, src)
		if len(ps) > 0 {
			f.Fatal(ps)
		}
		valid = append(valid, d)
	}
	loc := time.FixedZone("CST", 8*3600)
	samples := []map[string]any{
		{"type": "theme_day", "held_on": "2025-01-05", "present": 3, "expected": 5.0, "topic": "学习", "problems": []any{"a", "b"}},
		{"x": map[string]any{"y": []any{1, "2", nil}}, "due_on": "2025-13-45", "name": nil},
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		defer time.AfterFunc(5*time.Second, func() { panic(fmt.Sprintf("hang on %q", src)) }).Stop()
		d, ps := Parse("w.yaml", src)
		if d == nil {
			if len(ps) == 0 {
				t.Fatal("no definition and no problem")
			}
			return
		}
		defs := []*Definition{d}
		for _, v := range valid {
			if v.ID != d.ID {
				defs = append(defs, v)
			}
		}
		if set, _ := NewSet(defs); set != nil {
			_ = set.List()
		}
		_, _ = d.Mermaid(), d.Dot()
		for _, s := range d.States {
			for _, e := range d.EventsFrom(s.ID) {
				d.Transition(s.ID, e.Name)
			}
		}
		for _, data := range samples {
			d.NormalizeData(data, loc)
		}
	})
}
