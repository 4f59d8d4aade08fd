package workflows

import (
	"os"
	"strings"
	"testing"
	"time"
)

// TestDataMessagesNameTitles: what a secretary reads about record data is Chinese and names the
// field by its title from the workflow (nested fields and list elements too), never the key.
func TestDataMessagesNameTitles(t *testing.T) {
	set, ps := Load(os.DirFS("../examples/party-branch"), "workflows", "")
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	def, ok := set.Get("meeting")
	if !ok {
		t.Fatal("no meeting workflow")
	}
	_, details := def.NormalizeData(map[string]any{
		"held_on":   "3月10日",
		"type":      "meeting",
		"absentees": []any{map[string]any{"name": 7}},
	}, time.UTC)
	got := map[string]string{}
	for _, d := range details {
		got[d.Field] = d.Message
	}
	for field, want := range map[string]string{
		"held_on":           "「日期」须为日期，格式为 YYYY-MM-DD（如 2025-03-10）",
		"absentees[0].name": "「缺席人员第1项的姓名」须为文字",
	} {
		if got[field] != want {
			t.Errorf("%s: %q, want %q", field, got[field], want)
		}
	}
	if m := got["type"]; !strings.HasPrefix(m, "「类型」须为以下之一：支部党员大会（branch_assembly）、支委会（committee）") {
		t.Errorf("type: %q", m)
	}
	missing := def.MissingRequired(map[string]any{"type": "theme_day", "held_on": "2025-03-10"}, nil)
	if len(missing) == 0 || missing[0].Field != "topic" || missing[0].Message != "「议题」"+RequiredSuffix {
		t.Errorf("missing: %+v", missing)
	}
	for _, d := range append(details, missing...) {
		if strings.Contains(d.Message, "must") || strings.Contains(d.Message, "required") {
			t.Errorf("English in %+v", d)
		}
	}
}
