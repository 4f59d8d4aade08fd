package compliance_test

import (
	"strings"
	"testing"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/compliance"
	"github.com/orglife/orglife/engine"
)

// shortThemeDay records a 主题党日 of b on 2025-02-21 at 10:00 with short minutes and returns
// its meeting and the open shallow violation (theme_day_monthly, minutes_too_short) it opened.
func (w *world) shortThemeDay(t *testing.T) (*orglife.Instance, *orglife.Violation) {
	t.Helper()
	w.clock.set(t, "2025-02-21T10:00:00+08:00")
	m := w.themeDay(t, brB, "b", "2025-02-21")
	w.record(t, brB, m.ID, shortMinutes)
	v := w.mustViolation(t, "theme_day_monthly", "b", "2025-02", orglife.KindShallow, "minutes_too_short")
	if v.Status != orglife.ViolationOpen {
		t.Fatalf("shallow violation: %s", v.Status)
	}
	return m, v
}

// TestDecisionsSurviveClearing: a violation that clears and returns comes back in the status a
// person left it in (acknowledged with its note; waived while the waiver runs, open after it
// expired), and its history keeps every step with actor, time and note.
func TestDecisionsSurviveClearing(t *testing.T) {
	const rule, check = "theme_day_monthly", "minutes_too_short"
	short := func(t *testing.T, w *world) (*orglife.Instance, *orglife.Violation) { return w.shortThemeDay(t) }
	fire := func(t *testing.T, w *world, a orglife.Actor, id, event, minutes string) {
		t.Helper()
		p := engine.FireParams{InstanceID: id, Event: event, Comment: "请补充"}
		if minutes != "" {
			p.Data = map[string]any{"minutes": minutes}
		}
		if _, err := w.svc.Fire(w.ctx, a, p); err != nil {
			t.Fatalf("%s: %v", event, err)
		}
	}
	// clearAndReturn returns the meeting at 11:00 (the condition goes: cleared) and records short
	// minutes again at `back` (the condition returns); it checks the cleared state in between.
	clearAndReturn := func(t *testing.T, w *world, m *orglife.Instance, left, back string) *orglife.Violation {
		t.Helper()
		w.clock.set(t, "2025-02-21T11:00:00+08:00")
		fire(t, w, supG, m.ID, "return", "")
		v := w.mustViolation(t, rule, "b", "2025-02", orglife.KindShallow, check)
		if v.Status != orglife.ViolationResolved || resolution(v) != orglife.ResolutionCleared || v.ClearedFrom != left {
			t.Fatalf("after return: %s %s cleared from %q, want cleared from %s", v.Status, resolution(v), v.ClearedFrom, left)
		}
		w.clock.set(t, back)
		fire(t, w, brB, m.ID, "record", shortMinutes)
		v = w.mustViolation(t, rule, "b", "2025-02", orglife.KindShallow, check)
		if v.Resolution != nil || v.ClearedFrom != "" {
			t.Fatalf("returned violation: resolution %s, cleared from %q", resolution(v), v.ClearedFrom)
		}
		return v
	}
	type step struct{ from, to, actor, note, at string }
	checkHistory := func(t *testing.T, v *orglife.Violation, want []step) {
		t.Helper()
		if len(v.History) != len(want) {
			t.Fatalf("history %q, want %d steps", historyPath(v), len(want))
		}
		for i, s := range want {
			h := v.History[i]
			if h.From != s.from || h.To != s.to || h.Actor != s.actor || !strings.Contains(h.Note, s.note) || !h.At.Equal(instant(t, s.at)) {
				t.Errorf("history[%d] = %+v, want %+v", i, h, s)
			}
		}
	}

	t.Run("acknowledged", func(t *testing.T) {
		packWorld(t, func(t *testing.T, w *world) {
			m, v := short(t, w)
			w.clock.set(t, "2025-02-21T10:30:00+08:00")
			if _, err := w.chk.Decide(w.ctx, supG, v.ID, compliance.DecideAcknowledge, compliance.DecideParams{Note: "已提醒支部补充记录"}); err != nil {
				t.Fatal(err)
			}
			v = clearAndReturn(t, w, m, orglife.ViolationAcknowledged, "2025-02-21T12:00:00+08:00")
			if v.Status != orglife.ViolationAcknowledged {
				t.Fatalf("returned as %s, want acknowledged (%q)", v.Status, historyPath(v))
			}
			checkHistory(t, v, []step{
				{"", "open", "orglife", "评估发现问题，已开启", "2025-02-21T10:00:00+08:00"},
				{"open", "acknowledged", supG.Name, "已提醒支部补充记录", "2025-02-21T10:30:00+08:00"},
				{"acknowledged", "resolved", "orglife", "问题已不存在，自动解决", "2025-02-21T11:00:00+08:00"},
				{"resolved", "acknowledged", "orglife", "问题再次出现，仍为已知悉", "2025-02-21T12:00:00+08:00"},
			})
			// Still a decision a supervisor can build on: it can be waived or resolved.
			if _, err := w.chk.Decide(w.ctx, supG, v.ID, compliance.DecideResolve, compliance.DecideParams{Note: "已整改"}); err != nil {
				t.Fatal(err)
			}
		})
	})

	t.Run("waived within the waiver", func(t *testing.T) {
		packWorld(t, func(t *testing.T, w *world) {
			m, v := short(t, w)
			// A date: the waiver runs through 2025-02-28, local time.
			expires := instant(t, "2025-03-01T00:00:00+08:00")
			if _, err := w.chk.Decide(w.ctx, supG, v.ID, compliance.DecideWaive, compliance.DecideParams{Reason: "书记外出学习", ExpiresAt: "2025-02-28"}); err != nil {
				t.Fatal(err)
			}
			v = clearAndReturn(t, w, m, orglife.ViolationWaived, "2025-02-21T12:00:00+08:00")
			if v.Status != orglife.ViolationWaived || v.Waiver == nil || !v.Waiver.ExpiresAt.Equal(expires) {
				t.Fatalf("returned as %s (%q), waiver %+v; want waived", v.Status, historyPath(v), v.Waiver)
			}
			checkHistory(t, v, []step{
				{"", "open", "orglife", "评估发现问题，已开启", "2025-02-21T10:00:00+08:00"},
				{"open", "waived", supG.Name, "书记外出学习", "2025-02-21T10:00:00+08:00"},
				{"waived", "resolved", "orglife", "问题已不存在，自动解决", "2025-02-21T11:00:00+08:00"},
				{"resolved", "waived", "orglife", "问题再次出现，豁免有效至2025年2月28日，仍为已豁免", "2025-02-21T12:00:00+08:00"},
			})
			// When the waiver runs out, the next evaluation opens it as for any waiver.
			w.clock.set(t, "2025-03-02T09:00:00+08:00")
			w.evaluate(t, "2025-02-01", "2025-02-28")
			v = w.mustViolation(t, rule, "b", "2025-02", orglife.KindShallow, check)
			if v.Status != orglife.ViolationOpen || !strings.HasSuffix(historyPath(v), "resolved>waived waived>open") {
				t.Fatalf("after the waiver: %s %q", v.Status, historyPath(v))
			}
		})
	})

	t.Run("waiver expired before the return", func(t *testing.T) {
		packWorld(t, func(t *testing.T, w *world) {
			m, v := short(t, w)
			if _, err := w.chk.Decide(w.ctx, supG, v.ID, compliance.DecideWaive, compliance.DecideParams{Reason: "当日补充", ExpiresAt: "2025-02-21T18:00:00+08:00"}); err != nil {
				t.Fatal(err)
			}
			v = clearAndReturn(t, w, m, orglife.ViolationWaived, "2025-02-22T09:00:00+08:00")
			if v.Status != orglife.ViolationOpen {
				t.Fatalf("returned as %s (%q), want open", v.Status, historyPath(v))
			}
			checkHistory(t, v, []step{
				{"", "open", "orglife", "评估发现问题，已开启", "2025-02-21T10:00:00+08:00"},
				{"open", "waived", supG.Name, "当日补充", "2025-02-21T10:00:00+08:00"},
				{"waived", "resolved", "orglife", "问题已不存在，自动解决", "2025-02-21T11:00:00+08:00"},
				{"resolved", "open", "orglife", "问题再次出现，豁免已于2025年2月21日 18:00期满，重新开启", "2025-02-22T09:00:00+08:00"},
			})
		})
	})

	t.Run("manual resolve stays final", func(t *testing.T) {
		packWorld(t, func(t *testing.T, w *world) {
			m, v := short(t, w)
			if _, err := w.chk.Decide(w.ctx, supG, v.ID, compliance.DecideResolve, compliance.DecideParams{Note: "已核实"}); err != nil {
				t.Fatal(err)
			}
			w.clock.set(t, "2025-02-21T11:00:00+08:00")
			fire(t, w, supG, m.ID, "return", "")
			w.clock.set(t, "2025-02-21T12:00:00+08:00")
			fire(t, w, brB, m.ID, "record", shortMinutes)
			v = w.mustViolation(t, rule, "b", "2025-02", orglife.KindShallow, check)
			if v.Status != orglife.ViolationResolved || resolution(v) != orglife.ResolutionManual || historyPath(v) != ">open open>resolved" {
				t.Fatalf("manual resolve: %s %s %q", v.Status, resolution(v), historyPath(v))
			}
		})
	})
}

