package rules

import (
	"cmp"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/orglife/orglife"
)

// OrgInput is everything known about one org at as_of.
type OrgInput struct {
	Org *orglife.Org
	// Parent is the org's parent (nil for a root, or when the caller does not know it); rules
	// see its kind as org.parent_kind.
	Parent  *orglife.Org
	Members []*orglife.Member
	// Tenures, when not nil, holds by member id the stretches in which each of Members belonged
	// to the org (see rules/tenure.go): org rules see, per period, the roster on the period's
	// last day (or the as_of day, if earlier); member rules judge a member only for the periods
	// within their stretches. Nil: every member belongs throughout (tests, pack fixtures).
	Tenures map[string][]orglife.Tenure
	// Records are by workflow id: every non-cancelled instance of the org created by as_of,
	// complete or not, as known at as_of.
	Records map[string][]*Record
}

// EvalParams are the parameters of one evaluation.
type EvalParams struct {
	// AsOf is the instant of the evaluation: now, or a past instant.
	AsOf time.Time
	// From and To are dates: periodic rules cover every period overlapping [From, To]; instance
	// rules cover the instances due at or after From.
	From, To time.Time
	// Loc is the deployment time zone (default time.Local).
	Loc *time.Location
	// Rules limits the evaluation to these rule ids; nil means all.
	Rules []string
	// Since is the go-live date (midnight in Loc; zero: none): periods that end before it are
	// not_applicable, whatever the rule says.
	Since time.Time
}

// EvaluateOrg evaluates every applicable rule for one org (spec §3): org-scope rules for the org,
// member-scope rules for each member, instance-scope rules for each instance of their workflow;
// periodic rules for each period overlapping [From, To], deadline rules once per subject. Rows
// carry EvaluatedAt = AsOf and RuleVersion = rs.Version. It is pure: no I/O.
//
// Choices the spec leaves open: effective dates compare the period's first day (periodic) or the
// due date (deadline and instance) with effective_from and effective_until, both inclusive; a due
// expression giving a midnight in the deployment time zone is a date (the whole day counts); a
// due expression giving no time (unset date) makes the row status error; an instance is covered
// when its due is at or after From or cannot be computed; member-scope rules cover every member
// given, for the periods the org owns of them when in.Tenures is set (rules/tenure.go). `period`
// is nil in deadline rules.
func (rs *RuleSet) EvaluateOrg(in *OrgInput, p EvalParams) []orglife.LedgerRow {
	if rs == nil || in == nil || in.Org == nil {
		return nil
	}
	ev := newOrgEval(rs, in, p)
	var rows []orglife.LedgerRow
	for _, r := range rs.Rules {
		if p.Rules != nil && !slices.Contains(p.Rules, r.ID) {
			continue
		}
		rows = ev.rule(r, rows)
	}
	return rows
}

// rule appends the rows of one rule. A panic while judging it (a fault of a helper or of the
// evaluator itself) is contained: the rows it produced are dropped and one error row stands for
// the rule, so the other rules and orgs carry on.
func (ev *orgEval) rule(r *Rule, rows []orglife.LedgerRow) (out []orglife.LedgerRow) {
	n := len(rows)
	defer func() {
		if x := recover(); x != nil {
			out = append(rows[:n], orglife.LedgerRow{Rule: r.ID, RuleVersion: ev.rs.Version, Scope: r.Scope,
				OrgID: ev.in.Org.ID, SubjectID: ev.in.Org.ID, Severity: r.Severity, EvaluatedAt: ev.p.AsOf,
				Status: orglife.StatusError, Evidence: []string{},
				Explanation: orglife.Explanation{Text: fmt.Sprintf("%s：规则运行失败（%v）", r.Title, x)}})
		}
	}()
	switch r.Timing() {
	case TimingPeriodic:
		return ev.periodic(r, rows)
	case TimingDeadline:
		return ev.deadline(r, rows)
	case TimingInstance:
		return ev.instances(r, rows)
	}
	return rows
}

