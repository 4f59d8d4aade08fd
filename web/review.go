package web

import (
	"cmp"
	"context"
	"net/http"
	"net/url"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/engine"
	"github.com/orglife/orglife/workflows"
)

// Bounds of 审核: each queue is counted up to reviewCountCap records (shown as "100+" past it),
// and its records are listed reviewPageSize at a time (the pager's default size). The page reads
// one list per queue (the queues come from the workflow files, not from the records), one list
// of orgs, and one page of the chosen queue: no query per record.
const (
	reviewCountCap = 100
	reviewPageSize = 20
)

// reviewQueue is one tab of 审核: the records of a workflow in a state from which the reviewer
// has an event other than a direct 作废.
type reviewQueue struct {
	Key, Label, Href string
	N                int
	More, Current    bool

	def   *workflows.Definition
	state string
}

// reviewRecord is one record waiting for the reviewer, with the forms of its events.
type reviewRecord struct {
	ID, Title, Org, OccursOn, State string
	Version                         int
	Data                            []dataRow
	Events                          []eventForm
}

// reviewPage is the data of 审核.
type reviewPage struct {
	Queues  []reviewQueue
	Current *reviewQueue
	Records []reviewRecord
	Pager   *pager
	Back    string
}

// reviewRoutes registers 审核.
func (s *server) reviewRoutes(g gin.IRoutes) {
	g.GET("/review", s.review)
}

// reviewQueues lists, per workflow and state, whether a reviewer (supervisor) has an event there
// other than `void` — the states where records wait for it.
func reviewQueues(set *workflows.Set) []reviewQueue {
	var out []reviewQueue
	for _, def := range set.List() {
		for _, st := range def.States {
			if slices.ContainsFunc(def.EventsFrom(st.ID), reviewEvent) {
				out = append(out, reviewQueue{Key: def.ID + "." + st.ID, Label: def.Title + " · " + cmp.Or(st.Title, st.ID), def: def, state: st.ID})
			}
		}
	}
	return out
}

// reviewEvent reports whether an event is one a reviewer decides on: fired by supervisors, and
// not the direct 作废 a supervisor may do from any state.
func reviewEvent(ev *workflows.Event) bool {
	return ev.Name != "void" && slices.Contains(ev.By, orglife.RoleSupervisor)
}

func (s *server) review(c *gin.Context) {
	u := userOf(c)
	if u.Role != orglife.RoleSupervisor && u.Role != orglife.RoleAdmin {
		s.failPage(c, orglife.Errorf(orglife.EFORBIDDEN, "review is for supervisors"))
		return
	}
	ctx := c.Request.Context()
	actor := actorOf(c)
	names, err := s.orgNames(ctx, actor)
	if err != nil {
		s.failPage(c, err)
		return
	}
	rp := &reviewPage{Back: c.Request.URL.RequestURI()}
	want := c.Query("queue")
	queues, err := s.loadReviewQueues(ctx, actor, u.OrgID)
	if err != nil {
		s.failPage(c, err)
		return
	}
	rp.Queues = queues
	i := slices.IndexFunc(rp.Queues, func(q reviewQueue) bool { return q.Key == want })
	if i < 0 && want == "" {
		i = slices.IndexFunc(rp.Queues, func(q reviewQueue) bool { return q.N > 0 })
	}
	if i < 0 {
		if want != "" {
			s.failPage(c, orglife.Errorf(orglife.ENOTFOUND, "no queue %s", want))
			return
		}
		s.render(c, http.StatusOK, "review", s.pageWith(c, "审核", func(p *page) { p.Data = rp }))
		return
	}
	rp.Queues[i].Current = true
	q := &rp.Queues[i]
	rp.Current = q
	pg := newPager(c, "/review", url.Values{"queue": {q.Key}}, reviewPageSize)
	pg.SetCount(q.N, q.More)
	list, err := s.svc.ListInstances(ctx, actor, engine.ListInstancesParams{Workflow: q.def.ID, State: q.state, OrgID: u.OrgID,
		ListParams: pg.Params()})
	if err != nil {
		s.failPage(c, err)
		return
	}
	items := s.waiting(actor, list.Items)
	pg.Done(list.NextCursor)
	rp.Pager = pg
	rosters := map[string]orgRoster{}
	for _, in := range items {
		ros, ok := rosters[in.OrgID]
		if !ok {
			ros = s.rosterOf(c.Request.Context(), actor, q.def, in.OrgID)
			rosters[in.OrgID] = ros
		}
		rp.Records = append(rp.Records, s.reviewRecordOf(actor, q.def, in, names, ros))
	}
	s.render(c, http.StatusOK, "review", s.pageWith(c, "审核", func(p *page) { p.Data = rp }))
}

