package exports

import (
	"cmp"
	"fmt"
	"strconv"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/compliance"
	"github.com/orglife/orglife/rules"
	"github.com/orglife/orglife/sheets"
)

// AssessmentSheet names the main sheet of the assessment workbook.
const AssessmentSheet = "组织生活开展情况统计表"

// ProblemsSheet names the sheet of the year's violations.
const ProblemsSheet = "问题清单"

// AssessmentFixed are the leading columns of the main sheet.
var AssessmentFixed = []string{"序号", "上级党组织", "党支部", "支部类型"}

// OverallRateColumn heads the last column: the 完成率 over every rule, equal to the summary's
// compliance_rate of the branch for the year.
const OverallRateColumn = "全部规则完成率"

// worse orders statuses for a cell that aggregates several rows (a member-scope rule, a
// branch's 党小组): the first found in this list wins.
var worse = []orglife.Status{orglife.StatusOverdue, orglife.StatusError, orglife.StatusAtRisk, orglife.StatusShallow,
	orglife.StatusLate, orglife.StatusPending, orglife.StatusCompliant, orglife.StatusNotApplicable}

// decided reports whether a status counts in a 完成率 (see compliance.ComplianceRate).
func decided(s orglife.Status) bool {
	switch s {
	case orglife.StatusCompliant, orglife.StatusLate, orglife.StatusShallow, orglife.StatusOverdue, orglife.StatusError:
		return true
	}
	return false
}

// branchType is the 支部类型 of a branch from its attributes (category, level).
func branchType(o *orglife.Org) string {
	switch o.Attributes["level"] {
	case "phd":
		return "博士生"
	case "master":
		return "硕士生"
	case "undergraduate", "bachelor":
		return "本科生"
	}
	switch o.Attributes["category"] {
	case "teacher", "staff", "faculty":
		return "在职教工"
	case "retired":
		return "离退休"
	case "mixed":
		return "混合"
	case "student":
		return "学生"
	}
	return cmp.Or(o.Attributes["category"], "")
}

// AssessmentInfo is what the 说明 sheet states besides the assessment's own data.
type AssessmentInfo struct {
	GeneratedAt time.Time
	GeneratedBy string
	Location    *time.Location
}