// orgEval is the state of one EvaluateOrg call: views and collections converted once, frames
// written in place for each subject and period.
type orgEval struct {
	rs      *RuleSet
	in      *OrgInput
	p       EvalParams
	loc     *time.Location
	now     time.Time
	org     OrgView
	members []MemberView // the roster on the as_of day
	// subjectViews are every member of in.Members (the subjects of member rules); rosters caches
	// the roster by day.
	subjectViews []MemberView
	rosters      map[string][]MemberView
	colls        []*collData
	frames       map[reflect.Type]*frame
	periods      map[string][]Period
	period       PeriodView

	// the row being judged
	f       *frame
	r       *Rule
	start   time.Time // period bounds [start, end) for the period collections; zero: all
	end     time.Time
	inst    *Record // instance scope
	instAt  InstanceView
	dueView bool

	// blown holds, per rule id, the reason of a run that blew its budget: the rule's later rows
	// for this org are errors without running it again.
	blown map[string]string
}

func newOrgEval(rs *RuleSet, in *OrgInput, p EvalParams) *orgEval {
	loc := p.Loc
	if loc == nil {
		loc = time.Local
	}
	ev := &orgEval{rs: rs, in: in, p: p, loc: loc, now: p.AsOf.In(loc),
		colls: make([]*collData, len(rs.envs.cols)), frames: map[reflect.Type]*frame{}, periods: map[string][]Period{},
		blown: map[string]string{}}
	ev.subjectViews = NewMemberViews(in.Members, loc)
	ev.rosters = map[string][]MemberView{}
	ev.members = ev.rosterOn(ev.now.Format(orglife.DateLayout))
	ev.org = NewOrgView(in.Org, len(ev.members), loc)
	if in.Parent != nil {
		ev.org.ParentKind = in.Parent.Kind
	}
	return ev
}

func (ev *orgEval) coll(i int) *collData {
	if ev.colls[i] == nil {
		ev.colls[i] = ev.rs.envs.recs[i].convert(ev.in.Records[ev.rs.envs.cols[i].Workflow], ev.loc)
	}
	return ev.colls[i]
}

func (ev *orgEval) frame(r *Rule) *frame {
	es := ev.rs.envs
	var t reflect.Type
	switch r.Scope {
	case ScopeInstance:
		t = es.instType(r.col)
	case ScopeMember:
		t = es.member
	default:
		t = es.org
	}
	if f := ev.frames[t]; f != nil {
		return f
	}
	var f *frame
	if r.Scope == ScopeInstance {
		f = newFrame(t, nil)
		v := f.instVars()
		v.Org, v.Now, v.Members = ev.org, ev.now, ev.members
	} else {
		f = newFrame(t, es.collOff)
		v := f.vars()
		v.Org, v.Members, v.Now = ev.org, ev.members, ev.now
	}
	ev.frames[t] = f
	return f
}

func (ev *orgEval) periodsOf(kind string) []Period {
	ps, ok := ev.periods[kind]
	if !ok {
		ps = PeriodsOverlapping(kind, ev.p.From, ev.p.To, ev.loc)
		ev.periods[kind] = ps
	}
	return ps
}

// setView writes the collections the rule reads (or the instance) into the frame: the records
// recorded by due when byDue, else every record known at as_of. It reports whether the by-due
// view left something out.
func (ev *orgEval) setView(due time.Time, byDue bool) (filtered bool) {
	f, r := ev.f, ev.r
	if r.Scope == ScopeInstance {
		v := f.instVars()
		v.Instance = ev.instAt
		if ev.inst.Complete && !ev.inst.RecordedAt.Before(due) {
			filtered = true
			if byDue {
				v.Instance.Complete = false
				v.Instance.RecordedAt = time.Time{}
			}
		}
		return filtered
	}
	for _, k := range r.reads {
		cd := ev.coll(k / 2)
		lo, hi := 0, len(cd.ptrs)
		if k%2 == 0 && !ev.start.IsZero() {
			lo, hi = cd.bounds(ev.start, ev.end)
		}
		s := cd.ptrs[lo:hi:hi]
		if byDue && (k%2 == 0 || !cd.maxRec.Before(due)) {
			s = cd.byDue(lo, hi, due)
			filtered = filtered || len(s) != hi-lo
		}
		f.setColl(k, s)
	}
	return filtered
}

