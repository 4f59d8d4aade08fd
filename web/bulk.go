package web

import (
	"cmp"
	"context"
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

// bulkCap bounds a bulk action on 问题清单 and the count of the filter's results behind it: at
// most bulkCap findings (read bulkCap/500 pages at a time), past which the count shows "5000+".
const bulkCap = 5000

// bulkScope is what the bulk form states about its scope: the findings on this page and all the
// results of the filter, counted.
type bulkScope struct {
	Page    int    // findings shown on this page
	All     int    // results of the filter (up to bulkCap)
	AllMore bool   // there are more than bulkCap
	Filter  string // the filter (the list's query without cursor), sent back with the form
}

// bulkResult reports a bulk action: how many succeeded and which failed, and why.
type bulkResult struct {
	Decision  string
	Scope     string
	Succeeded int
	Failed    []bulkFailure
}

// bulkFailure is one finding a bulk action could not decide.
type bulkFailure struct{ ID, Rule, Org, Reason string }

// decisionLabel is the Chinese name of a decision.
func decisionLabel(d string) string {
	switch d {
	case compliance.DecideAcknowledge:
		return "确认"
	case compliance.DecideWaive:
		return "豁免"
	case compliance.DecideResolve:
		return "标记已解决"
	}
	return d
}

// filterOf is the filter of 问题清单 in q (the pager's cursor, trail and size left out).
func filterOf(q url.Values) url.Values {
	f := url.Values{}
	for _, k := range []string{"status", "kind", "period", "rule", "severity", "org_id", "expiring"} {
		if v := q.Get(k); v != "" {
			f.Set(k, v)
		}
	}
	return f
}

// violationParams are the list parameters of a filter for the user.
func violationParams(u *orglife.User, f url.Values, lp orglife.ListParams) compliance.ListViolationsParams {
	expiring, _ := strconv.Atoi(f.Get("expiring"))
	return compliance.ListViolationsParams{OrgID: cmp.Or(f.Get("org_id"), u.OrgID), Status: f.Get("status"), Kind: f.Get("kind"),
		Period: rules.PeriodLabelOfText(f.Get("period")), Rule: f.Get("rule"), Severity: f.Get("severity"), ExpiringDays: min(max(expiring, 0), 366), ListParams: lp}
}

// filterResults reads the results of a filter, up to bulkCap, 500 at a time; more reports
// whether there are more.
func (s *server) filterResults(ctx context.Context, actor orglife.Actor, u *orglife.User, f url.Values) (vs []*orglife.Violation, more bool, err error) {
	cursor := ""
	for len(vs) < bulkCap {
		page, err := s.chk.ListViolations(ctx, actor, violationParams(u, f, orglife.ListParams{Limit: min(500, bulkCap-len(vs)), Cursor: cursor}))
		if err != nil {
			return nil, false, err
		}
		vs = append(vs, page.Items...)
		if page.NextCursor == nil {
			return vs, false, nil
		}
		cursor = *page.NextCursor
	}
	return vs, true, nil
}

// bulkDecide applies one decision to the checked findings of the page (scope=checked) or to
// every result of the filter (scope=all), and shows the list again with what succeeded and
// what failed, and why.
func (s *server) bulkDecide(c *gin.Context) {
	ctx := c.Request.Context()
	u, actor := userOf(c), actorOf(c)
	filter, _ := url.ParseQuery(c.PostForm("filter"))
	filter = filterOf(filter)
	c.Request.URL.RawQuery = filter.Encode()
	decision := c.PostForm("decision")
	p := compliance.DecideParams{Note: c.PostForm("note"), Reason: c.PostForm("reason"), ExpiresAt: c.PostForm("expires_at")}
	res := &bulkResult{Decision: decisionLabel(decision)}
	var missing []string
	switch decision {
	case compliance.DecideAcknowledge:
	case compliance.DecideWaive:
		if strings.TrimSpace(p.Reason) == "" {
			missing = append(missing, "豁免理由")
		}
		if p.ExpiresAt == "" {
			missing = append(missing, "豁免至（日期）")
		}
	case compliance.DecideResolve:
		if strings.TrimSpace(p.Note) == "" {
			missing = append(missing, "说明")
		}
	default:
		missing = append(missing, "处理方式")
	}
	if len(missing) > 0 {
		s.showViolationsWith(c, http.StatusUnprocessableEntity, "未能批量办理：请填写"+strings.Join(missing, "、"), nil)
		return
	}
	var ids []string
	rules := map[string]string{}
	orgs := map[string]string{}
	switch c.PostForm("scope") {
	case "all":
		vs, more, err := s.filterResults(ctx, actor, u, filter)
		if err != nil {
			s.failPage(c, err)
			return
		}
		for _, v := range vs {
			ids = append(ids, v.ID)
			rules[v.ID], orgs[v.ID] = v.Rule, v.OrgID
		}
		res.Scope = "全部筛选结果 " + strconv.Itoa(len(ids)) + " 条"
		if more {
			res.Scope += "（仅前 " + strconv.Itoa(bulkCap) + " 条，其余请再次办理）"
		}
	default:
		for _, id := range c.PostFormArray("id") {
			if id != "" && !slices.Contains(ids, id) && len(ids) < bulkCap {
				ids = append(ids, id)
			}
		}
		res.Scope = "本页勾选的 " + strconv.Itoa(len(ids)) + " 条"
	}
	if len(ids) == 0 {
		s.showViolationsWith(c, http.StatusUnprocessableEntity, "未能批量办理：没有选中任何问题（请勾选，或选择“全部筛选结果”）", nil)
		return
	}
	for _, id := range ids {
		v, err := s.chk.Decide(ctx, actor, id, decision, p)
		if err == nil {
			res.Succeeded++
			continue
		}
		f := bulkFailure{ID: id, Rule: rules[id], Org: orgs[id], Reason: decideFailure(err)}
		if v != nil {
			f.Rule, f.Org = v.Rule, v.OrgID
		}
		res.Failed = append(res.Failed, f)
	}
	if rs := s.chk.RuleSet(); rs != nil {
		for i, f := range res.Failed {
			if r := rs.Rule(f.Rule); r != nil {
				res.Failed[i].Rule = cmp.Or(r.Title, r.ID)
			}
		}
	}
	s.showViolationsWith(c, http.StatusOK, "", res)
}

// decideFailure says in Chinese why a decision failed.
func decideFailure(err error) string { return decisionError(err) }
