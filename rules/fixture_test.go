package rules

import (
	"os"
	"testing"
	"time"

	"github.com/orglife/orglife"
)

func f(name, typ string) *orglife.Field { return &orglife.Field{Name: name, Type: typ} }

// packCollections are the collections of the conformance pack's workflows.
func packCollections() []Collection {
	return []Collection{
		{Name: "meetings", Workflow: "meeting", Fields: meetingFields()},
		{Name: "plans", Workflow: "plan", Fields: []*orglife.Field{f("year", orglife.TypeInt), f("content", orglife.TypeText)}},
		{Name: "elections", Workflow: "election", Fields: []*orglife.Field{f("held_on", orglife.TypeDate)}},
		{Name: "rectifications", Workflow: "rectification", Fields: []*orglife.Field{f("problem", orglife.TypeString),
			f("due_on", orglife.TypeDate), f("owner", orglife.TypeString), f("measure", orglife.TypeText)}},
		{Name: "talks", Workflow: "talk", Fields: []*orglife.Field{f("held_on", orglife.TypeDate), f("participants", orglife.TypeList)}},
		{Name: "logs", Workflow: "log", Fields: []*orglife.Field{f("at", orglife.TypeDatetime)}},
	}
}

func loadPack(t testing.TB) *RuleSet {
	t.Helper()
	rs, ps := LoadRules(os.DirFS("testdata"), "conformance", "rules", packCollections())
	if len(ps) > 0 {
		t.Fatalf("problems:\n%v", ps)
	}
	return rs
}

func ruleSet(t testing.TB, src string) *RuleSet {
	t.Helper()
	rs, ps := ParseRuleFiles(map[string][]byte{"r.yaml": []byte(src)}, packCollections())
	if len(ps) > 0 {
		t.Fatalf("problems:\n%v", ps)
	}
	return rs
}

func at(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