// outcome is the judgement of one row.
type outcome struct {
	status orglife.Status
	checks []orglife.Finding
	err    error
}

// judge decides the status of the row set up in ev (frame, rule, bounds) with the given due
// instant (spec §3). On return the frame holds the as_of view.
func (ev *orgEval) judge(due time.Time) outcome {
	r := ev.r
	filtered := ev.setView(due, true)
	holds, err := r.require.boolFrame(ev.f)
	if err != nil {
		ev.setView(due, false)
		return outcome{status: orglife.StatusError, err: err}
	}
	st := orglife.StatusCompliant
	if filtered {
		ev.setView(due, false)
	}
	if !holds {
		if filtered {
			if holds, err = r.require.boolFrame(ev.f); err != nil {
				return outcome{status: orglife.StatusError, err: err}
			}
		}
		switch {
		case holds && !ev.now.Before(due):
			st = orglife.StatusLate
		case holds:
		case !ev.now.Before(due):
			return outcome{status: orglife.StatusOverdue}
		case !ev.now.Before(due.In(ev.loc).AddDate(0, 0, -r.Warn)):
			return outcome{status: orglife.StatusAtRisk}
		default:
			return outcome{status: orglife.StatusPending}
		}
	}
	out := outcome{status: st}
	for _, c := range r.Shallow {
		fires, err := c.when.boolFrame(ev.f)
		if err != nil {
			return outcome{status: orglife.StatusError, err: err}
		}
		if fires {
			msg := c.Message
			if c.message != nil {
				msg = c.message.text(ev.f, ev.loc)
			}
			out.checks = append(out.checks, orglife.Finding{ID: c.ID, Message: msg, Severity: c.Severity})
		}
	}
	if len(out.checks) > 0 && st == orglife.StatusCompliant {
		out.status = orglife.StatusShallow
	}
	return out
}

// dueOf evaluates the rule's due expression on the frame's as_of view: a midnight in loc is a
// date whose whole day counts (due at the start of the next day), any other time that instant.
func (ev *orgEval) dueOf() (time.Time, error) {
	ev.setView(ev.now, false)
	v, err := ev.r.due.runEnv(ev.f.env)
	if err != nil {
		return time.Time{}, err
	}
	t, ok := v.(time.Time)
	if !ok || t.IsZero() {
		return time.Time{}, &ExprError{Line: 1, Column: 1, Message: "due is not set"}
	}
	t = t.In(ev.loc)
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0 {
		y, m, d := t.Date()
		return time.Date(y, m, d+1, 0, 0, 0, 0, ev.loc), nil
	}
	return t, nil
}

// where evaluates the rule's applicability on the frame's as_of view.
func (ev *orgEval) where() (bool, error) {
	if ev.r.where == nil {
		return true, nil
	}
	ev.setView(ev.now, false)
	return ev.r.where.boolFrame(ev.f)
}

// effective reports whether the date d (midnight in loc) is within the rule's effective dates.
func (ev *orgEval) effective(d time.Time) bool {
	r := ev.r
	if r.EffectiveFrom != nil && d.Before(ev.inLoc(*r.EffectiveFrom)) {
		return false
	}
	return r.EffectiveUntil == nil || !d.After(ev.inLoc(*r.EffectiveUntil))
}

func (ev *orgEval) inLoc(d time.Time) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, ev.loc)
}

// subjects returns the member views a rule covers, or a single nil entry for org scope.
func (ev *orgEval) subjects(r *Rule) []*MemberView {
	if r.Scope != ScopeMember {
		return []*MemberView{nil}
	}
	out := make([]*MemberView, len(ev.subjectViews))
	for i := range ev.subjectViews {
		out[i] = &ev.subjectViews[i]
	}
	return out
}

