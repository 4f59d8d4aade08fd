package web

import (
	"cmp"
	"errors"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/engine"
	"github.com/orglife/orglife/workflows"
)

// recordRow is one record in a list.
type recordRow struct {
	ID, Title, State, OccursOn, Org string
}

// eventForm is the form of one event the user may fire on a record.
type eventForm struct {
	Name, Title, To string
	CommentRequired bool
	Fields          []formField
	Open            bool // shown open: the event that just failed
	Error           string
	Comment         string
	CommentError    string
}

// historyRow is one transition of a record's history.
type historyRow struct {
	At, Event, From, To, Actor, Comment string
}

// recordsPage is the data of the record pages.
type recordsPage struct {
	Workflows []workflowChoice
	Workflow  string
	Rows      []recordRow
	Pager     *pager
	// the detail page
	Record     *orglife.Instance
	Def        *workflows.Definition
	StateTitle string
	Data       []dataRow
	Events     []eventForm
	History    []historyRow
	Flow       []flowState
	// the start form
	Fields []formField
	OrgID  string
}

type workflowChoice struct{ ID, Title string }

type dataRow struct{ Label, Value string }

// recordRoutes registers the record pages.
func (s *server) recordRoutes(g gin.IRoutes) {
	g.GET("/records", s.records)
	g.GET("/records/new", s.newRecord)
	g.POST("/records", s.startRecord)
	g.GET("/records/:id", s.record)
	g.POST("/records/:id/events/:event", s.fireEvent)
}

func (s *server) records(c *gin.Context) {
	u := userOf(c)
	wf := c.Query("workflow")
	pg := newPager(c, "/records", url.Values{"workflow": {wf}}, 20)
	page, err := s.svc.ListInstances(c.Request.Context(), actorOf(c), engine.ListInstancesParams{Workflow: wf, OrgID: u.OrgID,
		ListParams: pg.Params()})
	if err != nil {
		s.failPage(c, err)
		return
	}
	rp := &recordsPage{Workflows: s.startable(u.Role), Workflow: wf, Pager: pg}
	defs := s.svc.WorkflowSet()
	for _, in := range page.Items {
		def, ok := defs.Get(in.Workflow)
		if !ok {
			continue
		}
		r := recordRow{ID: in.ID, Title: def.Title, State: stateTitle(def.States, in.State), Org: in.OrgID}
		if in.OccursOn != nil {
			r.OccursOn = *in.OccursOn
		}
		rp.Rows = append(rp.Rows, r)
	}
	pg.Done(page.NextCursor)
	s.render(c, http.StatusOK, "records", s.pageOf(c, "记录", rp))
}

// startable lists the workflows a role may start.
func (s *server) startable(role string) []workflowChoice {
	var out []workflowChoice
	for _, d := range s.svc.WorkflowSet().List() {
		if d.MayStart(role) {
			out = append(out, workflowChoice{ID: d.ID, Title: d.Title})
		}
	}
	return out
}

func (s *server) newRecord(c *gin.Context) {
	def, ok := s.svc.WorkflowSet().Get(c.Query("workflow"))
	if !ok || !def.MayStart(userOf(c).Role) {
		s.render(c, http.StatusNotFound, "notfound", page{Title: "页面不存在"})
		return
	}
	orgID := cmp.Or(c.Query("org_id"), userOf(c).OrgID)
	rp := &recordsPage{Def: def, Fields: formFields(def.Fields, nil, nil, nil, s.rosterOf(c.Request.Context(), actorOf(c), def, orgID).Options), OrgID: orgID}
	s.render(c, http.StatusOK, "record_new", s.pageOf(c, "新建"+def.Title, rp))
}

