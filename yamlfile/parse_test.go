package yamlfile

import (
	"testing"
)

const sample = `id: meeting
empty:
q: 'it''s x'
d: "a\"b"
i: 12
f: 1.5
b: true
m: {a: 1, b: [x, y]}
lit: |
  data.x +
    foo
seq:
  - name: x
  - 中文: z
id: again
`

func TestParseTree(t *testing.T) {
	n, ps := Parse("f.yaml", []byte(sample))
	if len(ps) != 0 {
		t.Fatal(ps)
	}
	if n.Kind != KindMap || n.Line != 1 || n.Column != 1 || len(n.Entries) != 11 {
		t.Fatalf("root: %+v", n)
	}
	tests := []struct {
		key        string
		kind       Kind
		line, col  int
		value, tag string
		style      Style
	}{
		{"id", KindScalar, 1, 5, "meeting", TagStr, StylePlain},
		{"empty", KindNull, 2, 7, "", TagNull, StylePlain},
		{"q", KindScalar, 3, 4, "it's x", TagStr, StyleSingleQuoted},
		{"d", KindScalar, 4, 4, `a"b`, TagStr, StyleDoubleQuoted},
		{"i", KindScalar, 5, 4, "12", TagInt, StylePlain},
		{"f", KindScalar, 6, 4, "1.5", TagFloat, StylePlain},
		{"b", KindScalar, 7, 4, "true", TagBool, StylePlain},
		{"m", KindMap, 8, 4, "", "", StylePlain},
		{"lit", KindScalar, 9, 6, "data.x +\n  foo\n", TagStr, StyleLiteral},
		{"seq", KindSeq, 13, 3, "", "", StylePlain},
	}
	for _, tt := range tests {
		v := n.Get(tt.key)
		if v == nil || v.Kind != tt.kind || v.Line != tt.line || v.Column != tt.col || v.Value != tt.value || v.Tag != tt.tag || v.Style != tt.style {
			t.Errorf("%s: got %+v", tt.key, v)
		}
	}
	if i, ok := n.Get("i").Int(); !ok || i != 12 {
		t.Errorf("Int: %d %v", i, ok)
	}
	if f, ok := n.Get("f").Float(); !ok || f != 1.5 {
		t.Errorf("Float: %v %v", f, ok)
	}
	if b, ok := n.Get("b").Bool(); !ok || !b {
		t.Errorf("Bool: %v %v", b, ok)
	}
	if _, ok := n.Get("q").Int(); ok {
		t.Errorf("quoted scalar read as int")
	}
	m := n.Get("m")
	if b := m.Get("b"); b.Kind != KindSeq || len(b.Items) != 2 || b.Items[1].Value != "y" || b.Items[1].Column != 18 {
		t.Errorf("flow seq: %+v", b)
	}
	seq := n.Get("seq")
	if k := seq.Items[1].Entries[0].Key; k.Value != "中文" || k.Line != 14 || k.Column != 5 {
		t.Errorf("rune columns: %+v", k)
	}
	if got := n.CheckKeys("", []string{"id", "empty", "q", "d", "i", "f", "b", "m", "lit", "seq"}).Error(); got != `f.yaml:15:1: duplicate key "id"` {
		t.Errorf("CheckKeys: %q", got)
	}
	if got := n.CheckKeys("top", []string{"id"}); len(got) != 10 || got[1].String() != `f.yaml:2:1: top: unknown key "empty"` {
		t.Errorf("CheckKeys: %v", got)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{"a: [b\n", "f.yaml:1:4: yaml: sequence end token ']' not found"},
		{"a: b\n c: d\n", "f.yaml:1:4: yaml: mapping value is not allowed in this context"},
		{"a: *nope\n", ""},
		{"a: 1\n---\nb: 2\n", "f.yaml:3:2: only one YAML document is allowed"},
	}
	for _, tt := range tests {
		_, ps := Parse("f.yaml", []byte(tt.src))
		if tt.want == "" {
			if len(ps) == 0 {
				t.Errorf("%q: no problem", tt.src)
			}
			continue
		}
		if ps.Error() != tt.want {
			t.Errorf("%q: got %q, want %q", tt.src, ps.Error(), tt.want)
		}
	}
	n, ps := Parse("e.yaml", nil)
	if len(ps) != 0 || n.Kind != KindNull || n.Line != 1 {
		t.Errorf("empty: %+v %v", n, ps)
	}
}

func TestAnchors(t *testing.T) {
	n, ps := Parse("f.yaml", []byte("a: &x {k: v}\nb: *x\n"))
	if len(ps) != 0 {
		t.Fatal(ps)
	}
	if n.Get("b").Get("k").Value != "v" {
		t.Errorf("alias not resolved: %+v", n.Get("b"))
	}
}

func TestPos(t *testing.T) {
	src := "plain: data.x > 1\n" +
		"single: 'it''s data.y'\n" +
		`double: "a\"b\u00e9 data.z"` + "\n" +
		"中文: '中文 x'\n" +
		"lit: |\n" +
		"    first\n" +
		"    second x\n" +
		"fold: >\n" +
		"  one\n" +
		"  two\n"
	n, ps := Parse("f.yaml", []byte(src))
	if len(ps) != 0 {
		t.Fatal(ps)
	}
	tests := []struct {
		key            string
		el, ec, wl, wc int
	}{
		{"plain", 1, 1, 1, 8},
		{"plain", 1, 3, 1, 10},
		{"single", 1, 1, 2, 10},
		{"single", 1, 6, 2, 16}, // after the doubled quote: "s" of "s data"
		{"double", 1, 3, 3, 13}, // "b" after \"
		{"double", 1, 5, 3, 20}, // space after \u00e9
		{"中文", 1, 4, 4, 9},      // "x"
		{"lit", 2, 8, 7, 12},
		{"lit", 1, 1, 6, 5},
		{"fold", 1, 2, 9, 4},
	}
	for _, tt := range tests {
		l, c := n.Get(tt.key).Pos(tt.el, tt.ec)
		if l != tt.wl || c != tt.wc {
			t.Errorf("%s Pos(%d,%d) = %d:%d, want %d:%d", tt.key, tt.el, tt.ec, l, c, tt.wl, tt.wc)
		}
	}
}