func (ev *orgEval) periodic(r *Rule, rows []orglife.LedgerRow) []orglife.LedgerRow {
	ev.r, ev.f, ev.inst = r, ev.frame(r), nil
	vars := ev.f.vars()
	for _, m := range ev.subjects(r) {
		subject := ev.in.Org.ID
		if m != nil {
			vars.Member, subject = *m, m.ID
		}
		for i := range ev.periodsOf(r.Every) {
			per := &ev.periods[r.Every][i]
			if m != nil && !ev.owns(subject, per) {
				continue
			}
			ev.start, ev.end = per.Start, per.Next().Start
			ev.period = PeriodView{Label: per.Label, Start: per.Start, End: per.End, Due: per.Due(r.Grace), Title: per.Title()}
			vars.Period = &ev.period
			ev.setRoster(vars, per)
			rows = append(rows, ev.evaluate(subject, per))
		}
	}
	vars.Period = nil
	vars.Members, vars.Org.MemberCount = ev.members, len(ev.members)
	return rows
}

func (ev *orgEval) deadline(r *Rule, rows []orglife.LedgerRow) []orglife.LedgerRow {
	ev.r, ev.f, ev.inst = r, ev.frame(r), nil
	ev.start, ev.end = time.Time{}, time.Time{}
	vars := ev.f.vars()
	vars.Period = nil
	for _, m := range ev.subjects(r) {
		subject := ev.in.Org.ID
		if m != nil {
			vars.Member, subject = *m, m.ID
			if !ev.owns(subject, nil) {
				continue
			}
		}
		rows = append(rows, ev.evaluate(subject, nil))
	}
	return rows
}

func (ev *orgEval) instances(r *Rule, rows []orglife.LedgerRow) []orglife.LedgerRow {
	ev.r, ev.f = r, ev.frame(r)
	ev.start, ev.end = time.Time{}, time.Time{}
	schema := ev.rs.envs.recs[r.col].schema
	data := ev.f.val.Field(reflect.TypeOf(instanceVars{}).NumField())
	recs := slices.Clone(ev.in.Records[r.Workflow])
	sort.Slice(recs, func(i, j int) bool { return recs[i].ID < recs[j].ID })
	from := ev.inLoc(ev.p.From.In(ev.loc))
	for _, rec := range recs {
		if rec == nil {
			continue
		}
		ev.inst = rec
		ev.instAt = InstanceView{ID: rec.ID, Workflow: rec.Workflow, State: rec.State, OrgID: rec.OrgID,
			Complete: rec.Complete, CreatedAt: rec.CreatedAt.In(ev.loc)}
		if !rec.RecordedAt.IsZero() {
			ev.instAt.RecordedAt = rec.RecordedAt.In(ev.loc)
		}
		data.SetZero()
		schema.fill(data, rec.Data, ev.loc)
		row := ev.evaluate(rec.ID, nil)
		if row.Due != nil && row.Due.Before(from) && !ev.p.From.IsZero() {
			continue
		}
		rows = append(rows, row)
	}
	return rows
}

