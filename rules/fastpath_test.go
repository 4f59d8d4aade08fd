package rules

import (
	"fmt"
	"math/rand"
	"testing"
	"time"
	"unsafe"

	"github.com/orglife/orglife"
)

// fastCols are the collections of the fast-path tests: a string, an enum, a text, an int field.
func fastCols() []Collection {
	enum := &orglife.Field{Name: "kind", Type: orglife.TypeEnum, Values: []string{"a", "b", "c"}}
	return []Collection{
		{Name: "ms", Workflow: "m", Fields: []*orglife.Field{f("type", orglife.TypeString), enum,
			f("note", orglife.TypeText), f("n", orglife.TypeInt)}},
		{Name: "ps", Workflow: "p", Fields: []*orglife.Field{f("state", orglife.TypeString)}}, // shadows the extra field
	}
}

// fastShapes are expressions that have a fast form.
var fastShapes = func() []string {
	var out []string
	for _, op := range comparisons {
		for _, n := range []int{0, 1, 2, 3} {
			out = append(out,
				fmt.Sprintf("count(ms, .type == 'a') %s %d", op, n),
				fmt.Sprintf("count(all_ms, 'b' == .kind) %s %d", op, n),
				fmt.Sprintf("count(ms, .note != '') %s %d", op, n),
				fmt.Sprintf("%d %s count(ms, .kind == 'c')", n, op),
				fmt.Sprintf("len(ms) %s %d", op, n),
				fmt.Sprintf("%d %s len(all_ps)", n, op))
		}
	}
	return append(out,
		"any(ms, .type == 'a')", "any(ms, .type == '')", "any(ms, .kind != 'a')", "any(all_ms, 'x' == .note)",
		"any(ms, .state == 'done')", "any(ms, .id == 'r1')", "any(ps, .state == 'open')", "any(ps, #.state == '')",
		"count(ms, .type == 'é会') >= 1", "(count(ms, .type == 'a') >= 1)")
}()

// slowShapes compile but must run on expr.
var slowShapes = []string{
	"count(ms, .n == 1) >= 1", "count(ms, .type == 'a') >= -1", "count(ms, .type == 'a') >= 1.0",
	"any(ms, .type == 'a' && .n > 0)", "count(ms, .type == 'a') >= 1 && len(ms) > 0", "all(ms, .type == 'a')",
	"count(ms, .type == .kind) >= 1", "any(ms, .type in ['a'])", "count(ms) >= 0", "len(members) > 0",
	"count(ms, .type == 'a') > len(ms)", "any(ms, lower(.type) == 'a')",
}

