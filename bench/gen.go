// Package bench holds orglife's data generator with planted outcomes and the drivers of the
// performance workloads of docs/performance.md (W1 full compliance scan against a hand-written
// SQL peer, W2 re-evaluation latency against a pgbench peer). The drivers are Go tests that run
// only when ORGLIFE_BENCH_DSN names a PostgreSQL database, so `go test ./...` stays fast.
package bench

import (
	"encoding/base32"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/storage"
	"github.com/orglife/orglife/workflows"
)

// Config selects what Generate produces.
type Config struct {
	Branches int   // number of branches (org kind branch)
	Years    int   // years of records per branch, ending in the year before AsOf
	Seed     int64 // the same seed gives the same data
	// AsOf is the evaluation instant the data is made for; records end on 31 December of the
	// year before it. Default 1 March of the current year in Loc.
	AsOf time.Time
	Loc  *time.Location // deployment time zone (default Asia/Shanghai)
	// Chunk is how many branches one emitted Bulk holds (default 500).
	Chunk int
}

// Planted is one violation the generator planted on purpose: the engine must flag exactly these.
type Planted struct {
	Rule   string `json:"rule"`
	OrgID  string `json:"org_id"`
	Period string `json:"period"`
	Kind   string `json:"kind"`
	Check  string `json:"check,omitempty"`
}

// Key identifies a planted or flagged violation.
func (p Planted) Key() string {
	return p.Rule + "|" + p.OrgID + "|" + p.Period + "|" + p.Kind + "|" + p.Check
}

// Stats counts what Generate produced.
type Stats struct {
	Orgs, Branches, Members, Instances, Transitions int
	BranchYears, Missed, Shallow, Hot               int
	FirstYear, LastYear                             int
}

// Outcome shares of branch-years and branches.
const (
	missShare    = 0.05 // miss exactly one month's theme day → overdue
	shallowShare = 0.03 // one theme day below 70 % attendance → shallow (low_attendance)
	hotShare     = 0.01 // branches with 10× the monthly meetings
)

// Years returns the first and last year of records for c.
func (c Config) years() (int, int) {
	last := c.AsOf.In(c.Loc).Year() - 1
	return last - c.Years + 1, last
}

func (c *Config) defaults() {
	if c.Loc == nil {
		c.Loc, _ = time.LoadLocation("Asia/Shanghai")
	}
	if c.AsOf.IsZero() {
		c.AsOf = time.Date(time.Now().In(c.Loc).Year(), 3, 1, 0, 0, 0, 0, c.Loc)
	}
	if c.Years <= 0 {
		c.Years = 3
	}
	if c.Chunk <= 0 {
		c.Chunk = 500
	}
}

// EvalRange returns the as-of instant and the from/to dates (YYYY-MM-DD) that cover the
// generated years.
func (c Config) EvalRange() (time.Time, string, string) {
	c.defaults()
	first, last := c.years()
	return c.AsOf, fmt.Sprintf("%04d-01-01", first), fmt.Sprintf("%04d-12-31", last)
}

