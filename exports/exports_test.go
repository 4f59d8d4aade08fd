package exports

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/compliance"
	"github.com/orglife/orglife/rules"
	"github.com/orglife/orglife/sheets"
)

// pages follows cursors and cuts at MaxRows, saying so.
func TestPagesCut(t *testing.T) {
	calls := 0
	next := func(cursor string) (orglife.Page[int], error) {
		calls++
		p := orglife.Page[int]{Items: make([]int, 500)}
		c := strconv.Itoa(calls)
		p.NextCursor = &c
		return p, nil
	}
	rows, cut, err := pages(next)
	if err != nil || len(rows) != MaxRows || !cut || calls != MaxRows/500 {
		t.Fatalf("rows %d cut %v calls %d %v", len(rows), cut, calls, err)
	}
	about := Meta{Filter: map[string]string{"status": "open", "org_id": "g1", "rule": ""}, At: time.Unix(0, 0), By: "组织员"}.about(len(rows), cut)
	if about[0].Value != "org_id=g1&status=open" || !strings.Contains(about[len(about)-1].Value, "只导出前 10000 行") {
		t.Errorf("about %v", about)
	}
	calls = 0
	short := func(string) (orglife.Page[int], error) { calls++; return orglife.Page[int]{Items: []int{1, 2}}, nil }
	if rows, cut, _ := pages(short); len(rows) != 2 || cut || calls != 1 {
		t.Errorf("short list: %d %v", len(rows), cut)
	}
}

// A cell over several rows shows the worst; 按时开展月份数 counts ✓ cells; a band's 完成率 is ✓ ÷
// decided cells; the last column is ComplianceRate of the branch's counts; totals add up.
func TestAssessmentWorkbookLayout(t *testing.T) {
	p := func(s string) *string { return &s }
	c := &orglife.Org{ID: "c", Name: "党委", Kind: orglife.KindCommittee}
	b1 := &orglife.Org{ID: "b1", Name: "一支部", Kind: orglife.KindBranch, ParentID: p("c"), Attributes: map[string]string{"level": "phd"}}
	g := &orglife.Org{ID: "g", Name: "一组", Kind: orglife.KindGroup, ParentID: p("b1")}
	b2 := &orglife.Org{ID: "b2", Name: "二支部", Kind: orglife.KindBranch, ParentID: p("c")}
	months := []string{"2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06", "2025-07", "2025-08", "2025-09", "2025-10", "2025-11", "2025-12"}
	row := func(org, period string, st orglife.Status) *orglife.LedgerRow {
		return &orglife.LedgerRow{Rule: "r", OrgID: org, SubjectID: org, Period: p(period), Status: st, EvaluatedAt: time.Date(2025, 3, 5, 0, 0, 0, 0, time.UTC)}
	}
	a := &compliance.Assessment{Scope: c, Year: 2025, RuleSetVersion: "v9",
		Matrix: &compliance.Matrix{Orgs: []*orglife.Org{c, b1, g, b2}, Rules: []*rules.Rule{{ID: "r", Title: "主题党日", Every: "month"}},
			Periods: map[string][]string{"month": months},
			Rows: []*orglife.LedgerRow{row("b1", "2025-01", orglife.StatusCompliant), row("g", "2025-01", orglife.StatusOverdue),
				row("b1", "2025-02", orglife.StatusCompliant), row("b1", "2025-03", orglife.StatusPending),
				row("b2", "2025-01", orglife.StatusCompliant), row("b2", "2025-02", orglife.StatusLate)}},
		Branches: []*orglife.Org{b1, b2}, BranchOf: map[string]string{"b1": "b1", "g": "b1", "b2": "b2"},
		Counts: map[string]map[orglife.Status]int{"b1": {orglife.StatusCompliant: 3, orglife.StatusOverdue: 1}, "b2": {orglife.StatusCompliant: 1, orglife.StatusLate: 1}}}
	wb := AssessmentWorkbook(a, AssessmentInfo{GeneratedAt: time.Date(2025, 3, 6, 0, 0, 0, 0, time.UTC), GeneratedBy: "组织员"})
	rep := wb.Reports[0]
	r1, r2 := rep.Rows[0], rep.Rows[1]
	if r1[2] != "一支部" || r1[3] != "博士生" || r1[4] != "✗" || r1[5] != "✓" || r1[6] != "·" || r1[7] != "" {
		t.Errorf("row 1 %v", r1)
	}
	if r1[16] != 1 || r1[17] != sheets.Rate(0.5) || r1[18] != sheets.Rate(0.75) {
		t.Errorf("row 1 counts %v %v %v", r1[16], r1[17], r1[18])
	}
	if r2[4] != "✓" || r2[5] != "迟" || r2[16] != 1 || r2[17] != sheets.Rate(0.5) || r2[18] != sheets.Rate(0.5) {
		t.Errorf("row 2 %v", r2)
	}
	tot := rep.Totals
	if tot[4] != 1 || tot[5] != 1 || tot[16] != 2 || tot[17] != sheets.Rate(0.5) || tot[18] != sheets.Rate(4.0/6) {
		t.Errorf("totals %v", tot)
	}
	about := map[string]string{}
	for _, f := range wb.About {
		about[f.Label] = f.Value
	}
	if !strings.Contains(about["统计范围"], "党委（c，党委）") || about["规则集版本"] != "v9" || !strings.HasPrefix(about["台账截至"], "2025-03-05") {
		t.Errorf("说明 %v", about)
	}
}
