package web

import (
	"bytes"
	"cmp"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/compliance"
	"github.com/orglife/orglife/engine"
	"github.com/orglife/orglife/exports"
	"github.com/orglife/orglife/rules"
	"github.com/orglife/orglife/sheets"
)

// exportRoutes registers 考核导出 and the downloads of each list's filtered view.
func (s *server) exportRoutes(g gin.IRoutes) {
	g.GET("/assessment", s.supervisorOnly(s.assessmentPage))
	g.GET("/exports/:file", s.exportFile)
}

// supervisorOnly lets supervisors and admins through.
func (s *server) supervisorOnly(h gin.HandlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		if r := userOf(c).Role; r != orglife.RoleAdmin && r != orglife.RoleSupervisor {
			s.failPage(c, orglife.Errorf(orglife.EFORBIDDEN, "supervisors and admins only"))
			return
		}
		h(c)
	}
}

// exportHref is the download link of a list's current view: the page's own query, so the file
// holds what the page shows (and says which filter it was).
func exportHref(list, format string, q url.Values) string {
	clean := url.Values{}
	for k, vs := range q {
		if k != "cursor" && len(vs) > 0 && vs[0] != "" {
			clean.Set(k, vs[0])
		}
	}
	h := "/exports/" + list + "." + format
	if e := clean.Encode(); e != "" {
		h += "?" + e
	}
	return h
}

// assessmentBranch is one row of the 考核导出 preview.
type assessmentBranch struct {
	Parent, Name, Rate string
	Compliant, Overdue int
}

// assessmentPage is the data of 考核导出.
type assessmentPage struct {
	Orgs     []option
	OrgID    string
	Year     int
	Years    []int
	Branches []assessmentBranch
	Problems int
	Href     string
	Error    string
}

// assessmentPage shows 考核导出: choose a scope and a year, preview each branch's 完成率 and
// the number of problems, download the workbook.
func (s *server) assessmentPage(c *gin.Context) {
	u := userOf(c)
	ctx := c.Request.Context()
	actor := actorOf(c)
	now := s.svc.Now().In(s.chk.Location())
	ap := &assessmentPage{OrgID: cmp.Or(c.Query("org_id"), u.OrgID), Year: now.Year()}
	if y, err := strconv.Atoi(c.Query("year")); err == nil {
		ap.Year = y
	}
	for y := now.Year(); y >= now.Year()-4; y-- {
		ap.Years = append(ap.Years, y)
	}
	orgs, err := s.allOrgs(ctx, actor)
	if err != nil {
		s.failPage(c, err)
		return
	}
	for _, o := range orgs {
		if o.Kind != orglife.KindGroup {
			ap.Orgs = append(ap.Orgs, option{Value: o.ID, Label: o.Name})
		}
	}
	if ap.OrgID == "" && len(orgs) > 0 {
		ap.OrgID = orgs[0].ID
	}
	if ap.OrgID != "" {
		a, err := s.chk.Assessment(ctx, actor, compliance.AssessmentParams{OrgID: ap.OrgID, Year: ap.Year})
		switch {
		case err != nil && (orglife.ErrorCode(err) == orglife.EINVALID || orglife.ErrorCode(err) == orglife.ENOTFOUND):
			ap.Error = filterError(err)
		case err != nil:
			s.failPage(c, err)
			return
		default:
			names := map[string]string{}
			for _, o := range a.Orgs {
				names[o.ID] = o.Name
			}
			for _, b := range a.Branches {
				row := assessmentBranch{Name: b.Name, Compliant: a.Counts[b.ID][orglife.StatusCompliant], Overdue: a.Counts[b.ID][orglife.StatusOverdue], Rate: "—"}
				if b.ParentID != nil && b.ID != ap.OrgID {
					row.Parent = names[*b.ParentID]
				}
				if r := compliance.ComplianceRate(a.Counts[b.ID]); r != nil {
					row.Rate = strconv.FormatFloat(*r*100, 'f', 1, 64) + "%"
				}
				ap.Branches = append(ap.Branches, row)
			}
			ap.Problems = len(a.Violations)
			ap.Href = "/exports/assessment.xlsx?" + url.Values{"org_id": {ap.OrgID}, "year": {strconv.Itoa(ap.Year)}}.Encode()
		}
	}
	s.render(c, http.StatusOK, "assessment", s.pageWith(c, "考核导出", func(p *page) { p.Data = ap }))
}