// evaluate judges the row set up in ev for one subject and period (nil for deadline and
// instance rules).
func (ev *orgEval) evaluate(subject string, per *Period) orglife.LedgerRow {
	r := ev.r
	row := orglife.LedgerRow{Rule: r.ID, RuleVersion: ev.rs.Version, Scope: r.Scope, OrgID: ev.in.Org.ID,
		SubjectID: subject, Severity: r.Severity, EvaluatedAt: ev.p.AsOf}
	if r.Mode == ModeShadow {
		row.Mode = ModeShadow
	}
	tx := texts{instance: r.Scope == ScopeInstance}
	if per != nil {
		tx.period = per.Title()
		s, e := per.Start.Format(orglife.DateLayout), per.End.Format(orglife.DateLayout)
		row.Period, row.PeriodStart, row.PeriodEnd = &per.Label, &s, &e
	}
	fail := func(st orglife.Status, reason string) orglife.LedgerRow {
		row.Status = st
		ev.setView(ev.now, false)
		tx.subject, tx.message = ev.subjectText(), r.message.text(ev.f, ev.loc)
		row.Explanation.Text = sentence(r, tx, st, row.Due, ev.loc, 0, nil, reason)
		row.Explanation.DueOn = ev.dueOn(row.Due)
		row.Evidence = []string{}
		if st == orglife.StatusError {
			row.Evidence = ev.errorEvidence()
		}
		return row
	}
	if per != nil && !ev.effective(per.Start) {
		return fail(orglife.StatusNotApplicable, "不在生效期内")
	}
	if per != nil {
		if reason := ev.outsideLife(per); reason != "" {
			return fail(orglife.StatusNotApplicable, reason)
		}
		if reason := ev.outsideTenure(subject, per); reason != "" {
			return fail(orglife.StatusNotApplicable, reason)
		}
	}
	if reason, ok := ev.blown[r.ID]; ok { // one blown budget per rule and org is enough
		return fail(orglife.StatusError, reason)
	}
	errorRow := func(reason string) orglife.LedgerRow {
		if strings.Contains(reason, "budget") {
			ev.blown[r.ID] = reason
		}
		return fail(orglife.StatusError, reason)
	}
	ok, err := ev.where()
	if err != nil {
		return errorRow("where: " + err.Error())
	}
	if !ok {
		return fail(orglife.StatusNotApplicable, cmp.Or(r.whereMessage.text(ev.f, ev.loc), "适用条件不满足"))
	}
	due := ev.period.Due
	if per == nil || r.due != nil {
		if due, err = ev.dueOf(); err != nil {
			return errorRow("due: " + err.Error())
		}
	}
	if per != nil {
		ev.period.Due = due
	}
	row.Due = &due
	if per == nil && !ev.effective(ev.inLoc(due.In(ev.loc).AddDate(0, 0, -1))) {
		return fail(orglife.StatusNotApplicable, "不在生效期内")
	}
	if per == nil {
		if reason := ev.dueOutsideLife(ev.inLoc(due.In(ev.loc).AddDate(0, 0, -1))); reason != "" {
			return fail(orglife.StatusNotApplicable, reason)
		}
		if reason := ev.dueOutsideTenure(subject, ev.inLoc(due.In(ev.loc).AddDate(0, 0, -1))); reason != "" {
			return fail(orglife.StatusNotApplicable, reason)
		}
	}
	out := ev.judge(due)
	row.Status = out.status
	row.NextChange = ev.nextChange(out.status, due)
	if out.err != nil {
		row.Evidence = ev.errorEvidence()
		return errorRow(out.err.Error())
	}
	row.Evidence = ev.evidence()
	row.Explanation.Checks = out.checks
	row.Explanation.Clauses = explainClauses(r.clauses, ev.f, ev.loc)
	n := len(row.Evidence)
	for _, c := range row.Explanation.Clauses {
		if c.Matched != nil {
			n = *c.Matched
			break
		}
	}
	tx.subject, tx.message = ev.subjectText(), r.message.text(ev.f, ev.loc)
	if out.status == orglife.StatusLate {
		tx.late = r.lateMessage.text(ev.f, ev.loc)
		tx.lateRecords = ev.lateRecords(row.Evidence, due)
	}
	row.Explanation.Text = sentence(r, tx, out.status, row.Due, ev.loc, n, out.checks, "")
	switch {
	case out.status == orglife.StatusOverdue || out.status == orglife.StatusAtRisk:
		row.Explanation.Message = tx.message
	case out.status == orglife.StatusLate:
		row.Explanation.Message = tx.late
	}
	row.Explanation.DueOn = ev.dueOn(row.Due)
	return row
}

// evidence returns the ids of the records the rule looked at in the frame's as_of view, sorted,
// at most 50: the records that the collection predicates of the failing clauses matched (of
// every clause when none fails), so an overdue 主题党日 lists no unrelated meetings; every record
// of the collections the rule reads when a clause has no such predicate; the instance itself in
// instance scope.
func (ev *orgEval) evidence() []string {
	const most = 50
	if ev.r.Scope == ScopeInstance {
		return []string{ev.inst.ID}
	}
	out, ok := ev.clauseEvidence()
	if !ok {
		out = ev.readEvidence()
	}
	slices.Sort(out)
	out = slices.Compact(out)
	if len(out) > most {
		out = out[:most]
	}
	return out
}

