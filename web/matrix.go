package web

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/compliance"
	"github.com/orglife/orglife/rules"
)

// matrixPage is the data of 合规矩阵: the branches of the scope (grouped by their parent) × the
// periods of a year for one rule, or for a family of rules (every rule of one frequency: one
// line per rule in each branch's rows).
type matrixPage struct {
	Rules    []option
	Families []option
	// Rule is the ?rule= of the view: a rule's id or family:KIND.
	Rule string
	// Family is the family's period kind ("" for one rule); Lines its rules.
	Family  string
	Lines   []matrixRuleRate
	Every   string
	Year    int
	Years   []int
	OrgID   string
	Periods []matrixPeriod
	Groups  []matrixGroup
	// Branches is the number of branches listed.
	Branches int
	// GroupSpan is the columns a group's heading spans (the branch column, the rule column of a
	// family and the periods).
	GroupSpan int
	// FamilyHref is the family of the rule shown (the view of every rule of its frequency).
	FamilyHref, FamilyLabel string
}

// matrixPeriod is a column: its label, its heading and the 完成率 of the branches.
type matrixPeriod struct {
	Key, Label, Heading, Rate string
	done, due                 int
}

// matrixRuleRate is a rule of a family with its 完成率 per period (a row of the footer).
type matrixRuleRate struct {
	ID, Title, Href string
	Rates           []matrixPeriod
}

// matrixGroup is the branches under one parent org (党总支 or 党委).
type matrixGroup struct {
	Name string
	Rows []matrixRow
}

// matrixRow is a branch with one line of cells per rule shown and its roll-up over them.
type matrixRow struct {
	OrgID, Name, Href string
	Lines             []matrixLine
	Done, Due         int
}

// matrixLine is one rule of a branch: a cell per period and the roll-up of the line.
type matrixLine struct {
	Rule, Title, Href string
	Cells             []matrixCell
	Done, Due         int
}

// matrixCell is one status: its label as text, a class for its colour and the link to its detail.
type matrixCell struct {
	Label, Class, Href, Title string
	// Span is how many month columns the cell covers (the compact matrix of 支部详情).
	Span int
	// Selected marks the cell the detail page was opened for.
	Selected bool
	ID       string
}

// matrixRoutes registers 合规矩阵 and 支部详情.
func (s *server) matrixRoutes(g gin.IRoutes) {
	g.GET("/matrix", s.matrix)
	g.GET("/branches/:id", s.branch)
}

// worse orders statuses for a cell that sums up several rows (a member-scope rule): the cell shows
// the worst.
var worse = map[orglife.Status]int{
	orglife.StatusNotApplicable: 0, orglife.StatusCompliant: 1, orglife.StatusPending: 2, orglife.StatusLate: 3,
	orglife.StatusAtRisk: 4, orglife.StatusShallow: 5, orglife.StatusOverdue: 6, orglife.StatusError: 7,
}

// decided reports whether a status counts as due (应开展): its period is over or settled.
func decided(st orglife.Status) bool {
	switch st {
	case orglife.StatusCompliant, orglife.StatusLate, orglife.StatusShallow, orglife.StatusOverdue, orglife.StatusError:
		return true
	}
	return false
}

// everyLabel is the Chinese name of a period kind.
func everyLabel(kind string) string {
	switch kind {
	case rules.PeriodMonth:
		return "每月"
	case rules.PeriodQuarter:
		return "每季度"
	case rules.PeriodHalfYear:
		return "每半年"
	case rules.PeriodYear:
		return "每年"
	}
	return kind
}

// periodHeading is a column heading: the period label without its year (3月, 第一季度, 上半年, 全年).
func periodHeading(key string) string {
	year, _, _ := strings.Cut(key, "-")
	h := strings.TrimPrefix(rules.PeriodTitle(key), year+"年")
	if h == "" {
		return "全年"
	}
	return h
}

// cellKey indexes the status of an org, rule and period.
type cellKey struct{ org, rule, period string }

