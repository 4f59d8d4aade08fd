package yamlfile

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
	"unicode/utf8"
)

// addFiles adds the YAML files matching the glob patterns as seeds.
func addFiles(f *testing.F, patterns ...string) {
	f.Helper()
	for _, p := range patterns {
		files, _ := filepath.Glob(p)
		for _, file := range files {
			src, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(src)
		}
	}
}

// FuzzParse: Parse never panics, refuses or accepts every input quickly, and the precheck's
// depth estimate is never below the depth of the tree the YAML library builds.
func FuzzParse(f *testing.F) {
	f.Add([]byte(sample))
	f.Add([]byte("a: &x [1, 2]\nb: *x\nc: *y\n"))
	f.Add([]byte("- - - [{a: [b, {c: d}]}]\n"))
	f.Add([]byte("a: |\n  [[[\n b: '[[' # ]]\n"))
	f.Add([]byte("\xef\xbb\xbfa: \xc8\xfd\xbb\xe1\n"))
	addFiles(f, "../examples/party-branch/*/*.yaml", "../workflows/testdata/*/*.yaml", "../rules/testdata/*/*.yaml")
	f.Fuzz(func(t *testing.T, src []byte) {
		defer time.AfterFunc(5*time.Second, func() { panic(fmt.Sprintf("hang on %q", src)) }).Stop()
		n, ps := Parse("f.yaml", src)
		if n == nil && len(ps) == 0 {
			t.Fatal("no node and no problem")
		}
		for _, p := range ps {
			if p.Line < 1 || p.Column < 1 || p.File != "f.yaml" {
				t.Fatalf("bad position: %v", p)
			}
		}
		body := bytes.TrimPrefix(src, bom)
		if !utf8.Valid(body) || len(body) > DefaultMaxBytes {
			return
		}
		_, est, _ := depthScan(body, 1<<30)
		tree, _ := Limits{MaxDepth: 1 << 30}.withDefaults().parse("f.yaml", body)
		if d := treeDepth(tree, map[*Node]int{}); d > est {
			t.Fatalf("depth %d, estimated %d", d, est)
		}
	})
}

// treeDepth is the nesting depth of mappings and sequences (aliases shared, so memoized).
func treeDepth(n *Node, memo map[*Node]int) int {
	if n == nil || n.Kind == KindScalar || n.Kind == KindNull {
		return 0
	}
	if d, ok := memo[n]; ok {
		return d
	}
	memo[n] = 0
	d := 0
	for _, e := range n.Entries {
		d = max(d, treeDepth(e.Key, memo), treeDepth(e.Value, memo))
	}
	for _, it := range n.Items {
		d = max(d, treeDepth(it, memo))
	}
	memo[n] = d + 1
	return d + 1
}
