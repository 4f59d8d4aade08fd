package compliance_test

import (
	"context"
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/compliance"
	"github.com/orglife/orglife/engine"
	partybranch "github.com/orglife/orglife/examples/party-branch"
)

// packRuleFiles returns the built-in pack's rule files keyed by name, with edit applied to
// the file name (old → new text, which must occur).
func packRuleFiles(t *testing.T, file, old, new string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	entries, err := fs.ReadDir(partybranch.FS, "rules")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := fs.ReadFile(partybranch.FS, "rules/"+e.Name())
		if err != nil {
			t.Fatal(err)
		}
		if e.Name() == file {
			if !strings.Contains(string(b), old) {
				t.Fatalf("%s does not contain %q", file, old)
			}
			b = []byte(strings.Replace(string(b), old, new, 1))
		}
		files[e.Name()] = b
	}
	return files
}

// lectureAndThemeDays records 党课 in January and 主题党日 in January and February for b.
func lectureAndThemeDays(t *testing.T, w *world) {
	t.Helper()
	for _, m := range []struct{ typ, day, minutes string }{
		{"lecture", "2025-01-10", "支部书记讲党课：新时代党的建设总要求，结合研究生培养谈理想信念教育，党员交流学习体会。"},
		{"theme_day", "2025-01-15", longMinutes},
		{"theme_day", "2025-02-14", longMinutes2},
	} {
		w.clock.set(t, m.day+"T20:00:00+08:00")
		in, err := w.svc.Start(w.ctx, brB, engine.StartParams{Workflow: "meeting", OrgID: "b",
			Data: map[string]any{"type": m.typ, "held_on": m.day, "topic": "学习党章"}})
		if err != nil {
			t.Fatal(err)
		}
		w.record(t, brB, in.ID, m.minutes)
	}
}