// clauseEvidence returns the ids the collection predicates of the failing clauses (every clause
// when none fails) matched; ok is false when one of them reads records without such a predicate
// or fails to run.
func (ev *orgEval) clauseEvidence() (out []string, ok bool) {
	cs := ev.r.clauses
	if len(cs) == 0 {
		return nil, false
	}
	var failing []*clauseProgs
	for _, c := range cs {
		if holds, err := c.holds.boolFrame(ev.f); err != nil {
			return nil, false
		} else if !holds {
			failing = append(failing, c)
		}
	}
	if len(failing) == 0 {
		failing = cs
	}
	out = []string{}
	for _, c := range failing {
		if c.ids == nil {
			if c.reads {
				return nil, false
			}
			continue
		}
		v, err := c.ids.runFrame(ev.f)
		if err != nil {
			return nil, false
		}
		list, _ := v.([]any)
		for _, x := range list {
			if id, isStr := x.(string); isStr {
				out = append(out, id)
			}
		}
	}
	return out, true
}

// errorEvidence is the evidence of an error row: every record the rule reads (the clauses are not
// run again: they may be what failed).
func (ev *orgEval) errorEvidence() []string {
	if ev.r.Scope == ScopeInstance {
		return []string{ev.inst.ID}
	}
	out := ev.readEvidence()
	slices.Sort(out)
	out = slices.Compact(out)
	return out[:min(len(out), 50)]
}

// readEvidence returns the ids of every record of the collections the rule reads (the period's
// records for a period collection).
func (ev *orgEval) readEvidence() []string {
	out := []string{}
	for _, k := range ev.r.reads {
		cd := ev.coll(k / 2)
		lo, hi := 0, len(cd.ids)
		if k%2 == 0 && !ev.start.IsZero() {
			lo, hi = cd.bounds(ev.start, ev.end)
		}
		out = append(out, cd.ids[lo:hi]...)
	}
	return out
}

// lateRecords returns, of the records with the given ids, those recorded at or after due
// (earliest recorded first); for an instance row, the instance when it was.
func (ev *orgEval) lateRecords(ids []string, due time.Time) []lateRecord {
	if ev.r.Scope == ScopeInstance {
		if ev.inst.Complete && !ev.inst.RecordedAt.Before(due) {
			return []lateRecord{{recorded: ev.inst.RecordedAt}}
		}
		return nil
	}
	var out []lateRecord
	seen := map[string]bool{}
	for _, k := range ev.r.reads {
		cd := ev.coll(k / 2)
		for i, id := range cd.ids {
			if seen[id] || !slices.Contains(ids, id) || cd.rec[i].Before(due) {
				continue
			}
			seen[id] = true
			out = append(out, lateRecord{occurs: cd.occ[i], recorded: cd.rec[i]})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].recorded.Before(out[j].recorded) })
	return out
}

// dueOn is the due date people read (Explanation.DueOn): YYYY-MM-DD of the last day that counts.
func (ev *orgEval) dueOn(due *time.Time) string {
	if due == nil {
		return ""
	}
	return DueDate(*due, ev.loc).Format(orglife.DateLayout)
}

// subjectText names the row's subject for the texts people read: the rule's subject template,
// else the member's name in member scope; "" for the org itself.
func (ev *orgEval) subjectText() string {
	if ev.r.subject != nil {
		return ev.r.subject.text(ev.f, ev.loc)
	}
	if ev.r.Scope == ScopeMember {
		return ev.f.vars().Member.Label
	}
	return ""
}

// nextChange returns when a row of the status, due at due, changes by time alone: a pending row
// at the start of its warn window (or at due without one), an at_risk row at due; nil otherwise.
func (ev *orgEval) nextChange(st orglife.Status, due time.Time) *time.Time {
	var t time.Time
	switch st {
	case orglife.StatusPending:
		t = due.In(ev.loc).AddDate(0, 0, -ev.r.Warn)
		if !t.After(ev.now) {
			t = due
		}
	case orglife.StatusAtRisk:
		t = due
	default:
		return nil
	}
	t = t.UTC()
	return &t
}
