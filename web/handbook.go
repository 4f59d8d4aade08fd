package web

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/engine"
	"github.com/orglife/orglife/workflows"
)

// handbookCap bounds the records a 工作手册 reads (500 a page): a branch files far fewer a year.
const handbookCap = 5000

// handbookPage is the data of the 工作手册 print view: a branch's records of a year laid out like
// 《党支部工作手册》.
type handbookPage struct {
	OrgID, OrgName string
	Year           int
	Orgs           []option // the branches the user may open (the chooser, not printed)
	Sections       []handbookSection
	Truncated      bool
	Printed        string
}

// handbookSection is one part of the handbook (计划, 会议记录, 谈心谈话, …).
type handbookSection struct {
	Title   string
	Records []handbookRecord
}

// handbookRecord is one record of the handbook, on its own printed page: a meeting as the
// handbook's meeting sheet, anything else as its fields.
type handbookRecord struct {
	Title, Date, State string
	Meeting            *meetingSheet
	Data               []dataRow
}

// meetingSheet is a meeting record as 《党支部工作手册》 prints it.
type meetingSheet struct {
	Type, Date, Place, Chair, Recorder, Topic, Minutes string
	Expected, Present                                  string
	Absentees                                          []absentee
	Decisions, Problems                                []string
}

type absentee struct{ Name, Reason string }

// handbookRoutes registers the 工作手册.
func (s *server) handbookRoutes(g gin.IRoutes) {
	g.GET("/handbook", s.handbookHome)
	g.GET("/handbook/:org", s.handbook)
}

// handbookHome opens the user's own org's handbook of this year.
func (s *server) handbookHome(c *gin.Context) {
	u := userOf(c)
	year := cmp.Or(c.Query("year"), strconv.Itoa(s.svc.Now().In(s.svc.Location()).Year()))
	org := cmp.Or(c.Query("org"), u.OrgID)
	if org == "" {
		s.failPage(c, orglife.Errorf(orglife.EINVALID, "请选择支部"))
		return
	}
	c.Redirect(http.StatusSeeOther, "/handbook/"+url.PathEscape(org)+"?"+url.Values{"year": {year}}.Encode())
}

func (s *server) handbook(c *gin.Context) {
	ctx := c.Request.Context()
	u, actor := userOf(c), actorOf(c)
	loc := s.svc.Location()
	year := s.svc.Now().In(loc).Year()
	if y := c.Query("year"); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil || n < 2000 || n > 2100 {
			s.failPage(c, orglife.Errorf(orglife.EINVALID, "年度须为 2000 至 2100 之间的年份"))
			return
		}
		year = n
	}
	org, err := s.svc.GetOrg(ctx, actor, c.Param("org"))
	if err != nil {
		s.failPage(c, err)
		return
	}
	hp := &handbookPage{OrgID: org.ID, OrgName: org.Name, Year: year, Printed: s.svc.Now().In(loc).Format("2006年1月2日")}
	if u.Role == orglife.RoleBranch {
		hp.Orgs = []option{{Value: org.ID, Label: org.Name}}
	} else {
		orgs, err := s.svc.ListOrgs(ctx, actor, orglife.ListParams{Limit: 500})
		if err != nil {
			s.failPage(c, err)
			return
		}
		for _, o := range orgs.Items {
			if o.Kind == "branch" || o.ID == org.ID {
				hp.Orgs = append(hp.Orgs, option{Value: o.ID, Label: o.Name})
			}
		}
	}
	var ins []*orglife.Instance
	cursor := ""
	for {
		page, err := s.svc.ListInstances(ctx, actor, engine.ListInstancesParams{OrgID: org.ID, ListParams: orglife.ListParams{Limit: 500, Cursor: cursor}})
		if err != nil {
			s.failPage(c, err)
			return
		}
		ins = append(ins, page.Items...)
		if page.NextCursor == nil {
			break
		}
		if len(ins) >= handbookCap {
			hp.Truncated = true
			break
		}
		cursor = *page.NextCursor
	}
	defs := s.svc.WorkflowSet()
	ros := s.memberRoster(c.Request.Context(), actorOf(c), org.ID)
	sections := map[string]*handbookSection{}
	var order []string
	for _, in := range ins {
		def, ok := defs.Get(in.Workflow)
		if !ok || in.OrgID != org.ID || def.IsCancelled(in.State) || recordYear(in, loc) != year {
			continue
		}
		sec := sections[def.ID]
		if sec == nil {
			sec = &handbookSection{Title: def.Title}
			sections[def.ID] = sec
			order = append(order, def.ID)
		}
		sec.Records = append(sec.Records, handbookRecordOf(def, in, ros.Names))
	}
	// the handbook's order: plan, meetings, talks, then the rest in the pack's order
	rank := func(id string) int {
		if i := slices.Index([]string{"plan", "meeting", "talk"}, id); i >= 0 {
			return i
		}
		return 3 + slices.IndexFunc(defs.List(), func(d *workflows.Definition) bool { return d.ID == id })
	}
	slices.SortFunc(order, func(a, b string) int { return cmp.Compare(rank(a), rank(b)) })
	for _, id := range order {
		sec := sections[id]
		slices.SortStableFunc(sec.Records, func(a, b handbookRecord) int { return cmp.Compare(a.Date, b.Date) })
		hp.Sections = append(hp.Sections, *sec)
	}
	s.render(c, http.StatusOK, "handbook", s.pageWith(c, fmt.Sprintf("%s %d年度党支部工作手册", org.Name, year), func(p *page) { p.Data = hp }))
}