// TestWaiverExpiry: expires_at is a date (through the end of that day, local time) or an RFC 3339
// instant, in the future and at most MaxWaiverDays (default 366) ahead: the end of the day that
// many days after today.
func TestWaiverExpiry(t *testing.T) {
	packWorld(t, func(t *testing.T, w *world) {
		_, v := w.shortThemeDay(t) // today is 2025-02-21 (Asia/Shanghai)
		waive := func(chk *compliance.Checker, expiresAt string) (*orglife.Violation, error) {
			return chk.Decide(w.ctx, supG, v.ID, compliance.DecideWaive, compliance.DecideParams{Reason: "r", ExpiresAt: expiresAt})
		}
		for _, tc := range []struct{ expiresAt, code string }{
			{"2026/03/01", orglife.EINVALID},
			{"2026-02-30", orglife.EINVALID},
			{"2099", orglife.EINVALID},
			{"2025-02-20", orglife.EUNPROCESSABLE},                // yesterday
			{"2025-02-21T09:00:00+08:00", orglife.EUNPROCESSABLE}, // an hour ago
			{"2026-02-23", orglife.EUNPROCESSABLE},                // 367 days ahead
			{"2026-02-23T00:00:01+08:00", orglife.EUNPROCESSABLE},
			{"2099-01-01T00:00:00Z", orglife.EUNPROCESSABLE},
		} {
			_, err := waive(w.chk, tc.expiresAt)
			if d := orglife.ErrorDetails(err); code(err) != tc.code || len(d) != 1 || d[0].Field != "expires_at" {
				t.Errorf("expires_at %q: %v %+v, want %s naming expires_at", tc.expiresAt, err, d, tc.code)
			}
		}
		// A date-only expiry runs through that day: it expires at the start of the next day.
		got, err := waive(w.chk, "2026-02-22")
		if err != nil || !got.Waiver.ExpiresAt.Equal(instant(t, "2026-02-23T00:00:00+08:00")) {
			t.Fatalf("waive through 2026-02-22 (366 days ahead): %+v %v", got, err)
		}
		// A deployment with a shorter maximum.
		loc, _ := time.LoadLocation("Asia/Shanghai")
		short := compliance.New(compliance.Config{Store: w.st, Workflows: w.set, Rules: w.chk.RuleSet(), Now: w.clock.Now, Location: loc, MaxWaiverDays: 7})
		if _, err := waive(short, "2025-03-01"); code(err) != orglife.EUNPROCESSABLE || !strings.Contains(orglife.ErrorMessage(err), "at most 7 days") {
			t.Fatalf("beyond a maximum of 7 days: %v", err)
		}
	})
}