func (s *server) startRecord(c *gin.Context) {
	def, ok := s.svc.WorkflowSet().Get(c.PostForm("workflow"))
	if !ok {
		s.render(c, http.StatusNotFound, "notfound", page{Title: "页面不存在"})
		return
	}
	orgID := cmp.Or(c.PostForm("org_id"), userOf(c).OrgID)
	data := formData(def.Fields, nil, c.Request.PostForm, s.svc.Location())
	in, err := s.svc.Start(c.Request.Context(), actorOf(c), engine.StartParams{Workflow: def.ID, OrgID: orgID, Data: data})
	if err != nil {
		var oe *orglife.Error
		if errors.As(err, &oe) && (oe.Code == orglife.EINVALID || oe.Code == orglife.EUNPROCESSABLE) {
			opts := s.rosterOf(c.Request.Context(), actorOf(c), def, orgID).Options
			rp := &recordsPage{Def: def, Fields: formFields(def.Fields, nil, data, chineseDetails(oe.Details), opts), OrgID: orgID}
			p := s.pageOf(c, "新建"+def.Title, rp)
			p.Error = formError(oe)
			s.render(c, http.StatusUnprocessableEntity, "record_new", p)
			return
		}
		s.failPage(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/records/"+in.ID)
}

func (s *server) record(c *gin.Context) {
	s.showRecord(c, "", nil, "", nil)
}

// showRecord renders a record with its events; failed names the event whose form failed, which
// shows what was posted (posted over the record's data), so nothing typed is lost.
func (s *server) showRecord(c *gin.Context, failed string, failure *orglife.Error, comment string, posted map[string]any) {
	ctx := c.Request.Context()
	in, err := s.svc.GetInstance(ctx, actorOf(c), c.Param("id"))
	if err != nil {
		s.failPage(c, err)
		return
	}
	def, ok := s.svc.WorkflowSet().Get(in.Workflow)
	if !ok {
		s.failPage(c, orglife.Errorf(orglife.ENOTFOUND, "no workflow %s", in.Workflow))
		return
	}
	hist, err := s.svc.History(ctx, actorOf(c), in.ID)
	if err != nil {
		s.failPage(c, err)
		return
	}
	rp := &recordsPage{Record: in, Def: def, StateTitle: stateTitle(def.States, in.State), Flow: flowOf(def, in.State)}
	ros := s.rosterOf(ctx, actorOf(c), def, in.OrgID)
	for _, f := range def.Fields {
		if v := describeField(f, in.Data[f.Name], ros.Names); v != "" {
			rp.Data = append(rp.Data, dataRow{Label: cmp.Or(f.Title, f.Name), Value: v})
		}
	}
	loc := s.svc.Location()
	for _, t := range hist {
		ev := def.Event(t.Event)
		title := t.Event
		if ev != nil {
			title = cmp.Or(ev.Title, ev.Name)
		}
		rp.History = append(rp.History, historyRow{At: t.At.In(loc).Format("2006-01-02 15:04"), Event: title,
			From: stateTitle(def.States, t.From), To: stateTitle(def.States, t.To), Actor: t.Actor, Comment: t.Comment})
	}
	for _, ref := range s.svc.AvailableEvents(actorOf(c), in) {
		ev := def.Event(ref.Name)
		if ev == nil {
			continue
		}
		form := eventForm{Name: ev.Name, Title: cmp.Or(ev.Title, ev.Name), To: stateTitle(def.States, ref.To), CommentRequired: ev.CommentRequired}
		var details []orglife.Detail
		values := in.Data
		if ev.Name == failed && failure != nil {
			values = maps.Clone(in.Data)
			if values == nil {
				values = map[string]any{}
			}
			maps.Copy(values, posted)
			form.Open, form.Error, form.Comment, details = true, formError(failure), comment, chineseDetails(failure.Details)
			for _, d := range details {
				if d.Field == "comment" {
					form.CommentError = "请填写意见"
				}
			}
		}
		form.Fields = formFields(def.Fields, def.Settable(ev), values, details, ros.Options)
		rp.Events = append(rp.Events, form)
	}
	status := http.StatusOK
	if failure != nil {
		status = http.StatusUnprocessableEntity
	}
	s.render(c, status, "record", s.pageOf(c, def.Title, rp))
}

func (s *server) fireEvent(c *gin.Context) {
	ctx := c.Request.Context()
	in, err := s.svc.GetInstance(ctx, actorOf(c), c.Param("id"))
	if err != nil {
		s.failPage(c, err)
		return
	}
	def, _ := s.svc.WorkflowSet().Get(in.Workflow)
	ev := def.Event(c.Param("event"))
	if ev == nil {
		s.failPage(c, orglife.Errorf(orglife.ENOTFOUND, "no event %s", c.Param("event")))
		return
	}
	version, _ := strconv.Atoi(c.PostForm("version"))
	data := formData(def.Fields, def.Settable(ev), c.Request.PostForm, s.svc.Location())
	comment := c.PostForm("comment")
	_, err = s.svc.Fire(ctx, actorOf(c), engine.FireParams{InstanceID: in.ID, Event: ev.Name, Data: data, Comment: comment, ExpectedVersion: &version})
	var oe *orglife.Error
	switch {
	case err == nil:
		c.Redirect(http.StatusSeeOther, localPath(c.PostForm("back"), "/records/"+in.ID))
	case errors.As(err, &oe) && (oe.Code == orglife.EINVALID || oe.Code == orglife.EUNPROCESSABLE || oe.Code == orglife.ECONFLICT):
		if oe.Code == orglife.ECONFLICT {
			oe = &orglife.Error{Code: oe.Code, Message: "记录已被他人修改或当前状态不允许此操作，请查看最新内容后重试（" + oe.Message + "）"}
		}
		s.showRecord(c, ev.Name, oe, comment, data)
	default:
		s.failPage(c, err)
	}
}

// flowState is one state of a workflow's diagram in text: its title, whether the record is in
// it, and the events that lead out of it.
type flowState struct {
	Title   string
	Current bool
	Out     []string // 事件 → 状态
}

// flowOf is the workflow as a list of states with their ways out, the record's state marked: the
// diagram of the record page, readable on a phone and by a screen reader.
func flowOf(def *workflows.Definition, current string) []flowState {
	var out []flowState
	for _, st := range def.States {
		fs := flowState{Title: cmp.Or(st.Title, st.ID), Current: st.ID == current}
		for _, ev := range def.Events {
			if slices.Contains(ev.From, st.ID) {
				to := "原状态"
				if !ev.ToPrevious() {
					to = stateTitle(def.States, ev.To)
				}
				fs.Out = append(fs.Out, cmp.Or(ev.Title, ev.Name)+" → "+to)
			}
		}
		out = append(out, fs)
	}
	return out
}

// describeValue renders a data value for reading: lists one element per line, objects as
// key：value pairs (describeField names them by their titles).
func describeValue(v any) string { return describeField(nil, v, nil) }

// describeField renders a value of field f (nil when unknown) for reading: enum values by their
// labels, lists one element per line, objects as 标题：值 pairs in the order of their fields, booleans
// as 是 / 否.
func describeField(f *orglife.Field, v any, names map[string]string) string {
	switch x := v.(type) {
	case nil:
		return ""
	case []any:
		var items *orglife.Field
		if f != nil {
			items = f.Items
		}
		out := ""
		for i, e := range x {
			if i > 0 {
				out += "\n"
			}
			out += describeField(items, e, names)
		}
		return out
	case map[string]any:
		out := ""
		add := func(label string, e any) {
			if d := describeField(nil, e, names); d != "" {
				if out != "" {
					out += "，"
				}
				out += label + "：" + d
			}
		}
		if f != nil && len(f.Fields) > 0 {
			for _, sub := range f.Fields {
				if e, ok := x[sub.Name]; ok {
					if d := describeField(sub, e, names); d != "" {
						if out != "" {
							out += "，"
						}
						out += cmp.Or(sub.Title, sub.Name) + "：" + d
					}
				}
			}
			return out
		}
		for _, k := range slices.Sorted(maps.Keys(x)) {
			add(k, x[k])
		}
		return out
	case bool:
		if x {
			return "是"
		}
		return "否"
	case string:
		if f != nil && f.Labels[x] != "" {
			return f.Labels[x]
		}
		if f != nil && f.Type == orglife.TypeMember && names[x] != "" {
			return names[x]
		}
	}
	return scalar(v)
}

// failPage answers an error of the engine with a page: forbidden and not found say so in Chinese
// (a secretary tampering with a URL sees 无权访问, nothing of the other branch).
func (s *server) failPage(c *gin.Context, err error) {
	switch orglife.ErrorCode(err) {
	case orglife.EFORBIDDEN:
		s.render(c, http.StatusForbidden, "notfound", page{Title: "无权访问", Error: "您无权查看或办理这项内容。"})
	case orglife.ENOTFOUND:
		s.render(c, http.StatusNotFound, "notfound", page{Title: "页面不存在"})
	case orglife.EINVALID:
		s.render(c, http.StatusBadRequest, "notfound", page{Title: "请求有误", Error: filterError(err)})
	default:
		s.log.Error("page", "path", c.Request.URL.Path, "err", err)
		s.render(c, http.StatusInternalServerError, "notfound", page{Title: "出错了", Error: "服务器出错，请稍后重试。"})
	}
}

// pageOf returns the page data of a logged-in page.
func (s *server) pageOf(c *gin.Context, title string, rp *recordsPage) page {
	u := userOf(c)
	return page{Title: title, CSRF: sessionOf(c).CSRF, User: u, RoleTitle: roleTitle(u.Role), Records: rp}
}
