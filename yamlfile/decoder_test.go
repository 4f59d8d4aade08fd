package yamlfile

import (
	"math"
	"regexp"
	"strings"
	"testing"
	"time"
)

const decoderSample = `s: text
n: 12
f: 1.5
neg: -3
b: true
date: 2025-03-01
bad_date: 2025-02-30
at: 2025-03-01T10:00:00+08:00
list: [a, b, [c], ~]
map: {a: 1, b: 2, a: 3}
empty:
`

// TestDecoderAccessors: each accessor returns the value it reads, reports a value of the wrong
// kind or form at the value in the one message style, and is silent about an absent value.
func TestDecoderAccessors(t *testing.T) {
	root, ps := Parse("f.yaml", []byte(decoderSample))
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	shanghai := time.FixedZone("CST", 8*3600)
	name := regexp.MustCompile(`^[a-z]+$`)
	tests := []struct {
		name string
		read func(d *Decoder) any
		want any
		msgs string
	}{
		{"text", func(d *Decoder) any { s, _ := d.Text(root.Get("s"), "s"); return s }, "text", ""},
		{"text of a number", func(d *Decoder) any { s, _ := d.Text(root.Get("n"), "n"); return s }, "12", ""},
		{"text of a list", func(d *Decoder) any { _, ok := d.Text(root.Get("list"), "x: list"); return ok }, false,
			"f.yaml:9:7: x: list: must be a string, not a list"},
		{"text of null", func(d *Decoder) any { _, ok := d.Text(root.Get("empty"), "empty"); return ok }, false,
			"f.yaml:11:8: empty: must be a string, not null"},
		{"absent", func(d *Decoder) any { _, ok := d.Text(root.Get("nope"), "nope"); return ok }, false, ""},
		{"present", func(d *Decoder) any {
			return root.Present("empty") == nil && root.Present("nope") == nil && root.Present("s") != nil
		}, true, ""},
		{"texts", func(d *Decoder) any { v, _ := d.Texts(root.Get("list"), "list", nil); return strings.Join(v, ",") }, "a,b",
			"f.yaml:9:14: list: must be a string, not a list\nf.yaml:9:19: list: must be a string, not null"},
		{"texts, allowed", func(d *Decoder) any {
			v, _ := d.Texts(root.Get("list"), "list", []string{"b"})
			return strings.Join(v, ",")
		}, "b", `f.yaml:9:8: list: invalid value "a" (want b)` + "\nf.yaml:9:14: list: must be a string, not a list\nf.yaml:9:19: list: must be a string, not null"},
		{"list of a mapping", func(d *Decoder) any { return len(d.List(root.Get("map"), "map")) }, 0,
			"f.yaml:10:6: map: must be a list, not a mapping"},
		{"map", func(d *Decoder) any { return d.Map(root.Get("map"), "map", []string{"a"}) }, true,
			`f.yaml:10:13: map: unknown key "b"` + "\n" + `f.yaml:10:19: map: duplicate key "a"`},
		{"map of a scalar", func(d *Decoder) any { return d.Map(root.Get("s"), "", nil) }, false, "f.yaml:1:4: must be a mapping, not a scalar"},
		{"required", func(d *Decoder) any {
			return d.Required(root, "empty", "top") == nil && d.Required(root, "s", "top") != nil
		}, true,
			`f.yaml:1:1: top: missing "empty"`},
		{"bool", func(d *Decoder) any { b, _ := d.Bool(root.Get("b"), "b"); return b }, true, ""},
		{"bool of a string", func(d *Decoder) any { _, ok := d.Bool(root.Get("s"), "s"); return ok }, false, "f.yaml:1:4: s: must be true or false"},
		{"int", func(d *Decoder) any { v, _ := d.Int(root.Get("n"), "n", 0, 12); return v }, 12, ""},
		{"int out of range", func(d *Decoder) any { _, ok := d.Int(root.Get("n"), "n", 0, 10); return ok }, false,
			"f.yaml:2:4: n: must be a whole number from 0 to 10"},
		{"int below", func(d *Decoder) any { _, ok := d.Int(root.Get("neg"), "neg", 0, math.MaxInt); return ok }, false,
			"f.yaml:4:6: neg: must be a whole number of at least 0"},
		{"int of a decimal", func(d *Decoder) any { _, ok := d.Int(root.Get("f"), "f", 0, 10); return ok }, false,
			"f.yaml:3:4: f: must be a whole number from 0 to 10"},
		{"number", func(d *Decoder) any { v, _ := d.Number(root.Get("f"), "f"); return v }, 1.5, ""},
		{"number of a string", func(d *Decoder) any { _, ok := d.Number(root.Get("s"), "s"); return ok }, false, "f.yaml:1:4: s: must be a number"},
		{"one of", func(d *Decoder) any { s, _ := d.OneOf(root.Get("s"), "s", []string{"text", "other"}); return s }, "text", ""},
		{"one of, not", func(d *Decoder) any { _, ok := d.OneOf(root.Get("s"), "s", []string{"a", "b", "c"}); return ok }, false,
			`f.yaml:1:4: s: invalid value "text" (want a, b or c)`},
		{"name", func(d *Decoder) any { _, ok := d.Name(root.Get("date"), "date", name); return ok }, false,
			`f.yaml:6:7: date: invalid name "2025-03-01" (must match ^[a-z]+$)`},
		{"date", func(d *Decoder) any {
			v, _ := d.Date(root.Get("date"), "date", shanghai)
			return v.Format(time.RFC3339)
		}, "2025-03-01T00:00:00+08:00", ""},
		{"bad date", func(d *Decoder) any { _, ok := d.Date(root.Get("bad_date"), "bad_date", time.UTC); return ok }, false,
			`f.yaml:7:11: bad_date: invalid date "2025-02-30" (want YYYY-MM-DD)`},
		{"instant", func(d *Decoder) any {
			v, _ := d.Instant(root.Get("at"), "at", nil)
			return v.UTC().Format(time.RFC3339)
		}, "2025-03-01T02:00:00Z", ""},
		{"instant, not a date", func(d *Decoder) any { _, ok := d.Instant(root.Get("date"), "date", nil); return ok }, false,
			`f.yaml:6:7: date: invalid timestamp "2025-03-01" (want RFC 3339, like 2025-03-01T10:00:00+08:00)`},
		{"instant or date", func(d *Decoder) any {
			v, _ := d.Instant(root.Get("date"), "date", shanghai)
			return v.UTC().Format(time.RFC3339)
		}, "2025-02-28T16:00:00Z", ""},
		{"neither", func(d *Decoder) any { _, ok := d.Instant(root.Get("s"), "s", shanghai); return ok }, false,
			`f.yaml:1:4: s: invalid timestamp "text" (want RFC 3339, like 2025-03-01T10:00:00+08:00, or a date, like 2025-03-01)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &Decoder{}
			got := tt.read(d)
			if got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
			d.Problems.Sort()
			var msgs []string
			for _, p := range d.Problems {
				msgs = append(msgs, p.String())
			}
			if m := strings.Join(msgs, "\n"); m != tt.msgs {
				t.Errorf("problems:\n%s\nwant:\n%s", m, tt.msgs)
			}
		})
	}
}

func TestPathAndAlternatives(t *testing.T) {
	if got := Path("", `event "x"`, "", "from"); got != `event "x": from` {
		t.Errorf("Path: %q", got)
	}
	for values, want := range map[string]string{"": "", "a": "a", "a b": "a or b", "a b c": "a, b or c"} {
		if got := Alternatives(strings.Fields(values)); got != want {
			t.Errorf("Alternatives(%q) = %q, want %q", values, got, want)
		}
	}
}