// cellStatuses sums up rows per org, rule and period (the worst status when several subjects).
func cellStatuses(rows []*orglife.LedgerRow) map[cellKey]orglife.Status {
	out := make(map[cellKey]orglife.Status, len(rows))
	for _, r := range rows {
		k := cellKey{r.OrgID, r.Rule, r.PeriodKey()}
		if old, ok := out[k]; !ok || worse[r.Status] > worse[old] {
			out[k] = r.Status
		}
	}
	return out
}

// newCell is the cell of a status; ok false means no ledger row (not evaluated yet).
func newCell(st orglife.Status, ok bool, href string) matrixCell {
	if !ok {
		return matrixCell{Label: "无数据", Class: "none", Href: href, Title: "尚无评估结果"}
	}
	return matrixCell{Label: orglife.StatusLabel(st), Class: string(st), Href: href}
}

// thisYear is the current year in the deployment's time zone.
func (s *server) thisYear() int { return s.svc.Now().In(s.svc.Location()).Year() }

// yearParam reads ?year=, defaulting to this year.
func (s *server) yearParam(c *gin.Context) (int, bool) {
	y := s.thisYear()
	if v := c.Query("year"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 2000 || n > 2100 {
			return 0, false
		}
		y = n
	}
	return y, true
}

// familyPrefix marks a ?rule= naming a family of rules: family:month is every monthly rule.
const familyPrefix = "family:"

// familyLabel is the Chinese name of the family of a period kind.
func familyLabel(kind string, n int) string {
	return fmt.Sprintf("%s开展的全部规则（%d 条）", everyLabel(kind), n)
}

