package api

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/compliance"
	"github.com/orglife/orglife/engine"
	"github.com/orglife/orglife/exports"
	"github.com/orglife/orglife/sheets"
)

// exportRoutes registers the downloads: the annual assessment workbook and each list's filtered
// view as .xlsx or .csv.
func (s *server) exportRoutes(g *gin.RouterGroup) {
	g.GET("/exports/:file", s.export)
}

// listFilters are the query parameters each list takes (and its export writes into the file).
var listFilters = map[string][]string{
	"compliance": {"org_id", "rule", "period", "status", "as_of", "from", "to"},
	"violations": {"org_id", "rule", "status", "kind", "severity", "period", "expiring_days"},
	"records":    {"workflow", "org_id", "state", "from", "to"},
}

func (s *server) export(c *gin.Context) {
	name, format, _ := strings.Cut(c.Param("file"), ".")
	if format != "xlsx" && format != "csv" {
		s.fail(c, errorf(codeNotFound, "no export %s: use {assessment,compliance,violations,records}.{xlsx,csv}", c.Param("file")))
		return
	}
	actor := actorOf(c)
	if name == "assessment" {
		if format != "xlsx" {
			s.fail(c, errorf(codeNotFound, "the assessment exports as .xlsx only"))
			return
		}
		s.exportAssessment(c, actor)
		return
	}
	keys, ok := listFilters[name]
	if !ok {
		s.fail(c, errorf(codeNotFound, "no export %s: use {assessment,compliance,violations,records}.{xlsx,csv}", c.Param("file")))
		return
	}
	meta := exports.Meta{Filter: map[string]string{}, At: s.chk.Now(), By: actor.Name, Location: s.chk.Location()}
	for _, k := range keys {
		meta.Filter[k] = c.Query(k)
	}
	from, to, ok := s.dateRange(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	var t *sheets.Table
	var err error
	switch name {
	case "compliance":
		asOf, ok := s.asOfQuery(c)
		if !ok {
			return
		}
		t, err = exports.Ledger(ctx, s.chk, actor, compliance.ComplianceParams{OrgID: c.Query("org_id"), Rule: c.Query("rule"),
			Period: c.Query("period"), Status: c.Query("status"), AsOf: asOf, From: from, To: to}, meta)
	case "violations":
		expiring := 0
		if v := c.Query("expiring_days"); v != "" {
			if expiring, err = strconv.Atoi(v); err != nil || expiring < 1 || expiring > 366 {
				s.fail(c, orglife.InvalidInput(orglife.BadParam("expiring_days", "a number of days from 1 to 366, such as 14", v)))
				return
			}
		}
		t, err = exports.Violations(ctx, s.chk, actor, compliance.ListViolationsParams{OrgID: c.Query("org_id"), Rule: c.Query("rule"),
			Status: c.Query("status"), Kind: c.Query("kind"), Severity: c.Query("severity"), Period: c.Query("period"), ExpiringDays: expiring}, meta)
	case "records":
		t, err = exports.Records(ctx, s.svc, actor, engine.ListInstancesParams{Workflow: c.Query("workflow"), OrgID: c.Query("org_id"),
			State: c.Query("state"), From: from, To: to}, meta)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	var buf bytes.Buffer
	ct, err := exports.Write(&buf, format, t)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Content-Disposition", exports.ContentDisposition(name+"."+format, t.Title+"."+format))
	c.Data(http.StatusOK, ct, buf.Bytes())
}

// exportAssessment answers GET /v1/exports/assessment.xlsx?org_id=&year=.
func (s *server) exportAssessment(c *gin.Context, actor orglife.Actor) {
	year, err := strconv.Atoi(c.Query("year"))
	if err != nil {
		s.fail(c, orglife.InvalidInput(orglife.BadParam("year", "a year such as 2025", c.Query("year"))))
		return
	}
	a, err := s.chk.Assessment(c.Request.Context(), actor, compliance.AssessmentParams{OrgID: c.Query("org_id"), Year: year})
	if err != nil {
		s.fail(c, err)
		return
	}
	wb := exports.AssessmentWorkbook(a, exports.AssessmentInfo{GeneratedAt: s.chk.Now(), GeneratedBy: actor.Name, Location: s.chk.Location()})
	var buf bytes.Buffer
	if err := sheets.WriteWorkbook(&buf, wb); err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Content-Disposition", exports.ContentDisposition("assessment-"+a.Scope.ID+"-"+strconv.Itoa(year)+".xlsx",
		a.Scope.Name+strconv.Itoa(year)+"年度组织生活开展情况统计表.xlsx"))
	c.Data(http.StatusOK, exports.XLSXType, buf.Bytes())
}
