package rules

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/orglife/orglife"
)

func TestExpressionBudgets(t *testing.T) {
	loc := shanghai(t)
	s := NewSchema(meetingFields())
	env := GuardEnv(s)
	vars := guardVars(s, map[string]any{"topic": "学习", "problems": []any{"甲", "乙"}}, time.Date(2025, 3, 1, 0, 0, 0, 0, loc), loc)
	tests := []struct {
		src     string
		want    any    // the result when it runs
		failure string // a part of the run-time error otherwise
	}{
		{src: "repeat('ab', 3)", want: "ababab"},
		{src: "'党' + '课'", want: "党课"},
		{src: "data.topic + '会'", want: "学习会"},
		{src: "join(data.problems, '；')", want: "甲；乙"},
		{src: "replace('a-b-c', '-', '+')", want: "a+b+c"},
		{src: "reduce(data.problems, #acc + #, '')", want: "甲乙"},
		{src: "reduce(1..3, #acc + #, 0)", want: 6},
		{src: "len(repeat(repeat('x', 999999), 999999)) > 0", failure: "more than the budget of 1048576 bytes"},
		{src: "len(reduce(1..64, #acc + #acc, 'x')) > 0", failure: "budget"},
		{src: "len(reduce(1..64, #acc + #acc + '', data.topic)) > 0", failure: "budget"},
		{src: "len(map(1..1000, repeat('x', 100000))) > 0", failure: "memory budget exceeded"},
		{src: "len(map(1..1000, 'x' + repeat('x', 100000))) > 0", failure: "memory budget exceeded"},
		{src: "len(join(map(1..200000, 'xxxxxxxxxx'), ',')) > 0", failure: "more than the budget"},
		{src: "len(replace(repeat('x', 1000), '', repeat('y', 2000))) > 0", failure: "more than the budget"},
		{src: "len(map(1..10000000, #)) > 0", failure: "memory budget exceeded"},
	}
	for _, tt := range tests {
		p, err := Compile(tt.src, env, KindAny)
		if err != nil {
			t.Errorf("%s: compile: %v", tt.src, err)
			continue
		}
		start := time.Now()
		out, err := p.Run(vars)
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%s: ran for %v", tt.src, d)
		}
		switch {
		case tt.failure != "" && (err == nil || !strings.Contains(err.Error(), tt.failure)):
			t.Errorf("%s: got %v, %v; want an error with %q", tt.src, out, err, tt.failure)
		case tt.failure == "" && err != nil:
			t.Errorf("%s: %v", tt.src, err)
		case tt.failure == "" && out != tt.want:
			t.Errorf("%s = %#v, want %#v", tt.src, out, tt.want)
		}
	}
}

func TestUnboundedBuiltinsAreRemoved(t *testing.T) {
	env := GuardEnv(NewSchema(meetingFields()))
	for _, src := range []string{"toJSON(data)", "toBase64(data.topic)"} {
		if _, err := Compile(src, env, KindAny); err == nil || !strings.Contains(err.Error(), "unknown name") {
			t.Errorf("%s: err = %v, want unknown name", src, err)
		}
	}
}

func TestRuleSetBudget(t *testing.T) {
	var b strings.Builder
	b.WriteString("rules:\n")
	for i := range MaxRules + 5 {
		fmt.Fprintf(&b, "  - {id: r%d, title: t, every: month, require: \"true\", message: m}\n", i)
	}
	_, ps := ParseRuleFiles(map[string][]byte{"many.yaml": []byte(b.String())}, nil)
	if len(ps) != 1 || ps[0].Line != MaxRules+2 || !strings.Contains(ps[0].Message, "at most 1000 rules") {
		t.Fatalf("problems = %v", ps)
	}
}

func TestStepBudget(t *testing.T) {
	loc := shanghai(t)
	s := NewSchema(meetingFields())
	problems := make([]any, 2000)
	for i := range problems {
		problems[i] = "问题"
	}
	vars := guardVars(s, map[string]any{"problems": problems}, time.Date(2025, 3, 1, 0, 0, 0, 0, loc), loc)
	for src, fails := range map[string]bool{
		"all(data.problems, all(data.problems, all(data.problems, # != '')))": true,
		"count(data.problems, # != '') == 2000":                               false,
		"all(data.problems, any(data.problems, # == '问题'))":                   false,
	} {
		p, err := Compile(src, GuardEnv(s), KindBool)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		out, err := p.Run(vars)
		if took := time.Since(start); took > 2*time.Second {
			t.Errorf("%s ran for %v", src, took)
		}
		if fails != (err != nil && strings.Contains(err.Error(), "memory budget exceeded")) {
			t.Errorf("%s = %v, %v", src, out, err)
		}
	}
}

// TestBlownRuleRunsOncePerOrg: after one run of a rule blows its budget, its other rows for the
// org are errors without running again, and the other rules are judged as usual.
func TestBlownRuleRunsOncePerOrg(t *testing.T) {
	loc := sh(t)
	rs := ruleSet(t, `rules:
  - id: loops
    title: 十亿次循环
    every: month
    require: "all(1..1000, all(1..1000, all(1..1000, # > 0)))"
    message: m
  - id: fine
    title: 正常
    every: month
    require: "true"
    message: m
`)
	asOf := at(t, "2025-12-31T10:00:00+08:00")
	start := time.Now()
	rows := rs.EvaluateOrg(&OrgInput{Org: branch(), Records: map[string][]*Record{}}, EvalParams{AsOf: asOf,
		From: time.Date(2024, 1, 1, 0, 0, 0, 0, loc), To: asOf, Loc: loc})
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("24 months of a blown rule took %v", took)
	}
	for _, r := range rows {
		want := orglife.StatusError
		if r.Rule == "fine" {
			want = orglife.StatusCompliant
		}
		if r.Status != want || (r.Rule == "loops" && !strings.Contains(r.Explanation.Text, "memory budget exceeded")) {
			t.Fatalf("%s %s: %s %s", r.Rule, r.PeriodKey(), r.Status, r.Explanation.Text)
		}
	}
	if len(rows) != 48 {
		t.Fatalf("%d rows, want 48", len(rows))
	}
}
