package rules

import (
	"testing"
	"time"
)

func TestHelpersInExpressions(t *testing.T) {
	loc := shanghai(t)
	s := NewSchema(meetingFields())
	vars := guardVars(s, map[string]any{"held_on": "2025-01-31", "minutes": "学习了党章，讨论了发展党员工作。"}, time.Date(2025, 3, 31, 16, 0, 0, 0, time.UTC).In(loc), loc)
	for src, want := range map[string]any{
		"days(2)": 48 * time.Hour,
		"data.held_on + days(90) == date('2025-05-01')":      true,
		"add_months(data.held_on, 1) == date('2025-02-28')":  true,
		"add_months(data.held_on, -2) == date('2024-11-30')": true,
		"working_days(data.held_on, date('2025-02-07'))":     5,
		"similarity(data.minutes, data.minutes)":             1.0,
		"similarity(data.minutes, '') == 0":                  true,
		"period_of(data.held_on, 'quarter')":                 "2025-Q1",
		"period_of(now, 'month')":                            "2025-04",
		"period_of(now, 'half_year')":                        "2025-H1",
		"period_of(now, 'year')":                             "2025",
	} {
		p, err := Compile(src, GuardEnv(s), KindAny)
		if err != nil {
			t.Errorf("%q: %v", src, err)
			continue
		}
		if got, err := p.Run(vars); err != nil || got != want {
			t.Errorf("%q = %v (%T), %v; want %v", src, got, got, err, want)
		}
	}
}

func TestHelpersUseDeploymentZone(t *testing.T) {
	loc := shanghai(t)
	s := NewSchema(meetingFields())
	vars := guardVars(s, nil, time.Date(2025, 4, 1, 9, 0, 0, 0, loc), loc)
	// Times from storage may be in UTC: the helpers still read them in the zone of `now`.
	vars[VarInstance] = InstanceView{CreatedAt: time.Date(2025, 3, 31, 16, 0, 0, 0, time.UTC)}
	for src, want := range map[string]any{
		"period_of(instance.created_at, 'month')":               "2025-04",
		"working_days(instance.created_at, date('2025-04-02'))": 1, // 1 April (Tuesday) → 2 April
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
	// Without `now` in the environment the helpers use the zone of their argument.
	p, err := Compile("period_of(t, 'month')", Env{"t": time.Time{}}, KindAny)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := p.Run(map[string]any{"t": time.Date(2025, 3, 31, 16, 0, 0, 0, time.UTC)}); err != nil || got != "2025-03" {
		t.Errorf("without now: %v, %v", got, err)
	}
	_, err = Compile("period_of(now, 1)", GuardEnv(s), KindAny)
	if err == nil || err.Error() != "1:16: cannot use int as argument (type string) to call period_of" {
		t.Errorf("period_of(now, 1): %v", err)
	}
}

func TestHelperSignatures(t *testing.T) {
	env := GuardEnv(NewSchema(meetingFields()))
	for _, src := range []string{
		"days(data.held_on)",
		"add_months(1, 2)",
		"working_days(data.held_on)",
		"similarity(data.minutes, 3)",
		"period_of('2025-01-01', 'month')",
		"period_of(now, 'fortnight')",
	} {
		if _, err := Compile(src, env, KindAny); err == nil {
			t.Errorf("%q compiled, want an error", src)
		}
	}
}

func TestAddMonths(t *testing.T) {
	loc := shanghai(t)
	d := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 9, 30, 0, 0, loc) }
	for _, tt := range []struct {
		t    time.Time
		n    int
		want time.Time
	}{
		{d(2025, 1, 15), 1, d(2025, 2, 15)},
		{d(2025, 1, 31), 1, d(2025, 2, 28)},
		{d(2024, 1, 31), 1, d(2024, 2, 29)},
		{d(2025, 3, 31), -1, d(2025, 2, 28)},
		{d(2025, 11, 30), 3, d(2026, 2, 28)},
		{d(2025, 5, 31), 12, d(2026, 5, 31)},
		{d(2025, 5, 31), 0, d(2025, 5, 31)},
	} {
		if got := AddMonths(tt.t, tt.n); !got.Equal(tt.want) {
			t.Errorf("AddMonths(%v, %d) = %v, want %v", tt.t, tt.n, got, tt.want)
		}
	}
}

func TestWorkingDays(t *testing.T) {
	loc := shanghai(t)
	d := func(m time.Month, day int) time.Time { return time.Date(2025, m, day, 0, 0, 0, 0, loc) }
	// 2025-03-07 is a Friday.
	for _, tt := range []struct {
		a, b time.Time
		want int
	}{
		{d(3, 7), d(3, 7), 0},
		{d(3, 7), d(3, 8), 0},                      // Saturday
		{d(3, 7), d(3, 10), 1},                     // Monday
		{d(3, 7), d(3, 14), 5},                     // a week
		{d(3, 3), d(3, 31), 20},                    // Monday to Monday four weeks on
		{d(3, 8), d(3, 9), 0},                      // Saturday to Sunday
		{d(3, 14), d(3, 7), -5},                    // backwards
		{d(3, 7), d(3, 10).Add(23 * time.Hour), 1}, // times of day ignored
		{d(1, 1), time.Date(2025, 12, 31, 0, 0, 0, 0, loc), 260},
	} {
		if got := WorkingDays(tt.a, tt.b, loc); got != tt.want {
			t.Errorf("WorkingDays(%v, %v) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
	// Brute force over a span that crosses the epoch.
	start := time.Date(1969, 12, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 60; i++ {
		a := start.AddDate(0, 0, i)
		n := 0
		for j := 1; j < 40; j++ {
			b := a.AddDate(0, 0, j)
			if wd := b.Weekday(); wd != time.Saturday && wd != time.Sunday {
				n++
			}
			if got := WorkingDays(a, b, time.UTC); got != n {
				t.Fatalf("WorkingDays(%v, %v) = %d, want %d", a, b, got, n)
			}
		}
	}
}

func TestSimilarity(t *testing.T) {
	a := "认真学习贯彻党的二十大精神，结合支部实际开展讨论。"
	for _, tt := range []struct {
		a, b     string
		min, max float64
	}{
		{a, a, 1, 1},
		{"", "", 1, 1},
		{a, "", 0, 0},
		{"党", "党", 1, 1},
		{"党", "团", 0, 0},
		{"学习党章", "学习 党章。", 1, 1}, // spaces and punctuation ignored
		{"学习党章", "讨论发展", 0, 0},
		{a, "认真学习贯彻党的二十大精神，结合支部实际开展了讨论。", 0.85, 0.99},
		{"abcd", "ABCD", 1, 1},
		{"aaab", "aab", 0.79, 0.81}, // bigrams counted as multisets: {aa,aa,ab} vs {aa,ab}: 2·2/5
	} {
		got := Similarity(tt.a, tt.b)
		if got < tt.min || got > tt.max {
			t.Errorf("Similarity(%q, %q) = %v, want in [%v, %v]", tt.a, tt.b, got, tt.min, tt.max)
		}
		if back := Similarity(tt.b, tt.a); back != got {
			t.Errorf("Similarity is not symmetric for %q, %q", tt.a, tt.b)
		}
	}
}

func BenchmarkSimilarity(b *testing.B) {
	x := "认真学习贯彻党的二十大精神，结合支部实际开展讨论，查找问题，明确整改措施和时限。"
	y := "认真学习贯彻党的二十大精神，结合本支部实际开展讨论，查找差距，明确整改措施。"
	b.ReportAllocs()
	for b.Loop() {
		Similarity(x, y)
	}
}
