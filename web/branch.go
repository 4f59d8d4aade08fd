package web

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/compliance"
	"github.com/orglife/orglife/engine"
	"github.com/orglife/orglife/rules"
)

// Bounds of 支部详情's timeline: records and findings read, records whose history is shown, and
// entries shown.
const (
	branchReadLimit    = 200
	branchHistoryLimit = 5
	branchTimelineMax  = 20
)

// branchPage is the data of 支部详情.
type branchPage struct {
	ID, Name, Kind, Secretary, TermEnds string
	// Committee lists the members who hold posts, each with their posts (书记、委员、组织委员 …).
	Committee  string
	Members    string
	Year       int
	Years      []int
	Months     []string
	Rules      []branchRule
	Selected   *branchCell
	Timeline   []timelineEntry
	MatrixHref string
}

// branchRule is one row of the compact matrix: a rule over the year's periods (cells spanning
// the months they cover).
type branchRule struct {
	ID, Title, Every string
	Cells            []matrixCell
	Done, Due        int
}

// branchCell is the ledger row the page was opened for (?rule=&period=).
type branchCell struct {
	Rule, Period, Status, Class, Due, Explanation string
	Evidence                                      []string
}

// timelineEntry is one event of the branch: a record, a transition or a finding.
type timelineEntry struct {
	At               time.Time
	When, Kind, Text string
	Href             string
}

func (s *server) branch(c *gin.Context) {
	ctx, actor, id := c.Request.Context(), actorOf(c), c.Param("id")
	loc := s.svc.Location()
	year, ok := s.yearParam(c)
	if !ok {
		s.failPage(c, orglife.Errorf(orglife.EINVALID, "年份应为2000至2100之间的整数"))
		return
	}
	o, err := s.svc.GetOrg(ctx, actor, id)
	if err != nil {
		s.failPage(c, err)
		return
	}
	bp := &branchPage{ID: o.ID, Name: o.Name, Kind: orglife.OrgKindLabel(o.Kind), Year: year, TermEnds: "未设置",
		MatrixHref: "/matrix?" + url.Values{"year": {strconv.Itoa(year)}}.Encode()}
	for y := s.thisYear() + 1; y >= s.thisYear()-3; y-- {
		bp.Years = append(bp.Years, y)
	}
	for m := 1; m <= 12; m++ {
		bp.Months = append(bp.Months, fmt.Sprintf("%d月", m))
	}
	if end := o.TermEndsOn(); end != "" {
		if t, err := time.Parse(orglife.DateLayout, end); err == nil {
			bp.TermEnds = fmt.Sprintf("%d年%d月%d日", t.Year(), t.Month(), t.Day())
		}
	}
	members, err := s.svc.ListMembers(ctx, actor, id, orglife.ListParams{Limit: 500})
	if err != nil {
		s.failPage(c, err)
		return
	}
	bp.Members = strconv.Itoa(len(members.Items)) + "人"
	if members.NextCursor != nil {
		bp.Members = "500人以上"
	}
	var committee []string
	for _, m := range members.Items {
		if slices.Contains(m.Roles, "secretary") && bp.Secretary == "" {
			bp.Secretary = m.Name
		}
		if len(m.Roles) > 0 {
			committee = append(committee, m.Name+"（"+rolesLabel(m.Roles)+"）")
		}
	}
	bp.Secretary = cmp.Or(bp.Secretary, "未设置")
	bp.Committee = cmp.Or(strings.Join(committee, "、"), "未设置")

	m, err := s.chk.Matrix(ctx, actor, compliance.MatrixParams{OrgID: id, Year: year, Explain: true})
	if err != nil {
		s.failPage(c, err)
		return
	}
	s.fillBranchMatrix(c, bp, m)
	bp.Timeline, err = s.branchTimeline(c, id, year, loc)
	if err != nil {
		s.failPage(c, err)
		return
	}
	s.render(c, http.StatusOK, "branch", s.pageWith(c, o.Name+" · 支部详情", func(p *page) { p.Data = bp }))
}

