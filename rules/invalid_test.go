package rules

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden .errors files")

// TestInvalidRuleFiles checks that each file in testdata/invalid is rejected with exactly the
// problems of its .errors file.
func TestInvalidRuleFiles(t *testing.T) {
	files, err := filepath.Glob("testdata/invalid/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatal("no test files", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			name := filepath.ToSlash(file)
			rs, ps := ParseRuleFiles(map[string][]byte{name: src}, packCollections())
			if rs != nil || len(ps) == 0 {
				t.Fatal("accepted")
			}
			got := ps.Error() + "\n"
			golden := strings.TrimSuffix(file, ".yaml") + ".errors"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("got:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

func TestDuplicateAcrossFiles(t *testing.T) {
	a := "rules:\n  - id: one\n    every: month\n    require: \"true\"\n    message: x\n"
	_, ps := ParseRuleFiles(map[string][]byte{"a.yaml": []byte(a), "b.yaml": []byte(a)}, packCollections())
	if got, want := ps.Error(), `b.yaml:2:9: duplicate rule id "one" (also in a.yaml:2)`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
