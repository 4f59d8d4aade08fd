package reminders

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/compliance"
	"github.com/orglife/orglife/engine"
	"github.com/orglife/orglife/workflows"
)

// Duty is one ledger row of the org not done yet: overdue, at risk, or pending in the current
// period (or, without a period, due within DutyHorizonDays).
type Duty struct {
	Rule    string             `json:"rule"`
	Title   string             `json:"title"`
	Message string             `json:"message"`
	Subject string             `json:"subject_id"`
	Period  *string            `json:"period"`
	Due     *time.Time         `json:"due"`
	Status  orglife.Status     `json:"status"`
	Row     *orglife.LedgerRow `json:"-"`
}

// Returned is a record the reviewer sent back, with the reviewer's comment.
type Returned struct {
	InstanceID string `json:"instance_id"`
	Workflow   string `json:"workflow"`
	Title      string `json:"title"`
	State      string `json:"state"`
	StateTitle string `json:"state_title"`
	Comment    string `json:"comment"`
	By         string `json:"by"`
}

// Rectification is a rectification item still to be worked on.
type Rectification struct {
	InstanceID string `json:"instance_id"`
	Problem    string `json:"problem"`
	Due        string `json:"due_on"`
	State      string `json:"state"`
	StateTitle string `json:"state_title"`
}

// Term is a committee term ending within TermHorizonDays.
type Term struct {
	EndsOn string `json:"ends_on"`
	Days   int    `json:"days_left"`
}

// List is what an org must do next.
type List struct {
	OrgID string `json:"org_id"`
	// Duties are ordered overdue first (the latest of them first), then at risk and pending by
	// due date.
	Duties         []Duty          `json:"duties"`
	Returned       []Returned      `json:"returned"`
	Rectifications []Rectification `json:"rectifications"`
	Term           *Term           `json:"term_ending"`
}

// DutyHorizonDays is how far ahead a duty without a period (a deadline or instance rule) is listed.
const DutyHorizonDays = 90

// TermHorizonDays is how far ahead a term's end is listed.
const TermHorizonDays = 180

// maxReturnedChecks bounds the histories read to find returned records.
const maxReturnedChecks = 20

// Lister builds to-do lists on the workflow service and the compliance checker.
type Lister struct {
	Svc *engine.Service
	Chk *compliance.Checker
}

// Todo lists what orgID must do next, as actor sees it: a bounded number of queries whatever the
// org holds.
func (l Lister) Todo(ctx context.Context, actor orglife.Actor, orgID string) (*List, error) {
	org, err := l.Svc.GetOrg(ctx, actor, orgID)
	if err != nil {
		return nil, err
	}
	loc := l.Chk.Location()
	now := l.Svc.Now().In(loc)
	out := &List{OrgID: orgID, Duties: []Duty{}, Returned: []Returned{}, Rectifications: []Rectification{}}
	rs := l.Chk.RuleSet()
	rank := map[orglife.Status]int{orglife.StatusOverdue: 0, orglife.StatusAtRisk: 1, orglife.StatusPending: 2}
	for _, st := range []orglife.Status{orglife.StatusOverdue, orglife.StatusAtRisk, orglife.StatusPending} {
		page, err := l.Chk.Compliance(ctx, actor, compliance.ComplianceParams{OrgID: orgID, Status: string(st), ListParams: orglife.ListParams{Limit: 200}})
		if err != nil {
			return nil, err
		}
		for _, r := range page.Items {
			if st == orglife.StatusPending && !Current(r, now) {
				continue
			}
			d := Duty{Rule: r.Rule, Title: r.Rule, Subject: r.SubjectID, Period: r.Period, Due: r.Due, Status: r.Status, Row: r}
			if rs != nil {
				if rule := rs.Rule(r.Rule); rule != nil {
					d.Title = cmp.Or(rule.Title, rule.ID)
					if !strings.Contains(rule.Message, "{{") { // a template reads only through its row
						d.Message = rule.Message
					}
				}
			}
			// a template reads only through the row: its explanation names the member, the problem
			d.Message = cmp.Or(d.Message, r.Explanation.Message, r.Explanation.Text)
			out.Duties = append(out.Duties, d)
		}
	}
	due := func(d Duty) time.Time {
		if d.Due == nil {
			return time.Time{}
		}
		return *d.Due
	}
	slices.SortStableFunc(out.Duties, func(a, b Duty) int {
		ra, rb := rank[a.Status], rank[b.Status]
		if ra == 0 && rb == 0 {
			return due(b).Compare(due(a))
		}
		return cmp.Or(cmp.Compare(ra, rb), due(a).Compare(due(b)))
	})

	if end := org.TermEndsOn(); end != "" {
		if t, err := time.ParseInLocation(orglife.DateLayout, end, loc); err == nil {
			today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
			if days := int(t.Sub(today).Hours() / 24); days <= TermHorizonDays {
				out.Term = &Term{EndsOn: end, Days: days}
			}
		}
	}

	insts, err := l.Svc.ListInstances(ctx, actor, engine.ListInstancesParams{OrgID: orgID, ListParams: orglife.ListParams{Limit: 500}})
	if err != nil {
		return nil, err
	}
	defs := l.Svc.WorkflowSet()
	checks := 0
	for _, in := range insts.Items {
		def, ok := defs.Get(in.Workflow)
		if !ok || in.OrgID != orgID {
			continue
		}
		if in.Workflow == "rectification" && !in.Complete && !def.IsCancelled(in.State) && !def.IsFinal(in.State) {
			due, _ := in.Data["due_on"].(string)
			problem, _ := in.Data["problem"].(string)
			out.Rectifications = append(out.Rectifications, Rectification{InstanceID: in.ID, Problem: problem, Due: due, State: in.State,
				StateTitle: StateTitle(def.States, in.State)})
		}
		if !returnTarget(def.Events, in.State) || checks >= maxReturnedChecks {
			continue
		}
		checks++
		hist, err := l.Svc.History(ctx, actor, in.ID)
		if err != nil || len(hist) == 0 || hist[len(hist)-1].Event != "return" {
			continue
		}
		last := hist[len(hist)-1]
		out.Returned = append(out.Returned, Returned{InstanceID: in.ID, Workflow: in.Workflow, Title: def.Title, State: in.State,
			StateTitle: StateTitle(def.States, in.State), Comment: last.Comment, By: last.Actor})
	}
	return out, nil
}

// Current reports whether a row's period contains the day now, or a row without a period is due
// within the next DutyHorizonDays days.
func Current(r *orglife.LedgerRow, now time.Time) bool {
	day := now.Format(orglife.DateLayout)
	if r.PeriodStart != nil && r.PeriodEnd != nil {
		return *r.PeriodStart <= day && day <= *r.PeriodEnd
	}
	return r.Due != nil && r.Due.Before(now.AddDate(0, 0, DutyHorizonDays))
}

// StateTitle is the Chinese title of a state (its id when it has none).
func StateTitle(states []*workflows.State, id string) string {
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