func (s *server) matrix(c *gin.Context) {
	u := userOf(c)
	year, ok := s.yearParam(c)
	if !ok {
		s.failPage(c, orglife.Errorf(orglife.EINVALID, "年份应为2000至2100之间的整数"))
		return
	}
	want := c.Query("rule")
	mp := &matrixPage{Year: year, OrgID: c.Query("org_id")}
	for y := s.thisYear() + 1; y >= s.thisYear()-3; y-- {
		mp.Years = append(mp.Years, y)
	}
	// the rules of the view: the one asked for (the first when none), or its family
	families := map[string][]*rules.Rule{}
	var kinds []string
	var chosen []*rules.Rule
	for _, r := range s.chk.MatrixRules() {
		if r.Scope == rules.ScopeInstance {
			continue
		}
		mp.Rules = append(mp.Rules, option{Value: r.ID, Label: cmp.Or(r.Title, r.ID) + "（" + everyLabel(r.Every) + "）"})
		if families[r.Every] == nil {
			kinds = append(kinds, r.Every)
		}
		families[r.Every] = append(families[r.Every], r)
		if r.ID == want || (chosen == nil && want == "") {
			chosen = []*rules.Rule{r}
		}
	}
	for _, k := range kinds {
		mp.Families = append(mp.Families, option{Value: familyPrefix + k, Label: familyLabel(k, len(families[k]))})
	}
	if kind, ok := strings.CutPrefix(want, familyPrefix); ok && len(families[kind]) > 0 {
		chosen, mp.Family = families[kind], kind
	}
	if chosen == nil {
		if want != "" {
			s.failPage(c, orglife.Errorf(orglife.EINVALID, "没有按期执行的规则 %s", want))
			return
		}
		s.render(c, http.StatusOK, "matrix", s.pageWith(c, "合规矩阵", func(p *page) { p.Data = mp }))
		return
	}
	every := chosen[0].Every
	mp.Rule, mp.Every = cmp.Or(want, chosen[0].ID), everyLabel(every)
	ids := make([]string, len(chosen))
	for i, r := range chosen {
		ids[i] = r.ID
	}
	m, err := s.chk.Matrix(c.Request.Context(), actorOf(c), compliance.MatrixParams{OrgID: cmp.Or(mp.OrgID, u.OrgID), Rules: ids, Year: year})
	if err != nil {
		s.failPage(c, err)
		return
	}
	view := func(rule string) string {
		v := url.Values{"rule": {rule}, "year": {strconv.Itoa(year)}}
		if mp.OrgID != "" {
			v.Set("org_id", mp.OrgID)
		}
		return "/matrix?" + v.Encode()
	}
	if mp.Family == "" {
		mp.FamilyHref, mp.FamilyLabel = view(familyPrefix+every), familyLabel(every, len(families[every]))
	}
	keys := m.Periods[every]
	for _, k := range keys {
		mp.Periods = append(mp.Periods, matrixPeriod{Key: k, Label: rules.PeriodTitle(k), Heading: periodHeading(k)})
	}
	for _, r := range chosen {
		line := matrixRuleRate{ID: r.ID, Title: cmp.Or(r.Title, r.ID), Href: view(r.ID)}
		line.Rates = slices.Clone(mp.Periods)
		mp.Lines = append(mp.Lines, line)
	}
	statuses := cellStatuses(m.Rows)
	names := map[string]string{}
	for _, o := range m.Orgs {
		names[o.ID] = o.Name
	}
	groupOf := map[string]int{}
	for _, o := range m.Orgs {
		if o.Kind != orglife.KindBranch {
			continue
		}
		parent := ""
		if o.ParentID != nil {
			parent = *o.ParentID
		}
		gi, ok := groupOf[parent]
		if !ok {
			gi = len(mp.Groups)
			groupOf[parent] = gi
			mp.Groups = append(mp.Groups, matrixGroup{Name: cmp.Or(names[parent], parent, "未归属")})
		}
		row := matrixRow{OrgID: o.ID, Name: o.Name,
			Href: "/branches/" + url.PathEscape(o.ID) + "?" + url.Values{"year": {strconv.Itoa(year)}}.Encode()}
		for li, r := range chosen {
			line := matrixLine{Rule: r.ID, Title: mp.Lines[li].Title, Href: mp.Lines[li].Href}
			for i, k := range keys {
				st, ok := statuses[cellKey{o.ID, r.ID, k}]
				href := "/branches/" + url.PathEscape(o.ID) + "?" +
					url.Values{"rule": {r.ID}, "period": {k}, "year": {strconv.Itoa(year)}}.Encode() + "#detail"
				cell := newCell(st, ok, href)
				cell.Title = o.Name + " " + line.Title + " " + rules.PeriodTitle(k) + "：" + cell.Label
				cell.ID = "cell-" + o.ID + "-" + r.ID + "-" + k
				line.Cells = append(line.Cells, cell)
				if ok && decided(st) {
					line.Due++
					mp.Periods[i].due++
					mp.Lines[li].Rates[i].due++
					if st == orglife.StatusCompliant {
						line.Done++
						mp.Periods[i].done++
						mp.Lines[li].Rates[i].done++
					}
				}
			}
			row.Done += line.Done
			row.Due += line.Due
			row.Lines = append(row.Lines, line)
		}
		mp.Groups[gi].Rows = append(mp.Groups[gi].Rows, row)
		mp.Branches++
	}
	mp.GroupSpan = len(mp.Periods) + 1
	if mp.Family != "" {
		mp.GroupSpan++
	}
	for i := range mp.Periods {
		mp.Periods[i].Rate = rate(mp.Periods[i].done, mp.Periods[i].due)
	}
	for li := range mp.Lines {
		for i := range mp.Lines[li].Rates {
			mp.Lines[li].Rates[i].Rate = rate(mp.Lines[li].Rates[i].done, mp.Lines[li].Rates[i].due)
		}
	}
	s.render(c, http.StatusOK, "matrix", s.pageWith(c, "合规矩阵", func(p *page) { p.Data = mp }))
}

// rate renders done / due as a percentage, or — when nothing is due.
func rate(done, due int) string {
	if due == 0 {
		return "—"
	}
	return fmt.Sprintf("%d%%", (done*100+due/2)/due)
}