// AssessmentWorkbook lays out an assessment as the workbook of GET /v1/exports/assessment.xlsx.
func AssessmentWorkbook(a *compliance.Assessment, info AssessmentInfo) *sheets.Workbook {
	loc := cmp.Or(info.Location, time.UTC)
	names := map[string]string{}
	for _, o := range a.Orgs {
		names[o.ID] = o.Name
	}
	// cell statuses: branch → rule → period → worst status of the rows there
	cells := map[string]map[string]map[string]orglife.Status{}
	var asOf time.Time
	for _, r := range a.Rows {
		b := a.BranchOf[r.OrgID]
		if b == "" || r.Period == nil {
			continue
		}
		if r.EvaluatedAt.After(asOf) {
			asOf = r.EvaluatedAt
		}
		if cells[b] == nil {
			cells[b] = map[string]map[string]orglife.Status{}
		}
		if cells[b][r.Rule] == nil {
			cells[b][r.Rule] = map[string]orglife.Status{}
		}
		if old, ok := cells[b][r.Rule][*r.Period]; !ok || rank(r.Status) < rank(old) {
			cells[b][r.Rule][*r.Period] = r.Status
		}
	}
	rep := &sheets.Report{Sheet: AssessmentSheet, Title: fmt.Sprintf("%d年度组织生活开展情况统计表", a.Year),
		Fixed: AssessmentFixed, Tail: []string{OverallRateColumn}}
	if a.Scope != nil {
		rep.Unit = "填报单位：" + a.Scope.Name + "　　统计年度：" + strconv.Itoa(a.Year) + "年　　报出时间：" + info.GeneratedAt.In(loc).Format("2006年1月2日")
	}
	for _, r := range a.Rules {
		g := sheets.Group{Title: cmp.Or(r.Title, r.ID)}
		for _, p := range a.Periods[r.Every] {
			g.Sub = append(g.Sub, shortPeriod(p))
		}
		g.Sub = append(g.Sub, onTimeHeading(r.Every), "完成率")
		rep.Groups = append(rep.Groups, g)
	}
	nRules := len(a.Rules)
	totOnTime, totDecided := make([]int, nRules), make([]int, nRules)
	perPeriodOK := make([][]int, nRules)
	all := map[orglife.Status]int{}
	for i, b := range a.Branches {
		parent := ""
		if b.ParentID != nil && (a.Scope == nil || b.ID != a.Scope.ID) {
			parent = names[*b.ParentID]
		}
		row := []any{i + 1, parent, b.Name, branchType(b)}
		for ri, r := range a.Rules {
			if perPeriodOK[ri] == nil {
				perPeriodOK[ri] = make([]int, len(a.Periods[r.Every]))
			}
			onTime, dec := 0, 0
			for pi, p := range a.Periods[r.Every] {
				st, ok := cells[b.ID][r.ID][p]
				if !ok {
					row = append(row, "")
					continue
				}
				row = append(row, mark(st))
				if st == orglife.StatusCompliant {
					onTime++
					perPeriodOK[ri][pi]++
				}
				if decided(st) {
					dec++
				}
			}
			row = append(row, onTime, rateCell(onTime, dec))
			totOnTime[ri] += onTime
			totDecided[ri] += dec
		}
		row = append(row, rateOf(compliance.ComplianceRate(a.Counts[b.ID])))
		for st, n := range a.Counts[b.ID] {
			all[st] += n
		}
		rep.Rows = append(rep.Rows, row)
	}
	totals := []any{"合计", nil, fmt.Sprintf("共 %d 个党支部", len(a.Branches)), nil}
	for ri, r := range a.Rules {
		for pi := range a.Periods[r.Every] {
			n := 0
			if perPeriodOK[ri] != nil {
				n = perPeriodOK[ri][pi]
			}
			totals = append(totals, n)
		}
		totals = append(totals, totOnTime[ri], rateCell(totOnTime[ri], totDecided[ri]))
	}
	totals = append(totals, rateOf(compliance.ComplianceRate(all)))
	rep.Totals = totals

	wb := &sheets.Workbook{Reports: []*sheets.Report{rep}, Tables: []*sheets.Table{problemsTable(a, names, loc)}, AboutTitle: "说明"}
	scope := ""
	if a.Scope != nil {
		scope = fmt.Sprintf("%s（%s，%s）及其下级组织", a.Scope.Name, a.Scope.ID, orglife.OrgKindLabel(a.Scope.Kind))
	}
	wb.About = []sheets.Field{
		{Label: "统计范围", Value: scope},
		{Label: "统计年度", Value: strconv.Itoa(a.Year) + "年"},
		{Label: "台账截至", Value: cmp.Or(instantLabel(asOf, loc), "尚无评估结果")},
		{Label: "规则集版本", Value: a.RuleSetVersion},
		{Label: "生成时间", Value: instantLabel(info.GeneratedAt, loc)},
		{Label: "生成人", Value: info.GeneratedBy},
		{Label: "党支部数", Value: strconv.Itoa(len(a.Branches))},
	}
	for _, st := range worse {
		wb.About = append(wb.About, sheets.Field{Label: "标记 " + mark(st), Value: orglife.StatusLabel(st)})
	}
	wb.About = append(wb.About,
		sheets.Field{Label: "空白", Value: "该期尚无评估结果（规则不适用于该组织，或尚未评估）"},
		sheets.Field{Label: "按时开展", Value: "该期评估结果为“按期完成”（✓）的期数"},
		sheets.Field{Label: "完成率", Value: "按期完成 ÷ 已判定（按期完成、逾期补办、疑似形式化、逾期未办、计算出错）；未到期、临期预警、不适用不计入"},
		sheets.Field{Label: OverallRateColumn, Value: "该党支部（含其党小组）全年所有规则的完成率，与 GET /v1/compliance/summary?from=" + strconv.Itoa(a.Year) + "-01-01&to=" + strconv.Itoa(a.Year) + "-12-31 的 compliance_rate 相同"},
		sheets.Field{Label: "评分", Value: "本表只填写系统核对的次数与状态；自评分与党委评分由人工填写"},
	)
	if a.Truncated {
		wb.About = append(wb.About, sheets.Field{Label: "问题清单", Value: fmt.Sprintf("问题较多，仅列出前 %d 条", compliance.MaxAssessmentViolations)})
	}
	return wb
}

