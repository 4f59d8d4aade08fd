package rules

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/orglife/orglife"
)

// meetingFields is the field list of the spec's meeting workflow.
func meetingFields() []*orglife.Field {
	return []*orglife.Field{
		{Name: "type", Type: orglife.TypeEnum, Values: []string{"branch_assembly", "theme_day"}},
		{Name: "held_on", Type: orglife.TypeDate},
		{Name: "topic", Type: orglife.TypeString},
		{Name: "expected", Type: orglife.TypeInt},
		{Name: "present", Type: orglife.TypeInt},
		{Name: "absentees", Type: orglife.TypeList, Items: &orglife.Field{Type: orglife.TypeObject, Fields: []*orglife.Field{
			{Name: "name", Type: orglife.TypeString},
			{Name: "reason", Type: orglife.TypeString},
		}}},
		{Name: "minutes", Type: orglife.TypeText},
		{Name: "problems", Type: orglife.TypeList, Items: &orglife.Field{Type: orglife.TypeString}},
	}
}

func shanghai(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func guardVars(s *Schema, data map[string]any, now time.Time, loc *time.Location) map[string]any {
	return map[string]any{
		VarData:     s.Value(data, loc),
		VarInstance: InstanceView{ID: "i1", State: "held"},
		VarOrg:      OrgView{ID: "b1", Kind: orglife.KindBranch},
		VarActor:    ActorView{Role: orglife.RoleBranch},
		VarNow:      now,
	}
}

func TestCompileErrors(t *testing.T) {
	env := GuardEnv(NewSchema(meetingFields()))
	tests := []struct {
		src    string
		want   Kind
		line   int
		column int
		msg    string
	}{
		{"data.presnt <= data.expected", KindBool, 1, 6, "unknown field presnt"},
		{"data.present <= data.expeced", KindBool, 1, 22, "unknown field expeced"},
		{"data.absentees[0].nmae == ''", KindBool, 1, 19, "unknown field nmae"},
		{"data.present > 0 &&\n  org.knd == 'branch'", KindBool, 2, 7, "unknown field knd"},
		{"'党支部' + data.y", KindAny, 1, 14, "unknown field y"},
		{"percent(data.present)", KindAny, 1, 1, "unknown name percent"},
		{"data.present", KindBool, 1, 1, "expected bool, but got int"},
		{"data.present <=", KindBool, 1, 15, "unexpected token EOF"},
		{"data.topic", KindList, 1, 1, "expected a list, but got string"},
		{"days('x')", KindAny, 1, 6, "cannot use string as argument (type int) to call days"},
		{"period_of(now, 'week')", KindAny, 1, 16, `unknown period kind "week" (want month, quarter, half_year or year)`},
		{"data.absentees == 1", KindBool, 1, 16, "invalid operation: == (mismatched types []object and int)"},
		{"date(1)", KindAny, 1, 6, "cannot use int as argument (type string) to call date"},
	}
	for _, tt := range tests {
		_, err := Compile(tt.src, env, tt.want)
		var ee *ExprError
		if !errors.As(err, &ee) {
			t.Errorf("%q: error %v, want an *ExprError", tt.src, err)
			continue
		}
		if ee.Line != tt.line || ee.Column != tt.column || ee.Message != tt.msg {
			t.Errorf("%q: got %d:%d: %s, want %d:%d: %s", tt.src, ee.Line, ee.Column, ee.Message, tt.line, tt.column, tt.msg)
		}
	}
}

func TestGuard(t *testing.T) {
	loc := shanghai(t)
	s := NewSchema(meetingFields())
	p, err := Compile("data.present <= data.expected", GuardEnv(s), KindBool)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2025, 3, 1, 10, 0, 0, 0, loc)
	for _, tt := range []struct {
		data map[string]any
		want bool
	}{
		{map[string]any{"present": float64(18), "expected": float64(20)}, true},
		{map[string]any{"present": 21, "expected": 20}, false},
		{map[string]any{"present": 20, "expected": 20}, true},
		{map[string]any{}, true}, // unset fields read as 0
	} {
		got, err := p.Bool(guardVars(s, tt.data, now, loc))
		if err != nil || got != tt.want {
			t.Errorf("%v: got %v, %v; want %v", tt.data, got, err, tt.want)
		}
	}
}

