package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestTestExamplePack: the example pack's tests pass and cover every rule, from the directory
// and from the built-in pack.
func TestTestExamplePack(t *testing.T) {
	summary := regexp.MustCompile(`(?m)^\d+ cases, \d+ expectations, 0 failed$`)
	for _, args := range [][]string{
		{"test", "../../examples/party-branch", "--require-coverage"},
		{"test", "--require-coverage"},
	} {
		code, out, errs := runCmd(t, args...)
		if code != 0 || !summary.MatchString(out) || strings.Contains(out, "rules without tests") {
			t.Errorf("%v: exit %d\nstdout:\n%s\nstderr:\n%s", args, code, out, errs)
		}
	}
}

func writeTest(t *testing.T, dir, name, src string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "tests", name), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestTestWrongExpectation: a wrong expectation fails with a line naming the file, case, rule,
// subject, period, both statuses and the explanation.
func TestTestWrongExpectation(t *testing.T) {
	dir := copyPack(t)
	writeTest(t, dir, "zz_wrong.yaml", `- name: 故意写错的期望
  as_of: 2025-03-12T09:00:00+08:00
  orgs: [{id: b1, name: 第一党支部, kind: branch}]
  expect:
    - {rule: theme_day_monthly, period: 2025-02, status: compliant}
`)
	code, out, _ := runCmd(t, "test", dir)
	want := `FAIL ` + dir + `/tests/zz_wrong.yaml:5:7: case "故意写错的期望": rule theme_day_monthly, subject b1, period 2025-02: want compliant, got overdue; explanation: 2025年2月 本月未开展主题党日（截止2025年3月10日）`
	if code != 1 || !strings.Contains(out, want+"\n") || !regexp.MustCompile(`(?m)^\d+ cases, \d+ expectations, 1 failed$`).MatchString(out) {
		t.Errorf("exit %d\n%s\nwant line:\n%s", code, out, want)
	}
	// --run selects cases by name: the others are not run.
	code, out, _ = runCmd(t, "test", dir, "--run", "^一月主题党日")
	if code != 0 || !strings.Contains(out, "1 cases, 3 expectations, 0 failed") {
		t.Errorf("--run: exit %d\n%s", code, out)
	}
}

// TestTestBrokenFile: a broken test file is reported as file:line:column and exits 1.
func TestTestBrokenFile(t *testing.T) {
	dir := copyPack(t)
	writeTest(t, dir, "zz_broken.yaml", `- name: 坏文件
  as_of: 2025-03-12T09:00:00+08:00
  orgs: [{id: b1, kind: branch}]
  records:
    - {workflow: meeting, state: archived, data: {type: theme_day}}
  expect:
    - {rule: theme_day_monthly, period: 2025-02, status: overdue}
`)
	code, out, _ := runCmd(t, "test", dir)
	want := dir + `/tests/zz_broken.yaml:5:34: state "archived" is not a state of workflow "meeting" (states: planned, held, recorded, cancelled, void_requested, voided)`
	if code != 1 || !strings.Contains(out, want+"\n") || !strings.Contains(out, ", 1 file problems") {
		t.Errorf("exit %d\n%s\nwant line:\n%s", code, out, want)
	}
}

// TestTestCoverage: rules without expectations are listed; --require-coverage fails on them.
func TestTestCoverage(t *testing.T) {
	dir := copyPack(t)
	for _, name := range []string{"talks.yaml", "term.yaml"} {
		if err := os.Remove(filepath.Join(dir, "tests", name)); err != nil {
			t.Fatal(err)
		}
	}
	code, out, _ := runCmd(t, "test", dir)
	if code != 0 || !strings.Contains(out, "rules without tests: talk_half_yearly, term_renewed\n") {
		t.Errorf("exit %d\n%s", code, out)
	}
	code, out, _ = runCmd(t, "test", dir, "--require-coverage")
	if code != 1 || !strings.Contains(out, "rules without tests: talk_half_yearly, term_renewed\n") {
		t.Errorf("--require-coverage: exit %d\n%s", code, out)
	}
	code, out, _ = runCmd(t, "test", filepath.Join(dir, "nope"))
	if code != 1 || !strings.Contains(out, "nope:1:1: not a pack directory") {
		t.Errorf("missing dir: exit %d\n%s", code, out)
	}
}