// exportFile answers GET /exports/{assessment.xlsx, violations|records|compliance .xlsx|.csv}
// with the query of the list page it was linked from.
func (s *server) exportFile(c *gin.Context) {
	name, format, _ := strings.Cut(c.Param("file"), ".")
	if format != "xlsx" && format != "csv" {
		s.failPage(c, orglife.ErrNotFound)
		return
	}
	u := userOf(c)
	actor := actorOf(c)
	ctx := c.Request.Context()
	q := c.Request.URL.Query()
	meta := exports.Meta{Filter: map[string]string{}, At: s.chk.Now(), By: cmp.Or(u.Name, u.Username), Location: s.chk.Location()}
	for k := range q {
		meta.Filter[k] = q.Get(k)
	}
	var t *sheets.Table
	var err error
	switch name {
	case "assessment":
		if u.Role != orglife.RoleAdmin && u.Role != orglife.RoleSupervisor || format != "xlsx" {
			s.failPage(c, orglife.Errorf(orglife.EFORBIDDEN, "supervisors and admins only"))
			return
		}
		year, _ := strconv.Atoi(q.Get("year"))
		a, err := s.chk.Assessment(ctx, actor, compliance.AssessmentParams{OrgID: q.Get("org_id"), Year: year})
		if err != nil {
			s.failPage(c, err)
			return
		}
		var buf bytes.Buffer
		wb := exports.AssessmentWorkbook(a, exports.AssessmentInfo{GeneratedAt: s.chk.Now(), GeneratedBy: meta.By, Location: s.chk.Location()})
		if err := sheets.WriteWorkbook(&buf, wb); err != nil {
			s.failPage(c, err)
			return
		}
		c.Header("Content-Disposition", exports.ContentDisposition("assessment-"+a.Scope.ID+"-"+strconv.Itoa(year)+".xlsx",
			a.Scope.Name+strconv.Itoa(year)+"年度组织生活开展情况统计表.xlsx"))
		c.Data(http.StatusOK, exports.XLSXType, buf.Bytes())
		return
	case "violations":
		p := violationParams(u, q, orglife.ListParams{})
		meta.Filter["org_id"] = p.OrgID
		t, err = exports.Violations(ctx, s.chk, actor, p, meta)
	case "records":
		t, err = exports.Records(ctx, s.svc, actor, engine.ListInstancesParams{Workflow: q.Get("workflow"), OrgID: cmp.Or(q.Get("org_id"), u.OrgID),
			State: q.Get("state"), From: q.Get("from"), To: q.Get("to")}, meta)
	case "compliance":
		t, err = exports.Ledger(ctx, s.chk, actor, compliance.ComplianceParams{OrgID: cmp.Or(q.Get("org_id"), u.OrgID), Rule: q.Get("rule"),
			Period: rules.PeriodLabelOfText(q.Get("period")), Status: q.Get("status")}, meta)
	default:
		s.failPage(c, orglife.ErrNotFound)
		return
	}
	if err != nil {
		s.failPage(c, err)
		return
	}
	var buf bytes.Buffer
	ct, err := exports.Write(&buf, format, t)
	if err != nil {
		s.failPage(c, err)
		return
	}
	c.Header("Content-Disposition", exports.ContentDisposition(name+"."+format, t.Title+"."+format))
	c.Data(http.StatusOK, ct, buf.Bytes())
}