// TestFastPathEquivalence runs every fast shape on the fast path and on expr over random
// collections (empty ones, unset fields included) and requires identical results.
func TestFastPathEquivalence(t *testing.T) {
	loc := time.UTC
	es := newEnvSet(fastCols())
	var progs []*Program
	for _, src := range fastShapes {
		for _, env := range []struct {
			name string
			p    *Program
		}{{"org", mustCompileIn(t, src, es, true)}, {"member", mustCompileIn(t, src, es, false)}} {
			if env.p.fastB == nil || env.p.fastEnv == nil {
				t.Fatalf("%s (%s): no fast path", src, env.name)
			}
			progs = append(progs, env.p)
		}
	}
	for _, src := range []string{"count(ms, .type == 'a')", "count(all_ms, 'b' == .kind)", "count(ps, .state != '')",
		"len(ms)", "len(all_ps)"} { // int sides, as the explanation runs them
		p, err := compileIn(src, es.org, KindAny)
		if err != nil || p.fastI == nil {
			t.Fatalf("%s: no fast path (%v)", src, err)
		}
		progs = append(progs, p)
	}
	for _, src := range slowShapes {
		p := mustCompileIn(t, src, es, true)
		if p.fastB != nil || p.fastI != nil {
			t.Fatalf("%s: unexpected fast path", src)
		}
	}
	rng := rand.New(rand.NewSource(1))
	vals := []any{nil, "", "a", "b", "c", "x", "é会", 3}
	pick := func() any { return vals[rng.Intn(len(vals))] }
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, loc)
	records := func(wf string, n int) []*Record {
		var out []*Record
		for i := 0; i < n; i++ {
			data := map[string]any{}
			for _, k := range []string{"type", "kind", "note", "state"} {
				if v := pick(); v != nil {
					data[k] = v
				}
			}
			if rng.Intn(2) == 0 {
				data["n"] = rng.Intn(3)
			}
			states := []string{"", "open", "done"}
			out = append(out, &Record{ID: fmt.Sprintf("r%d", i), Workflow: wf, Complete: rng.Intn(5) > 0,
				State: states[rng.Intn(3)], OccursOn: base.AddDate(0, 0, rng.Intn(40)), RecordedAt: base.AddDate(0, 0, rng.Intn(60)), Data: data})
		}
		return out
	}
	org, member := newFrame(es.org, es.collOff), newFrame(es.member, es.collOff)
	checked := 0
	for round := 0; round < 300; round++ {
		var sets [4][]unsafe.Pointer
		for ci, c := range es.cols {
			cd := es.recs[ci].convert(records(c.Workflow, rng.Intn(7)), loc)
			lo, hi := cd.bounds(base, base.AddDate(0, 0, 31))
			sets[2*ci], sets[2*ci+1] = cd.byDue(lo, hi, base.AddDate(0, 0, 20+rng.Intn(30))), cd.ptrs
		}
		for _, fr := range []*frame{org, member} {
			for k, s := range sets {
				fr.setColl(k, s)
			}
			for _, p := range progs {
				if p.fastEnv != fr.val.Type() {
					continue
				}
				want, werr := p.runEnv(fr.env)
				got, gerr := p.runFrame(fr)
				if fmt.Sprint(want, werr) != fmt.Sprint(got, gerr) {
					t.Fatalf("%s: expr %v %v, fast %v %v", p.Source, want, werr, got, gerr)
				}
				if p.want == KindBool {
					wb, _ := p.boolEnv(fr.env)
					gb, _ := p.boolFrame(fr)
					if wb != gb {
						t.Fatalf("%s: boolEnv %v, boolFrame %v", p.Source, wb, gb)
					}
				}
				checked++
			}
		}
	}
	if checked == 0 {
		t.Fatal("nothing checked")
	}

	// A nil record pointer is left to expr (whatever it makes of it).
	org.setColl(0, []unsafe.Pointer{nil})
	for _, p := range progs {
		if p.fastEnv != es.org {
			continue
		}
		want, werr := p.runEnv(org.env)
		got, gerr := p.runFrame(org)
		if fmt.Sprint(want, werr) != fmt.Sprint(got, gerr) {
			t.Fatalf("%s on a nil record: expr %v %v, fast %v %v", p.Source, want, werr, got, gerr)
		}
	}
}

// TestFastPathPack checks that the pack's count rules run on the fast path (what BenchmarkRule
// measures) and that a program compiled for another environment is not run on it.
func TestFastPathPack(t *testing.T) {
	rs := loadPack(t)
	r := rs.Rule("theme_day_monthly")
	if r == nil || r.require.fastB == nil {
		t.Fatal("theme_day_monthly: require has no fast path")
	}
	if len(r.clauses) != 1 || r.clauses[0].holds.fastB == nil || r.clauses[0].left.fastI == nil || r.clauses[0].matched.fastI == nil {
		t.Fatal("theme_day_monthly: explanation has no fast path")
	}
	es := newEnvSet(fastCols())
	other := newFrame(es.org, es.collOff)
	if other.val.Type() == r.require.fastEnv {
		t.Fatal("distinct rule sets share an environment type")
	}
}

func mustCompileIn(t *testing.T, src string, es *envSet, org bool) *Program {
	t.Helper()
	env := es.member
	if org {
		env = es.org
	}
	p, err := compileIn(src, env, KindBool)
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	return p
}
