package web

import (
	"context"
	"net/url"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/compliance"
)

// waiverSoonDays is how close a waiver's end must be to count as about to expire.
const waiverSoonDays = 14

// countLink is one number of a supervisor's 工作台 with the list behind it.
type countLink struct {
	Label string
	N     int
	More  bool // N is the page size and there are more
	Href  string
	Class string
}

// supervisorHome is what a supervisor's (or an admin's) 工作台 shows: the counts of its subtree,
// each a link to the list behind it, and the branches needing attention.
type supervisorHome struct {
	Counts   []countLink
	Branches []branchAttention
}

// branchAttention is a child org with overdue duties.
type branchAttention struct {
	OrgID, Name string
	Overdue     int
	Href        string
}

// loadSupervisorHome counts, from the stored ledger (one aggregate query) and the violations,
// what needs the supervisor's attention below its org.
func (s *server) loadSupervisorHome(ctx context.Context, actor orglife.Actor, orgID string) (*supervisorHome, error) {
	h := &supervisorHome{}
	if orgID != "" {
		rows, err := s.chk.Summary(ctx, actor, compliance.SummaryParams{OrgID: orgID})
		if err != nil {
			return nil, err
		}
		totals := map[orglife.Status]int{}
		for _, r := range rows {
			for st, n := range r.Counts {
				totals[st] += n
			}
			if n := r.Counts[orglife.StatusOverdue]; n > 0 {
				h.Branches = append(h.Branches, branchAttention{OrgID: r.OrgID, Name: r.Name, Overdue: n,
					Href: "/violations?" + url.Values{"org_id": {r.OrgID}, "status": {orglife.ViolationOpen}}.Encode()})
			}
		}
		for _, st := range []orglife.Status{orglife.StatusOverdue, orglife.StatusAtRisk, orglife.StatusShallow} {
			kind := map[orglife.Status]string{orglife.StatusOverdue: orglife.KindOverdue, orglife.StatusShallow: orglife.KindShallow}[st]
			href := "/violations?" + url.Values{"status": {orglife.ViolationOpen}, "kind": {kind}}.Encode()
			if kind == "" { // at risk is not a finding yet: the matrix shows where
				href = "/matrix"
			}
			h.Counts = append(h.Counts, countLink{Label: orglife.StatusLabel(st), N: totals[st], Href: href, Class: string(st)})
		}
	}
	open, err := s.chk.ListViolations(ctx, actor, compliance.ListViolationsParams{OrgID: orgID, Status: orglife.ViolationOpen,
		ListParams: orglife.ListParams{Limit: 500}})
	if err != nil {
		return nil, err
	}
	h.Counts = append(h.Counts, countLink{Label: "待处理的问题", N: len(open.Items), More: open.NextCursor != nil,
		Href: "/violations?status=open", Class: "open"})
	expiring, err := s.chk.ListViolations(ctx, actor, compliance.ListViolationsParams{OrgID: orgID, ExpiringDays: waiverSoonDays,
		ListParams: orglife.ListParams{Limit: 500}})
	if err != nil {
		return nil, err
	}
	h.Counts = append(h.Counts, countLink{Label: "豁免将到期（14天内）", N: len(expiring.Items), More: expiring.NextCursor != nil,
		Href: "/violations?expiring=14", Class: "expiring"})
	queues, err := s.loadReviewQueues(ctx, actor, orgID)
	if err != nil {
		return nil, err
	}
	waiting := countLink{Label: "待审核", Href: "/review", Class: "review"}
	for _, q := range queues {
		waiting.N += q.N
		waiting.More = waiting.More || q.More
	}
	h.Counts = append(h.Counts, waiting)
	return h, nil
}