// fillBranchMatrix lays out the branch's rows of m: one row per rule that has a row for it (or
// applies to a branch), cells spanning their months, and the cell of ?rule=&period= in detail.
func (s *server) fillBranchMatrix(c *gin.Context, bp *branchPage, m *compliance.Matrix) {
	selRule, selPeriod := c.Query("rule"), c.Query("period")
	var own []*orglife.LedgerRow
	for _, r := range m.Rows {
		if r.OrgID == bp.ID {
			own = append(own, r)
		}
	}
	statuses := cellStatuses(own)
	has := map[string]bool{}
	for k := range statuses {
		has[k.rule] = true
	}
	for _, r := range m.Rules {
		if !has[r.ID] || r.Scope == rules.ScopeInstance {
			continue
		}
		keys := m.Periods[r.Every]
		br := branchRule{ID: r.ID, Title: cmp.Or(r.Title, r.ID), Every: everyLabel(r.Every)}
		for _, k := range keys {
			st, ok := statuses[cellKey{bp.ID, r.ID, k}]
			href := "/branches/" + url.PathEscape(bp.ID) + "?" +
				url.Values{"rule": {r.ID}, "period": {k}, "year": {strconv.Itoa(bp.Year)}}.Encode() + "#detail"
			cell := newCell(st, ok, href)
			cell.Span = 12 / max(len(keys), 1)
			cell.Title = rules.PeriodTitle(k) + "：" + cell.Label
			cell.ID = "cell-" + r.ID + "-" + k
			cell.Selected = r.ID == selRule && k == selPeriod
			br.Cells = append(br.Cells, cell)
			if ok && decided(st) {
				br.Due++
				if st == orglife.StatusCompliant {
					br.Done++
				}
			}
		}
		bp.Rules = append(bp.Rules, br)
	}
	if selRule == "" || selPeriod == "" {
		return
	}
	for _, r := range own {
		if r.Rule != selRule || r.PeriodKey() != selPeriod {
			continue
		}
		title := r.Rule
		if rule := s.chk.RuleSet().Rule(r.Rule); rule != nil {
			title = cmp.Or(rule.Title, rule.ID)
		}
		bp.Selected = &branchCell{Rule: title, Period: rules.PeriodTitle(selPeriod), Status: orglife.StatusLabel(r.Status),
			Class: string(r.Status), Due: orglife.DueLabel(r.Due, s.svc.Location()), Explanation: r.Explanation.Text, Evidence: r.Evidence}
		return
	}
	bp.Selected = &branchCell{Rule: selRule, Period: rules.PeriodTitle(selPeriod), Status: "无数据", Class: "none",
		Explanation: "这一期间尚无评估结果。"}
}

// branchTimeline is the branch's recent records of the year, the transitions of the most recent
// few and its findings, newest first, bounded: two lists of at most branchReadLimit and
// branchHistoryLimit histories, whatever the branch holds.
func (s *server) branchTimeline(c *gin.Context, id string, year int, loc *time.Location) ([]timelineEntry, error) {
	ctx, actor := c.Request.Context(), actorOf(c)
	ins, err := s.svc.ListInstances(ctx, actor, engine.ListInstancesParams{OrgID: id,
		From: fmt.Sprintf("%d-01-01", year), To: fmt.Sprintf("%d-12-31", year), ListParams: orglife.ListParams{Limit: branchReadLimit}})
	if err != nil {
		return nil, err
	}
	recent := slices.Clone(ins.Items)
	slices.SortFunc(recent, func(a, b *orglife.Instance) int { return b.UpdatedAt.Compare(a.UpdatedAt) })
	var out []timelineEntry
	defs := s.svc.WorkflowSet()
	for i, in := range recent {
		if i >= branchTimelineMax {
			break
		}
		title, state := in.Workflow, in.State
		def, ok := defs.Get(in.Workflow)
		if ok {
			title, state = cmp.Or(def.Title, def.ID), stateTitle(def.States, in.State)
		}
		on := ""
		if in.OccursOn != nil {
			on = "（" + *in.OccursOn + "）"
		}
		href := "/records/" + url.PathEscape(in.ID)
		out = append(out, timelineEntry{At: in.CreatedAt, Kind: "记录", Text: "新建" + title + on + "，当前：" + state, Href: href})
		if i >= branchHistoryLimit {
			continue
		}
		hist, err := s.svc.History(ctx, actor, in.ID)
		if err != nil {
			return nil, err
		}
		for _, t := range hist {
			to, event := t.To, t.Event
			if ok {
				to = stateTitle(def.States, t.To)
				if ev := def.Event(t.Event); ev != nil {
					event = cmp.Or(ev.Title, ev.Name)
				}
			}
			text := title + "：" + cmp.Or(t.Actor, "系统") + " 办理「" + event + "」→ " + to
			if t.Comment != "" {
				text += "，意见：" + t.Comment
			}
			out = append(out, timelineEntry{At: t.At, Kind: "流转", Text: text, Href: href})
		}
	}
	vs, err := s.chk.ListViolations(ctx, actor, compliance.ListViolationsParams{OrgID: id, ListParams: orglife.ListParams{Limit: branchReadLimit}})
	if err != nil {
		return nil, err
	}
	rs := s.chk.RuleSet()
	var findings []timelineEntry
	for _, v := range vs.Items {
		title := v.Rule
		if r := rs.Rule(v.Rule); r != nil {
			title = cmp.Or(r.Title, r.ID)
		}
		if v.Period != nil {
			title += "（" + rules.PeriodTitle(*v.Period) + "）"
		}
		findings = append(findings, timelineEntry{At: v.UpdatedAt, Kind: "问题",
			Text: orglife.ViolationKindLabel(v.Kind) + "：" + title + "，" + orglife.ViolationStatusLabel(v.Status),
			Href: "/violations?" + url.Values{"org_id": {id}, "rule": {v.Rule}}.Encode()})
	}
	// findings take at most half of the timeline, so an evaluation that opens many of them does
	// not push the branch's records out of it
	newestFirst := func(a, b timelineEntry) int { return b.At.Compare(a.At) }
	slices.SortStableFunc(findings, newestFirst)
	out = append(out, findings[:min(len(findings), max(branchTimelineMax/2, branchTimelineMax-len(out)))]...)
	slices.SortStableFunc(out, newestFirst)
	if len(out) > branchTimelineMax {
		out = out[:branchTimelineMax]
	}
	for i := range out {
		t := out[i].At.In(loc)
		out[i].When = fmt.Sprintf("%d年%d月%d日 %02d:%02d", t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute())
	}
	return out, nil
}
