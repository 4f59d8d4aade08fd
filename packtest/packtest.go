// Package packtest runs the tests of a pack (tests/*.yaml, docs/pack-tests.md): each case gives
// orgs, members and records with their states and recorded_at, an as_of instant and the ledger
// rows it expects; the case is evaluated with the pack's rules (rules.RuleSet.EvaluateOrg, pure,
// no database) and the rows compared. Test files are position-annotated YAML (yamlfile): every
// problem in a file is reported as file:line:column. It imports orglife, rules, workflows and
// yamlfile.
package packtest

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
	_ "time/tzdata" // a case's tz works on machines without zoneinfo

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/rules"
	"github.com/orglife/orglife/workflows"
)

// DefaultTZ is the time zone of a case that names none, when Options.Loc is nil.
const DefaultTZ = "Asia/Shanghai"

// Options tune a run.
type Options struct {
	// Loc is the deployment time zone of cases without `tz` (nil: Asia/Shanghai).
	Loc *time.Location
	// Run, when set, selects the cases whose name it matches.
	Run *regexp.Regexp
}

// Result is the outcome of running a pack's tests.
type Result struct {
	// Files is the number of test files read.
	Files int
	// Cases and Expectations count what was run (selected cases without problems).
	Cases, Expectations int
	// Failures are the expectations that did not hold, in file and case order.
	Failures []Failure
	// Problems are the problems of the test files, as file:line:column, sorted. A case with a
	// problem is not run.
	Problems orglife.Problems
	// Uncovered lists the ids of the rules, in rule-set order, that no expectation of the cases
	// run names.
	Uncovered []string
	// CaseResults has one entry per case run, in order.
	CaseResults []CaseResult
}

// CaseResult is the outcome of one case.
type CaseResult struct {
	File, Name           string
	Expectations, Failed int
}

// OK reports whether every case ran without problems and every expectation held.
func (r *Result) OK() bool { return len(r.Failures) == 0 && len(r.Problems) == 0 }

// Failure is one expectation that did not hold.
type Failure struct {
	File         string
	Line, Column int // of the expectation
	Case         string
	Rule         string
	OrgID        string
	Subject      string
	Period       string // "" for deadline and instance rules
	Want         orglife.Status
	// Got is the actual status; "" when the evaluation produced no such row.
	Got orglife.Status
	// Explanation is the actual explanation text.
	Explanation string
	// Reasons says what differed: the status, the fired checks, the explanation fragment.
	Reasons []string
}

// String formats the failure on one line:
//
//	FAIL tests/meetings.yaml:12:7: case "一月按时开展主题党日": rule theme_day_monthly, subject b1, period 2025-01: want compliant, got overdue; explanation: 2025年1月 本月未开展主题党日（截止2025年2月10日）
func (f Failure) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "FAIL %s:%d:%d: case %q: rule %s, subject %s", f.File, f.Line, f.Column, f.Case, f.Rule, f.Subject)
	if f.Subject != f.OrgID {
		fmt.Fprintf(&b, " (org %s)", f.OrgID)
	}
	if f.Period != "" {
		fmt.Fprintf(&b, ", period %s", f.Period)
	}
	b.WriteString(": ")
	b.WriteString(strings.Join(f.Reasons, "; "))
	if f.Got != "" {
		fmt.Fprintf(&b, "; explanation: %s", f.Explanation)
	}
	return b.String()
}

// Run reads the test files (*.yaml and *.yml) of dir in fsys, not recursively, and runs them
// against the pack's workflows and rules. Files are named displayPrefix + "/" + dir + "/" + name
// in problems and failures (dir + "/" + name when displayPrefix is empty). A missing directory
// means no tests.
func Run(fsys fs.FS, dir, displayPrefix string, set *workflows.Set, rs *rules.RuleSet, opt Options) *Result {
	files := map[string][]byte{}
	res := &Result{}
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil && !isNotExist(err) {
		res.Problems = append(res.Problems, orglife.Problem{File: display(displayPrefix, dir), Line: 1, Column: 1, Message: "cannot read directory: " + err.Error()})
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !(strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")) {
			continue
		}
		shown := display(displayPrefix, path.Join(dir, name))
		b, err := fs.ReadFile(fsys, path.Join(dir, name))
		if err != nil {
			res.Problems = append(res.Problems, orglife.Problem{File: shown, Line: 1, Column: 1, Message: "cannot read file: " + err.Error()})
			continue
		}
		files[shown] = b
	}
	more := RunFiles(files, set, rs, opt)
	more.Problems = append(res.Problems, more.Problems...)
	more.Problems.Sort()
	return more
}

