package workflows

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orglife/orglife"
)

var update = flag.Bool("update", false, "rewrite the .errors golden files")

// validDefs parses the conformance pack's workflows, named as in a pack directory.
func validDefs(t *testing.T) []*Definition {
	t.Helper()
	files, _ := filepath.Glob("testdata/valid/*.yaml")
	var defs []*Definition
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		d, ps := Parse("pack/workflows/"+filepath.Base(f), src)
		if len(ps) > 0 {
			t.Fatalf("%s:\n%s", f, ps.Error())
		}
		defs = append(defs, d)
	}
	return defs
}

// TestInvalid checks every file of testdata/invalid, loaded together with the valid pack, against
// its .errors golden file: the exact problem lines, sorted.
func TestInvalid(t *testing.T) {
	valid := validDefs(t)
	files, _ := filepath.Glob("testdata/invalid/*.yaml")
	if len(files) < 10 {
		t.Fatalf("only %d invalid files", len(files))
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			d, ps := parse(file, src)
			if d != nil {
				_, sps := NewSet(append(append([]*Definition(nil), valid...), d))
				ps = append(ps, sps...)
			}
			ps.Sort()
			got := problemLines(ps)
			golden := strings.TrimSuffix(file, ".yaml") + ".errors"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("problems differ\n--- got\n%s--- want\n%s", got, want)
			}
			if got == "" {
				t.Error("no problems")
			}
			if def, ps2 := Parse(file, src); def != nil && len(ps2) == 0 && !strings.Contains(got, file) {
				t.Error("Parse accepted the file but no problem names it")
			}
		})
	}
}

func problemLines(ps orglife.Problems) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString(p.String())
		b.WriteByte('\n')
	}
	return b.String()
}