// snapshot returns the persisted statuses (rule/org/subject/period → status) and the violations
// (identity → status) of the whole tree.
func snapshot(t *testing.T, w *world) (map[string]orglife.Status, map[string]string) {
	t.Helper()
	rows, err := w.st.LedgerRows(w.ctx, orglife.LedgerFilter{})
	if err != nil {
		t.Fatal(err)
	}
	ledger := map[string]orglife.Status{}
	for _, r := range rows {
		ledger[fmt.Sprintf("%s|%s|%s|%s", r.Rule, r.OrgID, r.SubjectID, r.PeriodKey())] = r.Status
	}
	vs, err := w.st.Violations(w.ctx, orglife.ViolationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	viol := map[string]string{}
	for _, v := range vs {
		viol[violationKey(v.Rule, v.OrgID, v.SubjectID, v.Period, v.Kind, v.Check)] = v.Status
	}
	return ledger, viol
}

func violationKey(rule, org, subject string, period *string, kind, check string) string {
	p := ""
	if period != nil {
		p = *period
	}
	return strings.Join([]string{rule, org, subject, p, kind, check}, "|")
}

// TestPreviewMatchesActivation previews 党课 from quarterly to monthly over past periods and
// checks that activating the change and evaluating produces exactly the previewed changes.
func TestPreviewMatchesActivation(t *testing.T) {
	packWorld(t, func(t *testing.T, w *world) {
		w.clock.set(t, "2025-01-20T10:00:00+08:00")
		lectureAndThemeDays(t, w)
		w.clock.set(t, "2025-04-20T10:00:00+08:00")
		w.evaluate(t, "2025-01-01", "2025-03-31")
		beforeLedger, beforeViol := snapshot(t, w)

		candidate := packRuleFiles(t, "meetings.yaml", "    every: quarter\n    grace: 15d\n    warn: 14d\n    require: \"count(meetings, .type == 'lecture') >= 1\"",
			"    every: month\n    grace: 15d\n    warn: 14d\n    require: \"count(meetings, .type == 'lecture') >= 1\"")
		prev, err := w.chk.Preview(w.ctx, admin, compliance.PreviewParams{Files: candidate, From: "2025-01-01", To: "2025-03-31"})
		if err != nil {
			t.Fatal(err)
		}
		if prev.CandidateVersion == prev.ActiveVersion {
			t.Fatal("the candidate has the active version")
		}
		afterPreviewLedger, afterPreviewViol := snapshot(t, w)
		if !mapsEqual(beforeLedger, afterPreviewLedger) || !mapsEqual(beforeViol, afterPreviewViol) {
			t.Fatal("preview wrote to the ledger or the violations")
		}
		var previewed []string
		for _, r := range prev.Rules {
			for _, c := range r.Changes {
				previewed = append(previewed, fmt.Sprintf("%s|%s|%s|%s %s>%s", r.Rule, c.OrgID, c.SubjectID, r.Period, c.From, c.To))
			}
		}
		var opened, cleared []string
		for _, v := range prev.Opened {
			opened = append(opened, violationKey(v.Rule, v.OrgID, v.SubjectID, v.Period, v.Kind, v.Check))
		}
		for _, v := range prev.Cleared {
			cleared = append(cleared, violationKey(v.Rule, v.OrgID, v.SubjectID, v.Period, v.Kind, v.Check))
		}
		if !slices.Contains(previewed, "lecture_quarterly|b|b|2025-Q1 compliant>not_applicable") {
			t.Fatalf("preview does not retire the quarter row:\n%s", strings.Join(previewed, "\n"))
		}
		if !slices.Contains(previewed, "lecture_quarterly|b|b|2025-02 >overdue") || !slices.Contains(opened, "lecture_quarterly|b|b|2025-02|overdue|") {
			t.Fatalf("preview misses February without a 党课:\n%s\nopened %v", strings.Join(previewed, "\n"), opened)
		}

		if _, err := w.chk.PutRules(w.ctx, admin, candidate, "党课改为每月一次"); err != nil {
			t.Fatal(err)
		}
		w.evaluate(t, "2025-01-01", "2025-03-31")
		afterLedger, afterViol := snapshot(t, w)
		var changed []string
		for k, s := range afterLedger {
			if was, ok := beforeLedger[k]; !ok || was != s {
				changed = append(changed, fmt.Sprintf("%s %s>%s", k, was, s))
			}
		}
		var reallyOpened, reallyCleared []string
		for k, s := range afterViol {
			was, ok := beforeViol[k]
			switch {
			case !ok:
				reallyOpened = append(reallyOpened, k)
			case was != s && s == orglife.ViolationResolved:
				reallyCleared = append(reallyCleared, k)
			}
		}
		for _, l := range [][]string{previewed, changed, opened, reallyOpened, cleared, reallyCleared} {
			sort.Strings(l)
		}
		if !slices.Equal(previewed, changed) {
			t.Fatalf("previewed status changes:\n%s\nactual:\n%s", strings.Join(previewed, "\n"), strings.Join(changed, "\n"))
		}
		if !slices.Equal(opened, reallyOpened) || !slices.Equal(cleared, reallyCleared) {
			t.Fatalf("previewed violations opened %v cleared %v; actual opened %v cleared %v", opened, cleared, reallyOpened, reallyCleared)
		}
	})
}

func mapsEqual[K comparable, V comparable](a, b map[K]V) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// TestBrokenPutChangesNothing puts a broken rule file while evaluations run: 422 with every
// problem at file:line:column, the old version stays active and evaluating, nothing is stored.
func TestBrokenPutChangesNothing(t *testing.T) {
	packWorld(t, func(t *testing.T, w *world) {
		w.clock.set(t, "2025-01-20T10:00:00+08:00")
		lectureAndThemeDays(t, w)
		w.clock.set(t, "2025-04-20T10:00:00+08:00")
		active := w.chk.RuleSet().Version
		versions, _ := w.chk.RuleVersions(w.ctx)

		ctx, cancel := context.WithCancel(w.ctx)
		var wg sync.WaitGroup
		var evalErr error
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				res, err := w.chk.Evaluate(ctx, admin, compliance.EvaluateParams{From: "2025-01-01", To: "2025-03-31"})
				if err != nil && ctx.Err() == nil {
					evalErr = err
					return
				}
				if err == nil && res.RuleVersion != active {
					evalErr = fmt.Errorf("evaluated with %s, want the old version %s", res.RuleVersion, active)
					return
				}
			}
		}()
		broken := packRuleFiles(t, "meetings.yaml", "count(meetings, .type == 'theme_day') >= 1", "count(meetings, .typo == 'theme_day') >= 1")
		broken["extra.yaml"] = []byte("rules:\n  - id: x\n    every: week\n    require: \"true\"\n    message: m\n")
		_, err := w.chk.PutRules(w.ctx, admin, broken, "broken")
		cancel()
		wg.Wait()
		if evalErr != nil {
			t.Fatal(evalErr)
		}
		if code(err) != orglife.EUNPROCESSABLE {
			t.Fatalf("broken PUT: %v", err)
		}
		details := orglife.ErrorDetails(err)
		var where []string
		for _, d := range details {
			if d.File == "" || d.Line == 0 || d.Column == 0 {
				t.Fatalf("a problem without a position: %+v", d)
			}
			where = append(where, fmt.Sprintf("%s:%d:%d", d.File, d.Line, d.Column))
		}
		if !slices.ContainsFunc(where, func(s string) bool { return strings.HasPrefix(s, "meetings.yaml:") }) ||
			!slices.ContainsFunc(where, func(s string) bool { return strings.HasPrefix(s, "extra.yaml:3:") }) {
			t.Fatalf("problems %v: want one in meetings.yaml and one at extra.yaml:3", where)
		}
		if w.chk.RuleSet().Version != active {
			t.Fatal("the active rule set changed after a broken PUT")
		}
		after, _ := w.chk.RuleVersions(w.ctx)
		if len(after) != len(versions) {
			t.Fatalf("a broken PUT stored a version: %d → %d", len(versions), len(after))
		}
		audit, err := w.svc.Audit(w.ctx, admin, engine.AuditParams{Action: "rules.put"})
		if err != nil || len(audit.Items) != 0 {
			t.Fatalf("a broken PUT was audited: %v %v", audit.Items, err)
		}
	})
}