// recordYear is the year a record belongs to: its date (occurs_on), else its `year` field, else
// the year it was started.
func recordYear(in *orglife.Instance, loc *time.Location) int {
	if in.OccursOn != nil && len(*in.OccursOn) >= 4 {
		if y, err := strconv.Atoi((*in.OccursOn)[:4]); err == nil {
			return y
		}
	}
	switch y := in.Data["year"].(type) {
	case int:
		return y
	case int64:
		return int(y)
	case float64:
		return int(y)
	}
	return in.CreatedAt.In(loc).Year()
}

func handbookRecordOf(def *workflows.Definition, in *orglife.Instance, names map[string]string) handbookRecord {
	r := handbookRecord{Title: def.Title, State: stateTitle(def.States, in.State)}
	if in.OccursOn != nil {
		r.Date = *in.OccursOn
	}
	if def.ID == "meeting" {
		str := func(k string) string { return describeValue(in.Data[k]) }
		m := &meetingSheet{Date: str("held_on"), Place: str("place"), Chair: str("chair"), Recorder: str("recorder"), Topic: str("topic"),
			Minutes: str("minutes"), Expected: str("expected"), Present: str("present")}
		if f := def.Field("type"); f != nil {
			m.Type = cmp.Or(f.Labels[str("type")], str("type"))
		}
		r.Title = cmp.Or(m.Type, def.Title)
		if list, ok := in.Data["absentees"].([]any); ok {
			for _, e := range list {
				if a, ok := e.(map[string]any); ok {
					m.Absentees = append(m.Absentees, absentee{Name: cmp.Or(names[describeValue(a["member"])], describeValue(a["name"]), describeValue(a["member"])), Reason: describeValue(a["reason"])})
				}
			}
		}
		// With the attendance lists, 应到 and 实到 are derived from them (the pack's rules do the same).
		if list, ok := in.Data["attendees"].([]any); ok && len(list) > 0 {
			absent, _ := in.Data["absentees"].([]any)
			m.Present, m.Expected = strconv.Itoa(len(list)), strconv.Itoa(len(list)+len(absent))
		}
		for k, dst := range map[string]*[]string{"decisions": &m.Decisions, "problems": &m.Problems} {
			if list, ok := in.Data[k].([]any); ok {
				for _, e := range list {
					*dst = append(*dst, describeValue(e))
				}
			}
		}
		r.Meeting = m
		return r
	}
	for _, f := range def.Fields {
		if v := describeField(f, in.Data[f.Name], names); v != "" {
			r.Data = append(r.Data, dataRow{Label: cmp.Or(f.Title, f.Name), Value: cmp.Or(f.Labels[v], v)})
		}
	}
	return r
}