// Generate produces the org tree, members and complete records of c, deterministically from
// c.Seed, and hands them to emit in chunks (the first chunk carries the committees and general
// branches before any branch). It returns the planted violations, sorted, and the counts.
// Records are inserted as finished instances with a hash-chained history (CreationHash and
// TransitionHash as the engine computes them), not fired one by one.
func Generate(c Config, set *workflows.Set, emit func(*storage.Bulk) error) ([]Planted, Stats, error) {
	c.defaults()
	g := &gen{c: c, set: set}
	g.st.FirstYear, g.st.LastYear = c.years()
	for _, id := range []string{"meeting", "plan", "org_life", "excellent_member", "talk", "election"} {
		if _, ok := set.Get(id); !ok {
			return nil, g.st, fmt.Errorf("bench: the pack has no workflow %q (the generator targets the party-branch pack)", id)
		}
	}
	// committees → general branches (20 branches each) → branches; one committee per 50 general branches.
	generals := (c.Branches + 19) / 20
	committees := (generals + 49) / 50
	var top []*orglife.Org
	created := time.Date(g.st.FirstYear-1, 12, 1, 9, 0, 0, 0, c.Loc)
	for i := range committees {
		top = append(top, &orglife.Org{ID: fmt.Sprintf("c%03d", i+1), Name: fmt.Sprintf("第%d党委", i+1), Kind: orglife.KindCommittee,
			Attributes: map[string]string{}, EstablishedOn: ptr("2000-07-01"), CreatedAt: created, UpdatedAt: created})
	}
	for i := range generals {
		top = append(top, &orglife.Org{ID: fmt.Sprintf("g%05d", i+1), Name: fmt.Sprintf("第%d党总支", i+1), Kind: orglife.KindGeneralBranch,
			ParentID: ptr(fmt.Sprintf("c%03d", i/50+1)), Attributes: map[string]string{}, EstablishedOn: ptr("2008-09-01"),
			CreatedAt: created, UpdatedAt: created})
	}
	g.st.Orgs += len(top)
	bulk := &storage.Bulk{Orgs: top}
	for i := range committees {
		g.committee(i, bulk)
	}
	for i := range generals {
		g.general(i, bulk)
	}
	for b := range c.Branches {
		g.branch(b, bulk)
		if (b+1)%c.Chunk == 0 || b == c.Branches-1 {
			g.st.Instances += len(bulk.Instances)
			g.st.Transitions += len(bulk.Transitions)
			if err := emit(bulk); err != nil {
				return nil, g.st, err
			}
			bulk = &storage.Bulk{}
		}
	}
	if c.Branches == 0 {
		if err := emit(bulk); err != nil {
			return nil, g.st, err
		}
	}
	slices.SortFunc(g.planted, func(a, b Planted) int { return strings.Compare(a.Key(), b.Key()) })
	return g.planted, g.st, nil
}

// WritePlanted writes the planted violations as JSON lines.
func WritePlanted(w io.Writer, ps []Planted) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, p := range ps {
		if err := enc.Encode(p); err != nil {
			return err
		}
	}
	return nil
}

type gen struct {
	c       Config
	set     *workflows.Set
	st      Stats
	planted []Planted
	rng     *rand.Rand
}

func ptr(s string) *string { return &s }

var idEncoding = base32.NewEncoding("0123456789abcdefghjkmnpqrstvwxyz").WithPadding(base32.NoPadding)

// id returns an id in the form of orglife.NewID (time-ordered), its random part from the rng.
func (g *gen) id(at time.Time) string {
	var b [15]byte
	var ms [8]byte
	binary.BigEndian.PutUint64(ms[:], uint64(at.UnixMilli()))
	copy(b[:6], ms[2:])
	binary.BigEndian.PutUint64(b[6:14], g.rng.Uint64())
	b[14] = byte(g.rng.Uint32())
	return strings.ToLower(idEncoding.EncodeToString(b[:]))
}

// text is a pool of common characters; minutes and summaries are random draws from it, so no two
// records of a branch are near-duplicates (the copied_minutes check stays quiet).
const text = "党支部组织生活会议学习贯彻习近平新时代中国特色社会主义思想二十大精神主题教育理论武装头脑指导实践推动工作" +
	"同志们围绕加强作风建设发挥先锋模范作用开展批评与自我批评交流心得体会研究部署下一阶段重点任务落实责任" +
	"科研攻关服务同学志愿活动实验室安全规范管理培养发展对象入党积极分子考察谈话制度执行监督检查整改提高质量" +
	"结合专业实际深入基层调研走访社区讲述红色故事参观纪念馆重温入党誓词传承精神力量凝聚共识担当作为奋斗青春"

var textRunes = []rune(text)

func (g *gen) words(n int) string {
	var sb strings.Builder
	for range n {
		sb.WriteRune(textRunes[g.rng.IntN(len(textRunes))])
	}
	return sb.String()
}

func (g *gen) date(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, g.c.Loc)
}

func day(t time.Time) string { return t.Format(orglife.DateLayout) }

// step is one transition of a generated instance.
type step struct {
	event, to, actor, role string
	at                     time.Time
	data                   map[string]any
}