// onTimeHeading is the heading of a rule's on-time count by its frequency.
func onTimeHeading(every string) string {
	if every == "month" {
		return "按时开展月份数"
	}
	return "按时开展期数"
}

// rank is a status's place in worse.
func rank(s orglife.Status) int {
	for i, w := range worse {
		if w == s {
			return i
		}
	}
	return len(worse)
}

// rateCell is ok / decided as a Rate, or "—" when nothing is decided.
func rateCell(ok, dec int) any {
	if dec == 0 {
		return "—"
	}
	return sheets.Rate(float64(ok) / float64(dec))
}

// rateOf writes a compliance rate, "—" when there is none.
func rateOf(r *float64) any {
	if r == nil {
		return "—"
	}
	return sheets.Rate(*r)
}

// problemsTable is the sheet 问题清单: the year's violations with their decisions.
func problemsTable(a *compliance.Assessment, names map[string]string, loc *time.Location) *sheets.Table {
	t := &sheets.Table{Title: ProblemsSheet, Header: []string{"序号", "组织", "规则", "期间", "类型", "严重程度", "状态", "处理决定", "处理意见", "处理人", "处理时间", "发现时间", "问题说明"}}
	titles := map[string]string{}
	for _, r := range a.Rules {
		titles[r.ID] = r.Title
	}
	for i, v := range a.Violations {
		period := "—"
		if v.Period != nil {
			period = rules.PeriodTitle(*v.Period)
		}
		decision, note, by, at := orglife.ViolationStatusLabel(v.Status), "", "", ""
		if n := len(v.History); n > 0 {
			last := v.History[n-1]
			note, by, at = last.Note, last.Actor, instantLabel(last.At, loc)
		}
		if v.Resolution != nil {
			decision += "（" + resolutionLabel(*v.Resolution) + "）"
		}
		if v.Waiver != nil {
			decision += "，豁免至 " + v.Waiver.ExpiresAt.In(loc).Format("2006年1月2日")
			note = cmp.Or(v.Waiver.Reason, note)
			by = cmp.Or(v.Waiver.By, by)
		}
		t.Rows = append(t.Rows, []string{strconv.Itoa(i + 1), cmp.Or(names[v.OrgID], v.OrgID), cmp.Or(titles[v.Rule], v.Rule), period,
			orglife.ViolationKindLabel(v.Kind), severityLabel(v.Severity), orglife.ViolationStatusLabel(v.Status), decision, note, by, at,
			instantLabel(v.OpenedAt, loc), v.Message})
	}
	return t
}

// resolutionLabel is the Chinese label of a violation's resolution.
func resolutionLabel(r string) string {
	switch r {
	case "cleared":
		return "条件消除自动办结"
	case "manual":
		return "人工办结"
	}
	return r
}

// severityLabel is the Chinese label of a severity.
func severityLabel(s string) string {
	switch s {
	case "info":
		return "提示"
	case "minor":
		return "一般"
	case "major":
		return "重要"
	case "critical":
		return "严重"
	}
	return s
}