// TestRollbackRestoresStatuses activates a stricter 主题党日 rule (two a month), then rolls back:
// the next evaluation restores the old statuses; versions, activations and audit are recorded.
func TestRollbackRestoresStatuses(t *testing.T) {
	packWorld(t, func(t *testing.T, w *world) {
		w.clock.set(t, "2025-01-20T10:00:00+08:00")
		lectureAndThemeDays(t, w)
		w.clock.set(t, "2025-04-20T10:00:00+08:00")
		if _, err := w.chk.PutRules(w.ctx, admin, packRuleFiles(t, "meetings.yaml", "x", "x"), "the pack's rules"); err != nil {
			t.Fatal(err)
		}
		original := w.chk.RuleSet().Version
		w.evaluate(t, "2025-01-01", "2025-02-28")
		if s := w.row(t, "theme_day_monthly", "b", "2025-01").Status; s != orglife.StatusCompliant {
			t.Fatalf("before: %s", s)
		}
		strict := packRuleFiles(t, "meetings.yaml", "count(meetings, .type == 'theme_day') >= 1", "count(meetings, .type == 'theme_day') >= 2")
		v, err := w.chk.PutRules(w.ctx, admin, strict, "每月两次")
		if err != nil {
			t.Fatal(err)
		}
		w.evaluate(t, "2025-01-01", "2025-02-28")
		r := w.row(t, "theme_day_monthly", "b", "2025-01")
		if r.Status != orglife.StatusOverdue || r.RuleVersion != v.Version {
			t.Fatalf("with the strict rule: %s (version %s)", r.Status, r.RuleVersion)
		}
		if _, err := w.chk.ActivateVersion(w.ctx, brB, original, ""); code(err) != orglife.EFORBIDDEN {
			t.Fatalf("a branch rolling back: %v", err)
		}
		if _, err := w.chk.ActivateVersion(w.ctx, admin, original, ""); err != nil {
			t.Fatal(err)
		}
		w.evaluate(t, "2025-01-01", "2025-02-28")
		r = w.row(t, "theme_day_monthly", "b", "2025-01")
		if r.Status != orglife.StatusCompliant || r.RuleVersion != original {
			t.Fatalf("after rollback: %s (version %s)", r.Status, r.RuleVersion)
		}
		if got := w.timeline(t, "theme_day_monthly", "b", "2025-01"); got != ">pending pending>compliant compliant>overdue overdue>compliant" {
			t.Fatalf("timeline %q", got)
		}
		if v := w.violation(t, "theme_day_monthly", "b", "2025-01", "overdue", ""); v == nil || v.Status != orglife.ViolationResolved {
			t.Fatalf("the strict rule's violation after rollback: %+v", v)
		}
		versions, err := w.chk.RuleVersions(w.ctx)
		if err != nil {
			t.Fatal(err)
		}
		var active []string
		for _, v := range versions {
			if v.Active {
				active = append(active, v.Version)
			}
		}
		if len(versions) < 2 || !slices.Equal(active, []string{original}) {
			t.Fatalf("versions %d, active %v", len(versions), active)
		}
		audit, err := w.svc.Audit(w.ctx, admin, engine.AuditParams{})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range audit.Items {
			actions = append(actions, e.Action)
		}
		if !slices.Contains(actions, "rules.put") || !slices.Contains(actions, "rules.activate") {
			t.Fatalf("audit actions %v", actions)
		}
		if _, err := w.svc.Audit(w.ctx, supC, engine.AuditParams{}); code(err) != orglife.EFORBIDDEN {
			t.Fatalf("a supervisor reading the audit log: %v", err)
		}
	})
}
