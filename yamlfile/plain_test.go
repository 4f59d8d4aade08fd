package yamlfile

import (
	"fmt"
	"reflect"
	"testing"
)

func TestPlainAndAt(t *testing.T) {
	src := `n: 3
big: 99999999999999999999
f: 2.5
b: false
q: "7"
none: ~
list: [a, {name: x, tags: [p, q]}]
m: {k: v, k: w}
`
	root, ps := Parse("f.yaml", []byte(src))
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	want := map[string]any{
		"n": int64(3), "big": "99999999999999999999", "f": 2.5, "b": false, "q": "7", "none": nil,
		"list": []any{"a", map[string]any{"name": "x", "tags": []any{"p", "q"}}},
		"m":    map[string]any{"k": "w"},
	}
	if got := root.Plain(); !reflect.DeepEqual(got, want) {
		t.Errorf("Plain:\n got %#v\nwant %#v", got, want)
	}
	for path, at := range map[string]string{
		"n":               "1:4",
		"list[1].name":    "7:18",
		"list[1].tags[1]": "7:31",
		"list[5].name":    "7:7",
		"list[1].nope":    "7:11",
		"nope.x":          "1:1",
		"n[0]":            "1:4",
	} {
		n := root.At(path)
		if got := fmt.Sprintf("%d:%d", n.Line, n.Column); got != at {
			t.Errorf("At(%q) at %s, want %s", path, got, at)
		}
	}
}
