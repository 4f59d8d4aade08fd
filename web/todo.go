package web

import (
	"cmp"
	"context"
	"net/url"
	"slices"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/compliance"
	"github.com/orglife/orglife/engine"
	"github.com/orglife/orglife/workflows"
)

// todo is one duty of the branch not done yet (我的待办).
type todo struct {
	Title, Period, Due, Status, Class, Message string
	due                                        time.Time
	rank                                       int
}

// returnedRecord is a record the reviewer sent back, with the reviewer's comment.
type returnedRecord struct {
	Title, State, Comment, By string
}

// workItem is a rectification item still to be worked on.
type workItem struct {
	Problem, Due, State string
}

// secretaryHome is what a secretary's 工作台 shows.
type secretaryHome struct {
	Todos []todo
	// More counts the duties left off the 工作台 (the rest are on 支部详情, MoreHref).
	More     int
	MoreHref string
	Returned []returnedRecord
	Items    []workItem
}

// maxTodos is how many duties the 工作台 lists, the most urgent first.
const maxTodos = 10

// maxReturnedChecks bounds the histories read to find returned records.
const maxReturnedChecks = 20

// loadSecretaryHome collects the branch's duties not done yet (overdue and at risk first, then
// this period's pending ones), the records returned by the reviewer and the rectification items
// still open. A bounded number of queries, whatever the branch holds.
func (s *server) loadSecretaryHome(ctx context.Context, actor orglife.Actor, orgID string, loc *time.Location) (*secretaryHome, error) {
	h := &secretaryHome{}
	now := s.svc.Now().In(loc)
	rs := s.chk.RuleSet()
	for rank, st := range []orglife.Status{orglife.StatusOverdue, orglife.StatusAtRisk, orglife.StatusPending} {
		page, err := s.chk.Compliance(ctx, actor, compliance.ComplianceParams{OrgID: orgID, Status: string(st), ListParams: orglife.ListParams{Limit: 200}})
		if err != nil {
			return nil, err
		}
		for _, r := range page.Items {
			if st == orglife.StatusPending && !current(r, now) {
				continue
			}
			t := todo{Title: r.Rule, Period: periodLabel(r.PeriodKey()), Due: dueLabel(r.Due, loc), Status: statusLabel(r.Status),
				Class: string(r.Status), rank: rank}
			if rs != nil {
				if rule := rs.Rule(r.Rule); rule != nil {
					t.Title, t.Message = cmp.Or(rule.Title, rule.ID), rule.Message
				}
			}
			if r.Due != nil {
				t.due = *r.Due
			}
			h.Todos = append(h.Todos, t)
		}
	}
	// overdue first, the latest of them first (the ones still worth catching up); then what falls
	// due soonest
	slices.SortStableFunc(h.Todos, func(a, b todo) int {
		if a.rank == 0 && b.rank == 0 {
			return b.due.Compare(a.due)
		}
		return cmp.Or(cmp.Compare(a.rank, b.rank), a.due.Compare(b.due))
	})
	if len(h.Todos) > maxTodos { // a phone shows the most urgent; the branch page has them all
		h.More, h.Todos = len(h.Todos)-maxTodos, h.Todos[:maxTodos]
		h.MoreHref = "/branches/" + url.PathEscape(orgID)
	}

	insts, err := s.svc.ListInstances(ctx, actor, engine.ListInstancesParams{OrgID: orgID, ListParams: orglife.ListParams{Limit: 500}})
	if err != nil {
		return nil, err
	}
	defs := s.svc.WorkflowSet()
	checks := 0
	for _, in := range insts.Items {
		def, ok := defs.Get(in.Workflow)
		if !ok || in.OrgID != orgID {
			continue
		}
		if in.Workflow == "rectification" && !in.Complete && !def.IsCancelled(in.State) && !def.IsFinal(in.State) {
			due, _ := in.Data["due_on"].(string)
			problem, _ := in.Data["problem"].(string)
			h.Items = append(h.Items, workItem{Problem: problem, Due: due, State: stateTitle(def.States, in.State)})
		}
		if !returnTarget(def.Events, in.State) || checks >= maxReturnedChecks {
			continue
		}
		checks++
		hist, err := s.svc.History(ctx, actor, in.ID)
		if err != nil || len(hist) == 0 || hist[len(hist)-1].Event != "return" {
			continue
		}
		last := hist[len(hist)-1]
		h.Returned = append(h.Returned, returnedRecord{Title: def.Title, State: stateTitle(def.States, in.State), Comment: last.Comment, By: last.Actor})
	}
	return h, nil
}

// current reports whether a row's period contains the day now, or a row without a period is due
// within the next 90 days.
func current(r *orglife.LedgerRow, now time.Time) bool {
	day := now.Format(orglife.DateLayout)
	if r.PeriodStart != nil && r.PeriodEnd != nil {
		return *r.PeriodStart <= day && day <= *r.PeriodEnd
	}
	return r.Due != nil && r.Due.Before(now.AddDate(0, 0, 90))
}

// stateTitle is the Chinese title of a state (its id when it has none).
func stateTitle(states []*workflows.State, id string) string {
	for _, s := range states {
		if s.ID == id {
			return cmp.Or(s.Title, s.ID)
		}
	}
	return id
}

// returnTarget reports whether a `return` event leads to state.
func returnTarget(events []*workflows.Event, state string) bool {
	return slices.ContainsFunc(events, func(e *workflows.Event) bool { return e.Name == "return" && e.To == state })
}