func TestActionData(t *testing.T) {
	loc := shanghai(t)
	s := NewSchema(meetingFields())
	env := GuardEnv(s)
	vars := guardVars(s, map[string]any{"held_on": "2025-03-10", "problems": []any{"学习不深入", "记录不全"}}, time.Now(), loc)

	due, err := Compile("data.held_on + days(90)", env, KindAny)
	if err != nil {
		t.Fatal(err)
	}
	out, err := due.Run(vars)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := out, time.Date(2025, 6, 8, 0, 0, 0, 0, loc); got != any(want) && !got.(time.Time).Equal(want) {
		t.Errorf("due = %v, want %v", got, want)
	}

	each, err := Compile("data.problems", env, KindList)
	if err != nil {
		t.Fatal(err)
	}
	if z, ok := each.ElemZero().(string); !ok || z != "" {
		t.Errorf("ElemZero = %#v, want \"\"", each.ElemZero())
	}
	list, err := each.Run(vars)
	if err != nil {
		t.Fatal(err)
	}
	if l := list.([]string); len(l) != 2 || l[0] != "学习不深入" {
		t.Errorf("for_each = %v", l)
	}
	item, err := Compile("item + '（整改）'", env.With(VarItem, each.ElemZero()), KindAny)
	if err != nil {
		t.Fatal(err)
	}
	vars[VarItem] = "记录不全"
	if out, err := item.Run(vars); err != nil || out != "记录不全（整改）" {
		t.Errorf("item = %v, %v", out, err)
	}

	objs, err := Compile("data.absentees", env, KindList)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Compile("item.name != '' && item.reason == ''", env.With(VarItem, objs.ElemZero()), KindBool); err != nil {
		t.Errorf("item of objects: %v", err)
	}
}

func TestClockFollowsNow(t *testing.T) {
	loc := shanghai(t)
	s := NewSchema(meetingFields())
	now := time.Date(2025, 3, 31, 23, 30, 0, 0, loc)
	vars := guardVars(s, nil, now, loc)
	for src, want := range map[string]any{
		"now() == now":                                    true,
		"period_of(now(), 'month')":                       "2025-03",
		"date('2025-04-01') - now()":                      30 * time.Minute,
		"date('2025-04-01').Location() == now.Location()": true,
	} {
		p, err := Compile(src, GuardEnv(s), KindAny)
		if err != nil {
			t.Errorf("%q: %v", src, err)
			continue
		}
		if got, err := p.Run(vars); err != nil || got != want {
			t.Errorf("%q = %v, %v; want %v", src, got, err, want)
		}
	}
}

func TestRunError(t *testing.T) {
	s := NewSchema(meetingFields())
	p, err := Compile("data.problems[3] == 'x'", GuardEnv(s), KindBool)
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Bool(guardVars(s, nil, time.Now(), time.UTC))
	var ee *ExprError
	if !errors.As(err, &ee) || ee.Line != 1 {
		t.Errorf("run error = %v, want an *ExprError", err)
	}
}

func TestProgramConcurrent(t *testing.T) {
	loc := shanghai(t)
	s := NewSchema(meetingFields())
	p, err := Compile("data.present * 10 >= data.expected * 7", GuardEnv(s), KindBool)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				present := (g + i) % 20
				got, err := p.Bool(guardVars(s, map[string]any{"present": present, "expected": 20}, time.Now(), loc))
				if err != nil || got != (present*10 >= 140) {
					t.Errorf("present %d: %v, %v", present, got, err)
					return
				}
			}
		})
	}
	wg.Wait()
}

func BenchmarkGuard(b *testing.B) {
	s := NewSchema(meetingFields())
	p, err := Compile("data.present <= data.expected", GuardEnv(s), KindBool)
	if err != nil {
		b.Fatal(err)
	}
	vars := guardVars(s, map[string]any{"present": 18, "expected": 20}, time.Now(), time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		if ok, err := p.Bool(vars); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}

func BenchmarkCompile(b *testing.B) {
	env := GuardEnv(NewSchema(meetingFields()))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile("any(data.absentees, .reason == '') && data.present <= data.expected", env, KindBool); err != nil {
			b.Fatal(err)
		}
	}
}
