package yamlfile

import (
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"
)

func TestLimits(t *testing.T) {
	gbk, err := simplifiedchinese.GBK.NewEncoder().String("id: meeting\ntitle: 三会一课\n")
	if err != nil {
		t.Fatal(err)
	}
	deepFlow := strings.Repeat("[", 65)
	deepMap := strings.Repeat("{a: ", 65)
	var block strings.Builder
	for i := range 65 {
		block.WriteString(strings.Repeat(" ", i) + "k:\n")
	}
	mixed := "a:\n  b:\n    - - - " + strings.Repeat("[{x: ", 30) + "\n"
	laughs := "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
	for i, prev := 0, "a"; i < 6; i++ {
		name := string(rune('b' + i))
		laughs += name + ": &" + name + " [" + strings.Repeat("*"+prev+", ", 9) + "*" + prev + "]\n"
		prev = name
	}
	tests := []struct {
		name, src, want string
	}{
		{"size", strings.Repeat("# comment line\n", 80000), "f.yaml:69906:2: YAML file larger than 1048576 bytes (1 MiB)"},
		{"gbk", gbk, "f.yaml:2:8: " + msgGBK},
		{"latin1", "a: caf\xe9 cr\xe8me \xff\xfe\n", "f.yaml:1:7: " + msgNotUTF8},
		{"flow", deepFlow, "f.yaml:1:65: YAML nesting deeper than 64 levels"},
		{"flow map", deepMap, "f.yaml:1:257: YAML nesting deeper than 64 levels"},
		{"block", block.String(), "f.yaml:65:65: YAML nesting deeper than 64 levels"},
		{"dashes", strings.Repeat("- ", 65) + "x\n", "f.yaml:1:129: YAML nesting deeper than 64 levels"},
		{"mixed", mixed, "f.yaml:3:157: YAML nesting deeper than 64 levels"},
		{"laughs", laughs, "f.yaml:5:36: YAML document larger than 100000 nodes (aliases count as copies of their anchors)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, ps := Parse("f.yaml", []byte(tt.src))
			if n != nil || len(ps) != 1 || ps[0].String() != tt.want {
				t.Errorf("got %v %v\nwant %s", n, ps, tt.want)
			}
		})
	}
}

func TestLimitsAccept(t *testing.T) {
	var block strings.Builder
	for i := range 60 {
		block.WriteString(strings.Repeat(" ", i) + "k:\n")
	}
	ok := []string{
		"\xef\xbb\xbfid: meeting\n",
		strings.Repeat("[", 60) + strings.Repeat("]", 60),
		block.String(),
		// Brackets in quotes and comments, and many flow keys, do not nest.
		"a: '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[['\n",
		"# [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n",
		"a: |\n  [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n",
		"a: {" + strings.Repeat("k: v, ", 100) + "z: 1}\n",
		strings.Repeat("a:\n- x\n- y: 1\n  z: 2\n- - 1\n  - {b: [1, 2]}\n", 100),
	}
	for _, src := range ok {
		n, ps := Parse("f.yaml", []byte(src))
		if n == nil || len(ps) != 0 {
			t.Errorf("%.40q: %v", src, ps)
		}
	}
	n, _ := Parse("f.yaml", []byte(ok[0]))
	if n.Entries[0].Key.Value != "id" || n.Entries[0].Key.Column != 1 {
		t.Errorf("BOM: %+v", n.Entries[0].Key)
	}
}

// TestDeepFast: the 100 KB file of the issue, 50 000 levels deep, is refused at once.
func TestDeepFast(t *testing.T) {
	for _, src := range []string{strings.Repeat("[", 50000), strings.Repeat("- ", 50000), strings.Repeat("{a: ", 25000)} {
		start := time.Now()
		n, ps := Parse("f.yaml", []byte(src))
		if n != nil || len(ps) != 1 || !strings.Contains(ps[0].Message, "nesting deeper than 64") {
			t.Errorf("got %v", ps)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("took %v", d)
		}
	}
}

func TestLimitsConfigured(t *testing.T) {
	l := Limits{MaxBytes: 12, MaxDepth: 2, MaxNodes: 4}
	if _, ps := l.Parse("f.yaml", []byte("a: [b]\n")); len(ps) != 0 {
		t.Fatal(ps)
	}
	for src, want := range map[string]string{
		"a: [b, c, d, e]\n": "f.yaml:1:13: YAML file larger than 12 bytes (12 bytes)",
		"[[[x]]]":           "f.yaml:1:3: YAML nesting deeper than 2 levels",
		"[a, b, c, d]":      "f.yaml:1:11: YAML document larger than 4 nodes (aliases count as copies of their anchors)",
	} {
		_, ps := l.Parse("f.yaml", []byte(src))
		if len(ps) != 1 || ps[0].String() != want {
			t.Errorf("%q: got %v, want %s", src, ps, want)
		}
	}
}
