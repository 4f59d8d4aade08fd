package web

import (
	"cmp"
	"errors"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/compliance"
	"github.com/orglife/orglife/rules"
)

// violationRow is one finding of 问题清单.
type violationRow struct {
	ID, Org, Rule, Period, Kind, Severity, Status, Message, Explanation string
	Open, Decidable                                                     bool
}

// violationsPage is the data of 问题清单.
type violationsPage struct {
	Filter   url.Values
	Rows     []violationRow
	Pager    *pager
	Statuses []option
	Kinds    []option
	Error    string
	// Bulk is the scope of the bulk form (nil when the user may not decide); Result the report
	// of the bulk action just done.
	Bulk   *bulkScope
	Result *bulkResult
}

// violationRoutes registers 问题清单 and its decisions.
func (s *server) violationRoutes(g gin.IRoutes) {
	g.GET("/violations", s.violations)
	g.POST("/violations/bulk", s.bulkDecide)
	g.POST("/violations/:id/:decision", s.decideViolation)
}

func (s *server) violations(c *gin.Context) {
	s.showViolations(c, http.StatusOK, "")
}

func (s *server) showViolations(c *gin.Context, status int, failure string) {
	s.showViolationsWith(c, status, failure, nil)
}

// showViolationsWith renders 问题清单 of the request's filter, with a failure above the list or
// the report of a bulk action.
func (s *server) showViolationsWith(c *gin.Context, status int, failure string, result *bulkResult) {
	u := userOf(c)
	q := c.Request.URL.Query()
	vp := &violationsPage{Filter: q, Error: failure, Result: result}
	for _, st := range []string{orglife.ViolationOpen, orglife.ViolationAcknowledged, orglife.ViolationWaived, orglife.ViolationResolved} {
		vp.Statuses = append(vp.Statuses, option{Value: st, Label: orglife.ViolationStatusLabel(st)})
	}
	for _, k := range []string{orglife.KindOverdue, orglife.KindLate, orglife.KindShallow} {
		vp.Kinds = append(vp.Kinds, option{Value: k, Label: orglife.ViolationKindLabel(k)})
	}
	pg := newPager(c, "/violations", filterOf(q), 20)
	vp.Pager = pg
	list, err := s.chk.ListViolations(c.Request.Context(), actorOf(c), violationParams(u, q, pg.Params()))
	if err != nil {
		if orglife.ErrorCode(err) == orglife.EINVALID {
			vp.Error = filterError(err)
			s.render(c, http.StatusBadRequest, "violations", s.pageWith(c, "问题清单", func(p *page) { p.Violations = vp }))
			return
		}
		s.failPage(c, err)
		return
	}
	rs := s.chk.RuleSet()
	ids := make([]string, len(list.Items))
	for i, v := range list.Items {
		ids[i] = v.OrgID
	}
	names, err := s.svc.OrgNames(c.Request.Context(), actorOf(c), ids)
	if err != nil {
		s.failPage(c, err)
		return
	}
	for _, v := range list.Items {
		row := violationRow{ID: v.ID, Org: cmp.Or(names[v.OrgID], v.OrgID), Rule: v.Rule, Kind: orglife.ViolationKindLabel(v.Kind), Severity: orglife.SeverityLabel(v.Severity),
			Status: orglife.ViolationStatusLabel(v.Status), Message: v.Message, Explanation: v.Explanation.Text,
			Open: v.Status == orglife.ViolationOpen || v.Status == orglife.ViolationAcknowledged,
			// A supervisor decides on the orgs strictly below their own (the committee's own
			// findings, such as its 民主生活会, are decided above it).
			Decidable: u.Role == orglife.RoleAdmin || u.Role == orglife.RoleSupervisor && v.OrgID != u.OrgID}
		if v.Period != nil {
			row.Period = rules.PeriodTitle(*v.Period)
		}
		if rs != nil {
			if r := rs.Rule(v.Rule); r != nil {
				row.Rule = cmp.Or(r.Title, r.ID)
			}
		}
		vp.Rows = append(vp.Rows, row)
	}
	if u.Role != orglife.RoleBranch && len(vp.Rows) > 0 {
		all, more, err := s.filterResults(c.Request.Context(), actorOf(c), u, filterOf(q))
		if err != nil {
			s.failPage(c, err)
			return
		}
		vp.Bulk = &bulkScope{Page: len(vp.Rows), All: len(all), AllMore: more, Filter: filterOf(q).Encode()}
		pg.SetCount(len(all), more)
	}
	pg.Done(list.NextCursor)
	s.render(c, status, "violations", s.pageWith(c, "问题清单", func(p *page) { p.Violations = vp }))
}

func (s *server) decideViolation(c *gin.Context) {
	decision := c.Param("decision")
	p := compliance.DecideParams{Note: c.PostForm("note"), Reason: c.PostForm("reason"), ExpiresAt: c.PostForm("expires_at")}
	_, err := s.chk.Decide(c.Request.Context(), actorOf(c), c.Param("id"), decision, p)
	back := localPath(c.PostForm("back"), "/violations")
	var oe *orglife.Error
	switch {
	case err == nil:
		c.Redirect(http.StatusSeeOther, back)
	case errors.As(err, &oe) && (oe.Code == orglife.EINVALID || oe.Code == orglife.EUNPROCESSABLE || oe.Code == orglife.ECONFLICT):
		c.Request.URL.RawQuery = ""
		s.showViolations(c, http.StatusUnprocessableEntity, "未能办理："+decisionError(oe))
	default:
		s.failPage(c, err)
	}
}

// pageWith returns the page data of a logged-in page, completed by fill.
func (s *server) pageWith(c *gin.Context, title string, fill func(*page)) page {
	u := userOf(c)
	p := page{Title: title, CSRF: sessionOf(c).CSRF, User: u, RoleTitle: roleTitle(u.Role)}
	fill(&p)
	return p
}