// loadReviewQueues counts the records waiting in each queue below orgID (one list per queue, up
// to reviewCountCap).
func (s *server) loadReviewQueues(ctx context.Context, actor orglife.Actor, orgID string) ([]reviewQueue, error) {
	var out []reviewQueue
	for _, q := range reviewQueues(s.svc.WorkflowSet()) {
		page, err := s.svc.ListInstances(ctx, actor, engine.ListInstancesParams{Workflow: q.def.ID, State: q.state, OrgID: orgID,
			ListParams: orglife.ListParams{Limit: reviewCountCap}})
		if err != nil {
			return nil, err
		}
		items := s.waiting(actor, page.Items)
		q.N, q.More = len(items), page.NextCursor != nil
		q.Href = "/review?" + url.Values{"queue": {q.Key}}.Encode()
		out = append(out, q)
	}
	return out, nil
}

// waiting keeps the records on which the actor has a reviewer's event (a supervisor's own org's
// records are not its to review).
func (s *server) waiting(actor orglife.Actor, items []*orglife.Instance) []*orglife.Instance {
	var out []*orglife.Instance
	for _, in := range items {
		def, ok := s.svc.WorkflowSet().Get(in.Workflow)
		if !ok {
			continue
		}
		if slices.ContainsFunc(s.svc.AvailableEvents(actor, in), func(r engine.EventRef) bool {
			ev := def.Event(r.Name)
			return ev != nil && reviewEvent(ev)
		}) {
			out = append(out, in)
		}
	}
	return out
}

// reviewRecordOf lays out a record with its data and the forms of the reviewer's events.
func (s *server) reviewRecordOf(actor orglife.Actor, def *workflows.Definition, in *orglife.Instance, names map[string]string, ros orgRoster) reviewRecord {
	r := reviewRecord{ID: in.ID, Title: def.Title, Org: cmp.Or(names[in.OrgID], in.OrgID), State: stateTitle(def.States, in.State), Version: in.Version}
	if in.OccursOn != nil {
		r.OccursOn = *in.OccursOn
	}
	for _, f := range def.Fields {
		if v := describeField(f, in.Data[f.Name], ros.Names); v != "" {
			r.Data = append(r.Data, dataRow{Label: cmp.Or(f.Title, f.Name), Value: cmp.Or(f.Labels[v], v)})
		}
	}
	for _, ref := range s.svc.AvailableEvents(actor, in) {
		ev := def.Event(ref.Name)
		if ev == nil || !reviewEvent(ev) {
			continue
		}
		r.Events = append(r.Events, eventForm{Name: ev.Name, Title: cmp.Or(ev.Title, ev.Name), To: stateTitle(def.States, ref.To),
			CommentRequired: ev.CommentRequired, Fields: formFields(def.Fields, def.Settable(ev), in.Data, nil, ros.Options)})
	}
	return r
}

// orgNames maps the ids of the orgs the actor may read to their names.
func (s *server) orgNames(ctx context.Context, actor orglife.Actor) (map[string]string, error) {
	orgs, err := s.allOrgs(ctx, actor)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(orgs))
	for _, o := range orgs {
		out[o.ID] = o.Name
	}
	return out, nil
}

// localPath returns ref when it is a path on this site (not //host or a URL), else def.
func localPath(ref, def string) string {
	if len(ref) > 0 && ref[0] == '/' && (len(ref) == 1 || (ref[1] != '/' && ref[1] != '\\')) {
		return ref
	}
	return def
}