// instance adds one finished instance created at created with createdData, then its steps.
func (g *gen) instance(b *storage.Bulk, wf, org string, created time.Time, createdData map[string]any, steps ...step) {
	def, _ := g.set.Get(wf)
	in := &orglife.Instance{ID: g.id(created), Workflow: wf, WorkflowVersion: def.Version, OrgID: org, State: def.Initial,
		Version: 1, CreatedAt: created.UTC().Truncate(time.Microsecond), CreatedBy: "branch-" + org, CreatedData: createdData}
	in.CreationHash = orglife.CreationHash(in)
	data := make(map[string]any, len(createdData)+8)
	for k, v := range createdData {
		data[k] = v
	}
	prev := in.CreationHash
	state := def.Initial
	for i, s := range steps {
		if s.data == nil {
			s.data = map[string]any{}
		}
		t := &orglife.Transition{InstanceID: in.ID, Seq: i + 1, Event: s.event, From: state, To: s.to, Actor: s.actor,
			ActorRole: s.role, At: s.at.UTC().Truncate(time.Microsecond), Data: s.data, PrevHash: prev}
		t.Hash = orglife.TransitionHash(prev, t)
		prev, state = t.Hash, s.to
		for k, v := range s.data {
			data[k] = v
		}
		b.Transitions = append(b.Transitions, t)
		was := in.Complete
		in.Complete = def.IsComplete(state)
		if in.Complete && !was {
			at := t.At
			in.RecordedAt = &at
		}
		in.UpdatedAt = t.At
		in.Version++
	}
	if len(steps) == 0 {
		in.UpdatedAt = in.CreatedAt
	}
	in.State, in.Data = state, data
	if d := def.OccursOnDate(data); d != "" {
		in.OccursOn = &d
	} else if def.OccursOn == "" && in.RecordedAt != nil {
		d := day(in.RecordedAt.In(g.c.Loc))
		in.OccursOn = &d
	}
	if !def.IsCancelled(state) {
		in.UniqueKey = def.UniqueKey(data)
	}
	b.Instances = append(b.Instances, in)
}

// committee generates the records the pack asks of a 党委: its secretary (a member of the
// committee), the secretary's yearly 党课 and the 班子's yearly 民主生活会. None is planted.
// A pack without these workflows (bench/w3pack) gets none of them.
func (g *gen) committee(i int, b *storage.Bulk) {
	g.rng = rand.New(rand.NewPCG(uint64(g.c.Seed), uint64(1)<<50+uint64(i)))
	id := fmt.Sprintf("c%03d", i+1)
	created := time.Date(g.st.FirstYear-1, 12, 1, 9, 0, 0, 0, g.c.Loc)
	sec := id + "-m01"
	b.Members = append(b.Members, &orglife.Member{ID: sec, OrgID: id, Name: "党委书记", Status: orglife.MemberFull,
		Roles: []string{"secretary"}, Leader: true, JoinedOn: ptr("1998-07-01"), CreatedAt: created})
	g.st.Members++
	for y := g.st.FirstYear; y <= g.st.LastYear; y++ {
		held := g.date(y, 6, 20)
		g.instance(b, "meeting", id, held.AddDate(0, 0, -7).Add(10*time.Hour),
			map[string]any{"type": "lecture", "held_on": day(held), "topic": "党委书记讲党课：" + g.words(8)},
			step{"record", "recorded", "branch-" + id, orglife.RoleBranch, held.Add(20 * time.Hour),
				map[string]any{"lecturer": sec, "expected": 100, "present": 95, "minutes": g.words(60)}})
		g.democraticLife(b, id, []any{sec, id + "-m02", id + "-m03"}, y)
	}
}

// democraticLife adds the year's 民主生活会 of an org's 班子: topic reported on 2 December, held on
// the 20th with everyone present, plan filed on the 28th (when the pack has the workflow).
func (g *gen) democraticLife(b *storage.Bulk, org string, attendees []any, y int) {
	if _, ok := g.set.Get("democratic_life"); !ok {
		return
	}
	actor := "branch-" + org
	held := g.date(y, 12, 20)
	g.instance(b, "democratic_life", org, g.date(y, 12, 1).Add(10*time.Hour), map[string]any{"year": y},
		step{"report_topic", "reported", actor, orglife.RoleBranch, g.date(y, 12, 2).Add(10 * time.Hour),
			map[string]any{"topic": "民主生活会主题：" + g.words(10), "topic_reported_on": day(g.date(y, 12, 2))}},
		step{"hold", "held", actor, orglife.RoleBranch, held.Add(18 * time.Hour),
			map[string]any{"held_on": day(held), "attendees": attendees, "minutes": g.words(60), "problems": []any{g.words(20)}}},
		step{"file", "filed", actor, orglife.RoleBranch, g.date(y, 12, 28).Add(10 * time.Hour),
			map[string]any{"rectification_plan": "整改方案：" + g.words(40)}})
}

