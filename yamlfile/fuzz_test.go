package yamlfile

import (
	"bytes"
	"fmt"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzParse: Parse never panics, refuses or accepts every input quickly, and the precheck's
// depth estimate bounds the depth of the tree the YAML library builds (see the check).
func FuzzParse(f *testing.F) {
	f.Add([]byte(sample))
	f.Add([]byte("a: &x [1, 2]\nb: *x\nc: *y\n"))
	f.Add([]byte("- - - [{a: [b, {c: d}]}]\n"))
	f.Add([]byte("a: |\n  [[[\n b: '[[' # ]]\n"))
	f.Add([]byte("\xef\xbb\xbfa: \xc8\xfd\xbb\xe1\n"))
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
		if est > 2*DefaultMaxDepth {
			return // refused anyway; parsing it unchecked would only be slow
		}
		tree, _ := Limits{MaxDepth: 1 << 30}.withDefaults().parse("f.yaml", body)
		// The estimate is at least the depth of well-formed YAML; on malformed text goccy nests
		// a little more in places (a dedent past the first column), which is harmless as long as
		// it stays bounded: the converter refuses such trees past MaxDepth anyway.
		if d := treeDepth(tree, map[*Node]int{}); d > 2*est+4 {
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
