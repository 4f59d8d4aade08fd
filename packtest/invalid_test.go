package packtest

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the .errors golden files")

// TestInvalid runs every file of testdata/invalid against the example pack and compares its
// problems, sorted, with the file's .errors golden file: every line is file:line:column: message.
func TestInvalid(t *testing.T) {
	set, rs := loadPack(t)
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
			name := filepath.ToSlash(file)
			res := RunFiles(map[string][]byte{name: src}, set, rs, Options{})
			var b strings.Builder
			for _, p := range res.Problems {
				if p.File != name || p.Line < 1 || p.Column < 1 {
					t.Errorf("bad position: %v", p)
				}
				b.WriteString(p.String() + "\n")
			}
			got := b.String()
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
		})
	}
}
