package packtest

import (
	"fmt"
	"testing"
	"time"
)

// FuzzTestFile: decoding (and running) one pack test file against the example pack never
// panics or hangs; problems are positioned in the file.
func FuzzTestFile(f *testing.F) {
	f.Add([]byte(broken))
	f.Add([]byte("- name: [x\n"))
	f.Add([]byte("cases:\n  - name: a\n    as_of: 2025-02-20\n    orgs: [{id: b1, kind: branch, parent: p}]\n    members: [{id: m1, org: b1}]\n"))
	set, rs := loadPack(f)
	loc := time.FixedZone("CST", 8*3600)
	f.Fuzz(func(t *testing.T, src []byte) {
		defer time.AfterFunc(5*time.Second, func() { panic(fmt.Sprintf("hang on %q", src)) }).Stop()
		res := RunFiles(map[string][]byte{"t.yaml": src}, set, rs, Options{Loc: loc})
		for _, p := range res.Problems {
			if p.File != "t.yaml" || p.Line < 1 || p.Column < 1 {
				t.Fatalf("bad position: %v", p)
			}
		}
	})
}