// RunFiles runs test files given as name → content, in name order.
func RunFiles(files map[string][]byte, set *workflows.Set, rs *rules.RuleSet, opt Options) *Result {
	loc := opt.Loc
	if loc == nil {
		var err error
		if loc, err = time.LoadLocation(DefaultTZ); err != nil {
			loc = time.Local
		}
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	res := &Result{Files: len(names)}
	covered := map[string]bool{}
	for _, name := range names {
		cases, ps := parseFile(name, files[name], set, rs, loc)
		res.Problems = append(res.Problems, ps...)
		for _, c := range cases {
			if opt.Run != nil && !opt.Run.MatchString(c.Name) {
				continue
			}
			fails := runCase(c, rs)
			res.Cases++
			res.Expectations += len(c.Expect)
			res.Failures = append(res.Failures, fails...)
			res.CaseResults = append(res.CaseResults, CaseResult{File: c.File, Name: c.Name, Expectations: len(c.Expect), Failed: len(fails)})
			for _, e := range c.Expect {
				covered[e.Rule.ID] = true
			}
		}
	}
	if rs != nil {
		for _, r := range rs.Rules {
			if !covered[r.ID] {
				res.Uncovered = append(res.Uncovered, r.ID)
			}
		}
	}
	res.Problems.Sort()
	return res
}

func display(prefix, rel string) string {
	if prefix == "" {
		return rel
	}
	return strings.TrimSuffix(prefix, "/") + "/" + rel
}

func isNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }

// rowKey identifies a ledger row within a case.
func rowKey(rule, org, subject, period string) string {
	return rule + "\x00" + org + "\x00" + subject + "\x00" + period
}

