package web

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/compliance"
	"github.com/orglife/orglife/rules"
)

// matrixPage is the data of 合规矩阵: the branches of the scope (grouped by their parent) × the
// periods of a year for one rule.
type matrixPage struct {
	Rules   []option
	Rule    string
	Every   string
	Year    int
	Years   []int
	OrgID   string
	Periods []matrixPeriod
	Groups  []matrixGroup
	// Branches is the number of rows.
	Branches int
	// GroupSpan is the columns a group's heading spans (the branch column and the periods).
	GroupSpan int
}

// matrixPeriod is a column: its label, its heading and the 完成率 of the branches.
type matrixPeriod struct {
	Key, Label, Heading, Rate string
	done, due                 int
}

// matrixGroup is the branches under one parent org (党总支 or 党委).
type matrixGroup struct {
	Name string
	Rows []matrixRow
}

// matrixRow is a branch with one cell per period and its roll-up.
type matrixRow struct {
	OrgID, Name, Href string
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
	h := strings.TrimPrefix(periodLabel(key), year+"年")
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
	return matrixCell{Label: statusLabel(st), Class: string(st), Href: href}
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

func (s *server) matrix(c *gin.Context) {
	u := userOf(c)
	year, ok := s.yearParam(c)
	if !ok {
		s.failPage(c, orglife.Errorf(orglife.EINVALID, "年份应为2000至2100之间的整数"))
		return
	}
	mp := &matrixPage{Year: year, OrgID: c.Query("org_id")}
	for y := s.thisYear() + 1; y >= s.thisYear()-3; y-- {
		mp.Years = append(mp.Years, y)
	}
	var chosen *rules.Rule
	for _, r := range s.chk.MatrixRules() {
		if r.Scope == rules.ScopeInstance {
			continue
		}
		mp.Rules = append(mp.Rules, option{Value: r.ID, Label: cmp.Or(r.Title, r.ID) + "（" + everyLabel(r.Every) + "）"})
		if r.ID == c.Query("rule") || (chosen == nil && c.Query("rule") == "") {
			chosen = r
		}
	}
	if chosen == nil {
		if c.Query("rule") != "" {
			s.failPage(c, orglife.Errorf(orglife.EINVALID, "没有按期执行的规则 %s", c.Query("rule")))
			return
		}
		s.render(c, http.StatusOK, "matrix", s.pageWith(c, "合规矩阵", func(p *page) { p.Data = mp }))
		return
	}
	mp.Rule, mp.Every = chosen.ID, everyLabel(chosen.Every)
	m, err := s.chk.Matrix(c.Request.Context(), actorOf(c), compliance.MatrixParams{
		OrgID: cmp.Or(mp.OrgID, u.OrgID), Rules: []string{chosen.ID}, Year: year})
	if err != nil {
		s.failPage(c, err)
		return
	}
	keys := m.Periods[chosen.Every]
	for _, k := range keys {
		mp.Periods = append(mp.Periods, matrixPeriod{Key: k, Label: periodLabel(k), Heading: periodHeading(k)})
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
		for i, k := range keys {
			st, ok := statuses[cellKey{o.ID, chosen.ID, k}]
			href := "/branches/" + url.PathEscape(o.ID) + "?" +
				url.Values{"rule": {chosen.ID}, "period": {k}, "year": {strconv.Itoa(year)}}.Encode() + "#detail"
			cell := newCell(st, ok, href)
			cell.Title = o.Name + " " + periodLabel(k) + "：" + cell.Label
			row.Cells = append(row.Cells, cell)
			if ok && decided(st) {
				row.Due++
				mp.Periods[i].due++
				if st == orglife.StatusCompliant {
					row.Done++
					mp.Periods[i].done++
				}
			}
		}
		mp.Groups[gi].Rows = append(mp.Groups[gi].Rows, row)
		mp.Branches++
	}
	mp.GroupSpan = len(mp.Periods) + 1
	for i := range mp.Periods {
		mp.Periods[i].Rate = rate(mp.Periods[i].done, mp.Periods[i].due)
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