// general generates the records of general branch i that the pack asks of a 党总支 ("各党总支
// （党支部）"): the year's 三会一课 arrangement, submitted and filed in January, and the quarterly
// selection of 优秀党员. None is planted: its rows are compliant.
func (g *gen) general(i int, b *storage.Bulk) {
	g.rng = rand.New(rand.NewPCG(uint64(g.c.Seed), uint64(1)<<40+uint64(i)))
	id := fmt.Sprintf("g%05d", i+1)
	actor, sup := "branch-"+id, "supervisor"
	for y := g.st.FirstYear; y <= g.st.LastYear; y++ {
		pc := g.date(y, 1, 2+g.rng.IntN(5)).Add(10 * time.Hour)
		g.instance(b, "plan", id, pc, map[string]any{"year": y, "content": fmt.Sprintf("%d年度党总支三会一课安排：", y) + g.words(40)},
			step{"submit", "submitted", actor, orglife.RoleBranch, pc.AddDate(0, 0, 2), nil},
			step{"file", "filed", sup, orglife.RoleSupervisor, pc.AddDate(0, 0, 5+g.rng.IntN(10)), nil})
		g.democraticLife(b, id, []any{id + "-m01", id + "-m02", id + "-m03"}, y)
		for q := 1; q <= 4; q++ {
			sel := g.date(y, time.Month(3*q), 5+g.rng.IntN(15))
			g.instance(b, "excellent_member", id, sel.AddDate(0, 0, -7).Add(10*time.Hour), map[string]any{"quarter": fmt.Sprintf("%04d-Q%d", y, q)},
				step{"select", "decided", actor, orglife.RoleBranch, sel.Add(18 * time.Hour),
					map[string]any{"selected_on": day(sel), "method": "总支委员会研究确定" + g.words(10),
						"selected": []any{map[string]any{"member": fmt.Sprintf("%s-m01", id), "comment": "该同志" + g.words(20)}}}})
		}
	}
}

// termYears is the length of the generated terms: started in the first year, a term runs past
// as_of (the start of the year after last) by more than the six months of warning, so no
// branch's term is due — term_renewed plants nothing (an election renews only the term that was
// running when it was held, and the generator writes only the election that opened the term).
func termYears(first, last int) int { return last - first + 2 }