// runCase evaluates the rules a case names, for each of its orgs, and compares the rows.
func runCase(c *testCase, rs *rules.RuleSet) []Failure {
	// The periods to cover: as given, else those of the expected rows.
	var from, to time.Time
	for _, e := range c.Expect {
		if e.Period == "" {
			continue
		}
		if from.IsZero() || e.period.Start.Before(from) {
			from = e.period.Start
		}
		if to.IsZero() || e.period.End.After(to) {
			to = e.period.End
		}
	}
	if c.From != nil {
		from = *c.From
	}
	if c.To != nil {
		to = *c.To
	}
	if from.IsZero() {
		from = c.AsOf
	}
	if to.IsZero() || to.Before(from) {
		to = from
		if c.AsOf.After(to) {
			to = c.AsOf
		}
	}
	// Instance rules cover instances due at or after From: without an explicit from, all.
	var instFrom time.Time
	if c.From != nil {
		instFrom = *c.From
	}
	byOrg := map[string]*rules.OrgInput{}
	for _, o := range c.Orgs {
		byOrg[o.ID] = &rules.OrgInput{Org: o, Records: map[string][]*rules.Record{}}
	}
	for _, o := range c.Orgs {
		if o.ParentID != nil && byOrg[*o.ParentID] != nil {
			byOrg[o.ID].Parent = byOrg[*o.ParentID].Org
		}
	}
	for _, m := range c.Members {
		if in := byOrg[m.OrgID]; in != nil {
			in.Members = append(in.Members, m)
		}
	}
	// A member who came (since) or went (left_on) within the case's time gives their org the
	// stretches of its members, as the engine reads them from the members' histories.
	for _, m := range c.Members {
		if in := byOrg[m.OrgID]; in != nil && (m.Since != nil || m.LeftOn != nil) && in.Tenures == nil {
			in.Tenures = map[string][]orglife.Tenure{}
			for _, x := range in.Members {
				t := orglife.Tenure{OrgID: in.Org.ID, Member: x}
				if x.Since != nil {
					t.From = *x.Since
				}
				if x.LeftOn != nil { // the day they left: their last day in the org is the day before
					if d, err := time.Parse(orglife.DateLayout, *x.LeftOn); err == nil {
						t.Until = d.AddDate(0, 0, -1).Format(orglife.DateLayout)
					}
				}
				in.Tenures[x.ID] = []orglife.Tenure{t}
			}
		}
	}
	for _, r := range c.Records {
		if in := byOrg[r.OrgID]; in != nil {
			in.Records[r.Workflow] = append(in.Records[r.Workflow], r)
		}
	}
	periodic, other := map[string][]string{}, map[string][]string{}
	for _, e := range c.Expect {
		m := other
		if e.Rule.Timing() == rules.TimingPeriodic {
			m = periodic
		}
		if !slices.Contains(m[e.OrgID], e.Rule.ID) {
			m[e.OrgID] = append(m[e.OrgID], e.Rule.ID)
		}
	}
	rows := map[string]orglife.LedgerRow{}
	for _, o := range c.Orgs {
		in := byOrg[o.ID]
		for _, run := range []struct {
			ids      []string
			from, to time.Time
		}{{periodic[o.ID], from, to}, {other[o.ID], instFrom, to}} {
			if len(run.ids) == 0 {
				continue
			}
			p := rules.EvalParams{AsOf: c.AsOf, From: run.from, To: run.to, Loc: c.Loc, Rules: run.ids}
			for _, row := range rs.EvaluateOrg(in, p) {
				rows[rowKey(row.Rule, row.OrgID, row.SubjectID, row.PeriodKey())] = row
			}
		}
	}
	var fails []Failure
	for _, e := range c.Expect {
		f := Failure{File: c.File, Line: e.Line, Column: e.Col, Case: c.Name, Rule: e.Rule.ID, OrgID: e.OrgID,
			Subject: e.Subject, Period: e.Period, Want: e.Status}
		row, ok := rows[rowKey(e.Rule.ID, e.OrgID, e.Subject, e.Period)]
		if !ok {
			f.Reasons = []string{fmt.Sprintf("want %s, got no row (the evaluation from %s to %s produced none for this subject and period)",
				e.Status, from.Format(orglife.DateLayout), to.Format(orglife.DateLayout))}
			fails = append(fails, f)
			continue
		}
		f.Got, f.Explanation = row.Status, row.Explanation.Text
		if row.Status != e.Status {
			f.Reasons = append(f.Reasons, fmt.Sprintf("want %s, got %s", e.Status, row.Status))
		}
		if e.HasChecks {
			got := make([]string, 0, len(row.Explanation.Checks))
			for _, ch := range row.Explanation.Checks {
				got = append(got, ch.ID)
			}
			slices.Sort(got)
			if !slices.Equal(got, e.Checks) {
				f.Reasons = append(f.Reasons, fmt.Sprintf("want checks [%s], got [%s]", strings.Join(e.Checks, ", "), strings.Join(got, ", ")))
			}
		}
		if e.HasEvidence {
			got := slices.Clone(row.Evidence)
			slices.Sort(got)
			if !slices.Equal(got, e.Evidence) {
				f.Reasons = append(f.Reasons, fmt.Sprintf("want evidence [%s], got [%s]", strings.Join(e.Evidence, ", "), strings.Join(got, ", ")))
			}
		}
		if e.Explanation != "" && !strings.Contains(row.Explanation.Text, e.Explanation) {
			f.Reasons = append(f.Reasons, fmt.Sprintf("the explanation does not contain %q", e.Explanation))
		}
		if len(f.Reasons) > 0 {
			if row.Status == e.Status {
				f.Reasons = append([]string{fmt.Sprintf("status %s as expected", row.Status)}, f.Reasons...)
			}
			fails = append(fails, f)
		}
	}
	return fails
}
