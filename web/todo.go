package web

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/reminders"
	"github.com/orglife/orglife/rules"
	"github.com/orglife/orglife/workflows"
)

// todo is one duty of the branch not done yet (我的待办).
type todo struct {
	Title, Period, Due, Status, Class, Message string
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
	// Term says when the committee's term ends, when that is within reminders.TermHorizonDays.
	Term string
}

// maxTodos is how many duties the 工作台 lists, the most urgent first.
const maxTodos = 10

// loadSecretaryHome shows the branch's to-do list (reminders.Lister, the list GET /v1/todo
// answers): duties not done yet, overdue and at risk first, records returned by the reviewer and
// the rectification items still open.
func (s *server) loadSecretaryHome(ctx context.Context, actor orglife.Actor, orgID string, loc *time.Location) (*secretaryHome, error) {
	l, err := reminders.Lister{Svc: s.svc, Chk: s.chk}.Todo(ctx, actor, orgID)
	if err != nil {
		return nil, err
	}
	h := &secretaryHome{}
	for _, d := range l.Duties {
		h.Todos = append(h.Todos, todo{Title: d.Title, Period: rules.PeriodTitle(d.Row.PeriodKey()), Due: orglife.DueLabel(d.Due, loc),
			Status: orglife.StatusLabel(d.Status), Class: string(d.Status), Message: d.Message})
	}
	if len(h.Todos) > maxTodos { // a phone shows the most urgent; the branch page has them all
		h.More, h.Todos = len(h.Todos)-maxTodos, h.Todos[:maxTodos]
		h.MoreHref = "/branches/" + url.PathEscape(orgID)
	}
	if t := l.Term; t != nil {
		if t.Days < 0 {
			h.Term = fmt.Sprintf("支部委员会任期已于%s届满，请尽快换届。", rules.DayText(t.EndsOn))
		} else {
			h.Term = fmt.Sprintf("支部委员会任期将于%s届满（还有%d天），请做好换届准备。", rules.DayText(t.EndsOn), t.Days)
		}
	}
	for _, r := range l.Returned {
		h.Returned = append(h.Returned, returnedRecord{Title: r.Title, State: r.StateTitle, Comment: r.Comment, By: r.By})
	}
	for _, r := range l.Rectifications {
		h.Items = append(h.Items, workItem{Problem: r.Problem, Due: r.Due, State: r.StateTitle})
	}
	return h, nil
}

// stateTitle is the Chinese title of a state (its id when it has none).
func stateTitle(states []*workflows.State, id string) string { return reminders.StateTitle(states, id) }