// branch generates one branch: the org, its members and its records.
func (g *gen) branch(n int, b *storage.Bulk) {
	g.rng = rand.New(rand.NewPCG(uint64(g.c.Seed), uint64(n)+1))
	c := g.c
	id := fmt.Sprintf("b%06d", n+1)
	first, last := g.st.FirstYear, g.st.LastYear
	created := time.Date(first-1, 12, 1, 9, 0, 0, 0, c.Loc)
	termStart := g.date(first, time.Month(1+g.rng.IntN(12)), 1+g.rng.IntN(28))
	org := &orglife.Org{ID: id, Name: fmt.Sprintf("第%d党支部", n+1), Kind: orglife.KindBranch,
		ParentID: ptr(fmt.Sprintf("g%05d", n/20+1)), Attributes: map[string]string{"category": "student"},
		EstablishedOn: ptr("2015-09-01"), TermStartedOn: ptr(day(termStart)), TermYears: termYears(first, last), CreatedAt: created, UpdatedAt: created}
	b.Orgs = append(b.Orgs, org)
	g.st.Orgs++
	g.st.Branches++
	// members: log-normal around 20
	size := int(math.Round(math.Exp(math.Log(20) + 0.35*g.rng.NormFloat64())))
	size = min(max(size, 5), 80)
	names := make([]string, size)
	for i := range size {
		names[i] = fmt.Sprintf("党员%02d", i+1)
		roles := []string{}
		switch i {
		case 0:
			roles = []string{"secretary"}
		case 1:
			roles = []string{"deputy_secretary"}
		case 2, 3, 4:
			roles = []string{"committee"}
		}
		b.Members = append(b.Members, &orglife.Member{ID: fmt.Sprintf("%s-m%02d", id, i+1), OrgID: id, Name: names[i],
			Status: orglife.MemberFull, Roles: roles, Leader: i == 0, JoinedOn: ptr("2014-09-01"), CreatedAt: created})
	}
	g.st.Members += size
	hot := g.rng.Float64() < hotShare
	if hot {
		g.st.Hot++
	}
	actor := "branch-" + id
	sup := "supervisor"
	// the election that started the current term
	g.instance(b, "election", id, termStart.AddDate(0, -2, 0).Add(10*time.Hour), map[string]any{},
		step{"request", "requested", actor, orglife.RoleBranch, termStart.AddDate(0, -1, 0).Add(10 * time.Hour),
			map[string]any{"request": "关于支部委员会换届选举的请示" + g.words(10), "planned_on": day(termStart)}},
		step{"approve", "approved", sup, orglife.RoleSupervisor, termStart.AddDate(0, 0, -20).Add(10 * time.Hour), nil},
		step{"hold", "held", actor, orglife.RoleBranch, termStart.Add(16 * time.Hour),
			map[string]any{"held_on": day(termStart), "voters": size, "present": size,
				"elected": []any{map[string]any{"name": names[0], "post": "secretary"}, map[string]any{"name": names[1], "post": "deputy_secretary"}}}},
		step{"report", "reported", actor, orglife.RoleBranch, termStart.AddDate(0, 0, 1).Add(10 * time.Hour),
			map[string]any{"result": "选举结果报告" + g.words(20)}},
		step{"confirm", "confirmed", sup, orglife.RoleSupervisor, termStart.AddDate(0, 0, 6).Add(10 * time.Hour), nil})
	for y := first; y <= last; y++ {
		g.st.BranchYears++
		u := g.rng.Float64()
		missMonth, shallowMonth := 0, 0
		switch {
		case u < missShare:
			missMonth = 1 + g.rng.IntN(12)
			g.st.Missed++
			g.planted = append(g.planted, Planted{Rule: "theme_day_monthly", OrgID: id, Period: fmt.Sprintf("%04d-%02d", y, missMonth), Kind: orglife.KindOverdue})
		case u < missShare+shallowShare:
			shallowMonth = 1 + g.rng.IntN(12)
			g.st.Shallow++
			g.planted = append(g.planted, Planted{Rule: "theme_day_monthly", OrgID: id, Period: fmt.Sprintf("%04d-%02d", y, shallowMonth),
				Kind: orglife.KindShallow, Check: "low_attendance"})
		}
		// the annual plan, filed in January
		pc := g.date(y, 1, 2+g.rng.IntN(5)).Add(10 * time.Hour)
		g.instance(b, "plan", id, pc, map[string]any{"year": y, "content": fmt.Sprintf("%d年度三会一课计划：", y) + g.words(40)},
			step{"submit", "submitted", actor, orglife.RoleBranch, pc.AddDate(0, 0, 2), nil},
			step{"file", "filed", sup, orglife.RoleSupervisor, pc.AddDate(0, 0, 5+g.rng.IntN(10)), nil})
		per := 1
		if hot {
			per = 10
		}
		for m := time.January; m <= time.December; m++ {
			for i, d := range g.days(per) {
				if int(m) != missMonth {
					// only the first theme day of the shallow month falls short
					g.meeting(b, id, names, "theme_day", g.date(y, m, d), int(m) == shallowMonth && i == 0)
				}
			}
			for _, d := range g.days(per) {
				g.meeting(b, id, names[:min(5, size)], "committee", g.date(y, m, d), false)
			}
			if m%3 == 1 {
				g.meeting(b, id, names, "lecture", g.date(y, m, 5+g.rng.IntN(20)), false)
			}
			if m%3 == 2 {
				g.meeting(b, id, names, "branch_assembly", g.date(y, m, 5+g.rng.IntN(20)), false)
			}
			if m%3 == 0 {
				sel := g.date(y, m, 5+g.rng.IntN(15))
				q := fmt.Sprintf("%04d-Q%d", y, int(m)/3)
				g.instance(b, "excellent_member", id, sel.AddDate(0, 0, -7).Add(10*time.Hour), map[string]any{"quarter": q},
					step{"select", "decided", actor, orglife.RoleBranch, sel.Add(18 * time.Hour),
						map[string]any{"selected_on": day(sel), "method": "支部党员大会投票" + g.words(10),
							"selected": []any{map[string]any{"member": names[g.rng.IntN(size)], "comment": "该同志" + g.words(20)}}}})
			}
			if m == time.March || m == time.September {
				t := g.date(y, m, 5+g.rng.IntN(20))
				parts := make([]any, size) // member ids, as the talk workflow asks
				for i := range names {
					parts[i] = fmt.Sprintf("%s-m%02d", id, i+1)
				}
				g.instance(b, "talk", id, t.AddDate(0, 0, -5).Add(10*time.Hour), map[string]any{"held_on": day(t), "kind": "committee_member"},
					step{"record", "recorded", actor, orglife.RoleBranch, t.Add(19 * time.Hour),
						map[string]any{"participants": parts, "summary": "谈心谈话：" + g.words(30)}})
			}
		}
		// the talks before the 组织生活会, and the secretary's yearly rotation training
		talk := g.date(y, 11, 20)
		g.instance(b, "talk", id, talk.AddDate(0, 0, -5).Add(10*time.Hour), map[string]any{"held_on": day(talk), "kind": "committee_member"},
			step{"record", "recorded", actor, orglife.RoleBranch, talk.Add(19 * time.Hour),
				map[string]any{"participants": []any{id + "-m01", id + "-m02"}, "summary": "会前谈心谈话：" + g.words(30)}})
		if _, ok := g.set.Get("secretary_training"); ok {
			tr := g.date(y, 7, 10)
			g.instance(b, "secretary_training", id, g.date(y, 6, 1).Add(10*time.Hour),
				map[string]any{"kind": "rotation", "member": id + "-m01", "appointed_on": day(termStart)},
				step{"attend", "trained", sup, orglife.RoleSupervisor, tr.Add(18 * time.Hour),
					map[string]any{"course": fmt.Sprintf("%d年党支部书记集中轮训", y), "trained_on": day(tr), "hours": 16}})
		}
		g.orgLife(b, id, names, y)
	}
}

