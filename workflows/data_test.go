package workflows

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/orglife/orglife"
)

func mustLoad(t testing.TB) *Set {
	t.Helper()
	s, ps := Load(os.DirFS("testdata"), "valid", "")
	if len(ps) > 0 {
		t.Fatal(ps.Error())
	}
	return s
}

func def(t testing.TB, id string) *Definition {
	t.Helper()
	d, ok := mustLoad(t).Get(id)
	if !ok {
		t.Fatalf("no workflow %q", id)
	}
	return d
}

func jsonData(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestNormalizeData(t *testing.T) {
	m := def(t, "meeting")
	shanghai := time.FixedZone("CST", 8*3600)
	tests := []struct {
		name    string
		in      string
		want    string
		details []orglife.Detail
	}{
		{"ok", `{"type":"theme_day","held_on":"2025-03-10","topic":"学习","expected":10,"present":9.0,"minutes":null}`,
			`{"expected":10,"held_on":"2025-03-10","minutes":null,"present":9,"topic":"学习","type":"theme_day"}`, nil},
		{"list of objects", `{"absentees":[{"name":"张三","reason":"出差"},{"name":"李四"}],"problems":["a","b"]}`,
			`{"absentees":[{"name":"张三","reason":"出差"},{"name":"李四"}],"problems":["a","b"]}`, nil},
		{"bad values", `{"type":"party","held_on":"2025-3-10","topic":"x","expected":1.5,"present":-1,"minutes":7,"nope":1}`,
			`{}`, []orglife.Detail{
				{Field: "expected", Message: "「expected」须为整数"},
				{Field: "held_on", Message: "「日期」须为日期，格式为 YYYY-MM-DD（如 2025-03-10）"},
				{Field: "minutes", Message: "「minutes」须为文字"},
				{Field: "nope", Message: "「nope」不是本表的栏目"},
				{Field: "present", Message: "「present」不能小于0"},
				{Field: "topic", Message: "「topic」至少2个字"},
				{Field: "type", Message: "「类型」须为以下之一：branch_assembly、committee、group、lecture、theme_day、org_life"},
			}},
		{"nested", `{"absentees":[{"name":"张三"},{"reason":1,"age":3},"x"],"problems":"a"}`,
			`{}`, []orglife.Detail{
				{Field: "absentees[1].age", Message: "「absentees第2项的age」不是本表的栏目"},
				{Field: "absentees[1].reason", Message: "「absentees第2项的reason」须为文字"},
				{Field: "absentees[2]", Message: "「absentees第3项」格式不对（须为一组栏目）"},
				{Field: "problems", Message: "「problems」须为列表"},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, details := m.NormalizeData(jsonData(t, tt.in), shanghai)
			if !reflect.DeepEqual(details, tt.details) {
				t.Errorf("details: got %+v, want %+v", details, tt.details)
			}
			if len(tt.details) > 0 {
				return
			}
			b, _ := json.Marshal(out)
			if string(b) != tt.want {
				t.Errorf("got %s, want %s", b, tt.want)
			}
			if _, ok := out["present"].(int); tt.name == "ok" && !ok {
				t.Errorf("present is %T, want int", out["present"])
			}
		})
	}
}

func TestNormalizeTimes(t *testing.T) {
	shanghai := time.FixedZone("CST", 8*3600)
	d := &Definition{Fields: []*orglife.Field{{Name: "on", Type: orglife.TypeDate}, {Name: "at", Type: orglife.TypeDatetime}, {Name: "n", Type: orglife.TypeNumber}, {Name: "b", Type: orglife.TypeBool}}}
	at := time.Date(2025, 3, 31, 20, 0, 0, 0, time.UTC) // 04:00 on 1 April in Shanghai
	out, details := d.NormalizeData(map[string]any{"on": at, "at": "2025-03-31T20:00:00Z", "n": 2, "b": true}, shanghai)
	if len(details) > 0 {
		t.Fatal(details)
	}
	want := map[string]any{"on": "2025-04-01", "at": "2025-04-01T04:00:00+08:00", "n": 2.0, "b": true}
	if !reflect.DeepEqual(out, want) {
		t.Errorf("got %v, want %v", out, want)
	}
	d.OccursOn = "at"
	if got := d.OccursOnDate(out); got != "2025-04-01" {
		t.Errorf("OccursOnDate: %q", got)
	}
	_, details = d.NormalizeData(map[string]any{"at": "2025-03-31", "b": "yes"}, shanghai)
	if len(details) != 2 || details[0].Field != "at" || details[1].Field != "b" {
		t.Errorf("details: %+v", details)
	}
}

func TestMissingRequired(t *testing.T) {
	m := def(t, "meeting")
	data := jsonData(t, `{"type":"theme_day","held_on":"","expected":3,"absentees":[{"reason":"病假"},{"name":"李四"},{"name":""}]}`)
	got := m.MissingRequired(data, []string{"minutes", "expected", "present"})
	want := []orglife.Detail{
		{Field: "held_on", Message: "「日期」为必填项"},
		{Field: "topic", Message: "「topic」为必填项"},
		{Field: "present", Message: "「present」为必填项"},
		{Field: "absentees[0].name", Message: "「absentees第1项的name」为必填项"},
		{Field: "absentees[2].name", Message: "「absentees第3项的name」为必填项"},
		{Field: "minutes", Message: "「minutes」为必填项"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	full := jsonData(t, `{"type":"theme_day","held_on":"2025-01-01","topic":"ab","expected":3,"present":3,"minutes":"m"}`)
	if got := m.MissingRequired(full, m.Event("record").Require); len(got) != 0 {
		t.Errorf("complete data: %+v", got)
	}
}

func TestUniqueKeyAndOccursOn(t *testing.T) {
	m := def(t, "meeting")
	data := map[string]any{"type": "theme_day", "held_on": "2025-03-10"}
	if k := m.UniqueKey(data); k == nil || *k != `["theme_day","2025-03-10"]` {
		t.Errorf("UniqueKey: %v", k)
	}
	if got := m.OccursOnDate(data); got != "2025-03-10" {
		t.Errorf("OccursOnDate: %q", got)
	}
	r := def(t, "rectification")
	if r.UniqueKey(data) != nil || r.OccursOnDate(data) != "" {
		t.Error("rectification has no unique key and no occurs_on")
	}
	if got := m.OccursOnDate(map[string]any{}); got != "" {
		t.Errorf("unset: %q", got)
	}
}

func TestNormalizeDataDefaultBudgets(t *testing.T) {
	m := def(t, "meeting")
	problems := make([]any, DefaultMaxItems+1)
	for i := range problems {
		problems[i] = "问题"
	}
	long := make([]rune, DefaultMaxStringLength+1)
	for i := range long {
		long[i] = '长'
	}
	_, details := m.NormalizeData(map[string]any{"problems": problems, "topic": string(long)}, nil)
	want := []orglife.Detail{
		{Field: "problems", Message: "「problems」至多100项（系统默认上限，工作流可用 max_items 调整）"},
		{Field: "topic", Message: "「topic」至多2000个字（系统默认上限，工作流可用 max_length 调整）"},
	}
	if !reflect.DeepEqual(details, want) {
		t.Fatalf("details = %#v, want %#v", details, want)
	}
	if _, details := m.NormalizeData(map[string]any{"problems": problems[:DefaultMaxItems]}, nil); len(details) > 0 {
		t.Fatalf("a list at the limit is refused: %v", details)
	}
}

func TestMaxItemsOverridesTheDefault(t *testing.T) {
	src := []byte(`id: w
fields:
  items: {type: list, items: {type: string}, max_items: 3}
  text: {type: text, max_items: 3}
states: {a: {}, b: {final: true}}
initial: a
events: [{name: go, from: [a], to: b, by: [branch]}]
`)
	_, problems := Parse("w.yaml", src)
	if len(problems) != 1 || problems[0].Message != `field "text": max_items does not apply to type text` {
		t.Fatalf("problems = %v", problems)
	}
	d, problems := Parse("w.yaml", []byte(`id: w
fields:
  items: {type: list, items: {type: string}, max_items: 3}
states: {a: {}, b: {final: true}}
initial: a
events: [{name: go, from: [a], to: b, by: [branch]}]
`))
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	_, details := d.NormalizeData(map[string]any{"items": []any{"a", "b", "c", "d"}}, nil)
	if len(details) != 1 || details[0].Message != "「items」至多3项" {
		t.Fatalf("details = %v", details)
	}
}

func TestEnumLabels(t *testing.T) {
	d, problems := Parse("w.yaml", []byte(`id: w
fields:
  kind: {type: enum, values: [a, b], labels: {a: 甲, c: 丙}}
  n: {type: int, labels: {a: 甲}}
states: {s: {}, e: {final: true}}
initial: s
events: [{name: go, from: [s], to: e, by: [branch]}]
`))
	if d != nil || len(problems) != 2 || !strings.Contains(problems[0].Message, `"c" is not one of the values`) ||
		!strings.Contains(problems[1].Message, "labels apply only to type enum") {
		t.Fatalf("problems = %v", problems)
	}
	d, problems = Parse("w.yaml", []byte(`id: w
fields:
  kind: {type: enum, values: [a, b], labels: {a: 甲}}
states: {s: {}, e: {final: true}}
initial: s
events: [{name: go, from: [s], to: e, by: [branch]}]
`))
	if len(problems) > 0 || d.Fields[0].Labels["a"] != "甲" {
		t.Fatalf("labels: %v %v", problems, d)
	}
}