// days returns n distinct days of a month between 3 and 26, sorted.
func (g *gen) days(n int) []int {
	if n == 1 {
		return []int{3 + g.rng.IntN(24)}
	}
	ds := g.rng.Perm(24)[:n]
	for i := range ds {
		ds[i] += 3
	}
	slices.Sort(ds)
	return ds
}

// meeting adds one recorded meeting of a type, held on held and recorded the same evening.
// Attendance is at least 80 % with every absentee's reason given, or below 70 % when shallow.
func (g *gen) meeting(b *storage.Bulk, org string, names []string, typ string, held time.Time, shallow bool) {
	expected := len(names)
	absent := g.rng.IntN(expected/5 + 1)
	if shallow {
		absent = expected - expected*6/10
	}
	abs := make([]any, absent)
	for i := range absent {
		abs[i] = map[string]any{"name": names[expected-1-i], "reason": "外出调研"}
	}
	created := held.AddDate(0, 0, -7).Add(10 * time.Hour)
	g.instance(b, "meeting", org, created,
		map[string]any{"type": typ, "held_on": day(held), "topic": g.words(8)},
		step{"record", "recorded", "branch-" + org, orglife.RoleBranch, held.Add(20 * time.Hour),
			map[string]any{"expected": expected, "present": expected - absent, "absentees": abs, "minutes": g.words(40 + g.rng.IntN(40)),
				"chair": names[0], "recorder": names[min(1, len(names)-1)]}})
}

// orgLife adds the year's 组织生活会 with democratic appraisal, held in December and filed.
func (g *gen) orgLife(b *storage.Bulk, org string, names []string, y int) {
	held := g.date(y, 12, 1+g.rng.IntN(15))
	grades := make([]any, len(names))
	for i, n := range names {
		grade := "qualified"
		if i%4 == 0 {
			grade = "excellent"
		}
		grades[i] = map[string]any{"member": n, "grade": grade}
	}
	actor := "branch-" + org
	g.instance(b, "org_life", org, held.AddDate(0, 0, -20).Add(10*time.Hour), map[string]any{"year": y},
		step{"hold", "held", actor, orglife.RoleBranch, held.Add(19 * time.Hour),
			map[string]any{"held_on": day(held), "opinions": []any{g.words(15)}, "expected": len(names),
				"present": len(names), "minutes": g.words(60), "problems": []any{g.words(20), g.words(20)}}},
		step{"file", "filed", actor, orglife.RoleBranch, held.AddDate(0, 0, 3).Add(10 * time.Hour),
			map[string]any{"grades": grades, "rectification_plan": "整改方案：" + g.words(40)}})
}
