package packtest

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/rules"
	"github.com/orglife/orglife/workflows"
	"github.com/orglife/orglife/yamlfile"
)

// testCase is one decoded case of a test file.
type testCase struct {
	File, Name string
	Line, Col  int
	Loc        *time.Location
	AsOf       time.Time
	// From and To are set when the case gives them (dates in Loc).
	From, To *time.Time
	Orgs     []*orglife.Org
	Members  []*orglife.Member
	Records  []*rules.Record // cancelled ones left out
	Expect   []*expectation
}

// expectation is one expected ledger row.
type expectation struct {
	Line, Col   int
	Rule        *rules.Rule
	OrgID       string
	Subject     string
	Period      string // "" for deadline and instance rules
	period      rules.Period
	Status      orglife.Status
	Explanation string
	Checks      []string
	HasChecks   bool
	// Evidence are the record ids the row's evidence must list, exactly (HasEvidence: the key
	// was given; evidence: [] asserts an empty list).
	Evidence    []string
	HasEvidence bool
}

var (
	caseKeys   = []string{"name", "description", "tz", "as_of", "from", "to", "orgs", "members", "records", "expect"}
	orgKeys    = []string{"id", "name", "kind", "parent_id", "attributes", "established_on", "dissolved_on", "term_started_on", "term_years"}
	memberKeys = []string{"id", "org_id", "name", "status", "roles", "leader", "joined_on", "posts", "since", "left_on"}
	recordKeys = []string{"workflow", "org_id", "id", "state", "data", "recorded_at", "created_at"}
	expectKeys = []string{"rule", "org", "subject", "period", "status", "explanation", "checks", "evidence"}
)

// decoder decodes one test file. Problems of a case are collected per case: a case with
// problems is not run, the others are.
type decoder struct {
	yamlfile.Decoder
	file string
	set  *workflows.Set
	rs   *rules.RuleSet
	loc  *time.Location
}

// parseFile decodes a test file: a list of cases, or a mapping with the key `cases` holding the
// list. It returns the cases without problems and every problem found.
func parseFile(file string, src []byte, set *workflows.Set, rs *rules.RuleSet, loc *time.Location) ([]*testCase, orglife.Problems) {
	root, ps := yamlfile.Parse(file, src)
	if root == nil || len(ps) > 0 {
		return nil, ps
	}
	d := &decoder{file: file, set: set, rs: rs, loc: loc}
	list, what := root, "test file"
	if root.Kind == yamlfile.KindMap {
		d.Keys(root, "", []string{"cases"})
		if list, what = root.Get("cases"), "cases"; list == nil {
			d.Add(root, "missing %q", "cases")
			return nil, d.Problems
		}
	}
	if list.IsNull() {
		return nil, d.Problems // an empty file: no cases
	}
	var out []*testCase
	names := map[string]*yamlfile.Node{}
	for _, n := range d.List(list, what) {
		before := len(d.Problems)
		c := d.testCase(n)
		if c == nil {
			continue
		}
		if c.Name != "" {
			if prev := names[c.Name]; prev != nil {
				d.Add(n.Get("name"), "duplicate case name %q (also at line %d)", c.Name, prev.Line)
			}
			names[c.Name] = n.Get("name")
		}
		if len(d.Problems) == before {
			out = append(out, c)
		}
	}
	d.Problems.Sort()
	return out, d.Problems
}

// date reads an optional date (YYYY-MM-DD) in loc.
func (d *decoder) date(n *yamlfile.Node, what string, loc *time.Location) *time.Time {
	if t, ok := d.Date(n, what, loc); ok {
		return &t
	}
	return nil
}

// dateText reads an optional date as its YYYY-MM-DD text.
func (d *decoder) dateText(n *yamlfile.Node, what string) *string {
	if t := d.date(n, what, time.UTC); t != nil {
		s := t.Format(orglife.DateLayout)
		return &s
	}
	return nil
}

func (d *decoder) testCase(n *yamlfile.Node) *testCase {
	if !d.IsMap(n, "case") {
		return nil
	}
	c := &testCase{File: d.file, Line: n.Line, Col: n.Column, Loc: d.loc}
	c.Name, _ = d.Text(d.Required(n, "name", "case"), "name")
	what := "case"
	if c.Name != "" {
		what = fmt.Sprintf("case %q", c.Name)
	}
	d.Keys(n, what, caseKeys)
	if s, ok := d.Text(n.Present("tz"), "tz"); ok {
		if loc, err := time.LoadLocation(s); err != nil || s == "" {
			d.Addf(n.Get("tz"), "tz", "unknown time zone %q", s)
		} else {
			c.Loc = loc
		}
	}
	c.AsOf, _ = d.Instant(d.Required(n, "as_of", what), "as_of", nil)
	c.From = d.date(n.Present("from"), "from", c.Loc)
	c.To = d.date(n.Present("to"), "to", c.Loc)
	if c.From != nil && c.To != nil && c.To.Before(*c.From) {
		d.Addf(n.Get("to"), "to", "is before from")
	}
	if n.Present("orgs") == nil {
		d.Addf(n, what, "missing %q (at least one org)", "orgs")
	}
	orgs := map[string]*orglife.Org{}
	for _, on := range d.List(n.Present("orgs"), "orgs") {
		if o := d.org(on, orgs); o != nil {
			c.Orgs = append(c.Orgs, o)
		}
	}
	members := map[string]*orglife.Member{}
	for _, mn := range d.List(n.Present("members"), "members") {
		if m := d.member(mn, c, orgs, members); m != nil {
			c.Members = append(c.Members, m)
		}
	}
	records := map[string]*recordInfo{}
	for i, rn := range d.List(n.Present("records"), "records") {
		d.record(rn, i, c, orgs, members, records)
	}
	if n.Present("expect") == nil {
		d.Addf(n, what, "missing %q (at least one expected row)", "expect")
	}
	for _, en := range d.List(n.Present("expect"), "expect") {
		if e := d.expectation(en, c, orgs, members, records); e != nil {
			c.Expect = append(c.Expect, e)
		}
	}
	return c
}

func (d *decoder) org(n *yamlfile.Node, orgs map[string]*orglife.Org) *orglife.Org {
	if !d.Map(n, "org", orgKeys) {
		return nil
	}
	o := &orglife.Org{Attributes: map[string]string{}}
	if v := d.Required(n, "id", "org"); v != nil {
		o.ID, _ = d.Name(v, "id", orglife.OrgIDPattern)
		if orgs[o.ID] != nil {
			d.Add(v, "duplicate org id %q", o.ID)
		}
	}
	o.Name = o.ID
	if v := n.Present("name"); v != nil {
		o.Name, _ = d.Text(v, "name")
	}
	o.Kind, _ = d.OneOf(d.Required(n, "kind", "org"), "kind", orglife.OrgKinds)
	if s, ok := d.Text(n.Present("parent_id"), "parent_id"); ok {
		o.ParentID = &s
	}
	if v := n.Present("attributes"); v != nil && d.Map(v, "attributes", nil) {
		for _, e := range v.Entries {
			if s, ok := d.Text(e.Value, yamlfile.Path("attributes", e.Key.Value)); ok {
				o.Attributes[e.Key.Value] = s
			}
		}
	}
	o.EstablishedOn = d.dateText(n.Present("established_on"), "established_on")
	o.DissolvedOn = d.dateText(n.Present("dissolved_on"), "dissolved_on")
	if o.EstablishedOn != nil && o.DissolvedOn != nil && *o.DissolvedOn < *o.EstablishedOn {
		d.Add(n.Get("dissolved_on"), "dissolved_on is before established_on")
	}
	o.TermStartedOn = d.dateText(n.Present("term_started_on"), "term_started_on")
	o.TermYears, _ = d.Int(n.Present("term_years"), "term_years", 0, 10)
	if o.ID != "" {
		orgs[o.ID] = o
	}
	return o
}

// orgRef resolves the org_id of the member or record n (what): its value, or the case's only
// org when absent. It is nil when it does not resolve.
func (d *decoder) orgRef(n *yamlfile.Node, what string, c *testCase, orgs map[string]*orglife.Org) *orglife.Org {
	v := n.Present("org_id")
	if v == nil {
		if len(c.Orgs) == 1 {
			return c.Orgs[0]
		}
		d.Addf(n, what, "missing %q (the case has %d orgs)", "org_id", len(c.Orgs))
		return nil
	}
	s, ok := d.Text(v, "org_id")
	if o := orgs[s]; ok && o == nil {
		d.Addf(v, "org_id", "unknown org %q (not among the case's orgs)", s)
	}
	return orgs[s]
}

func (d *decoder) member(n *yamlfile.Node, c *testCase, orgs map[string]*orglife.Org, members map[string]*orglife.Member) *orglife.Member {
	if !d.Map(n, "member", memberKeys) {
		return nil
	}
	m := &orglife.Member{Status: "full", Roles: []string{}}
	if v := d.Required(n, "id", "member"); v != nil {
		m.ID, _ = d.Text(v, "id")
		if members[m.ID] != nil {
			d.Add(v, "duplicate member id %q", m.ID)
		}
	}
	m.Name, _ = d.Text(d.Required(n, "name", "member"), "name")
	if o := d.orgRef(n, "member", c, orgs); o != nil {
		m.OrgID = o.ID
	}
	if s, ok := d.OneOf(n.Present("status"), "status", []string{"probationary", "full"}); ok {
		m.Status = s
	}
	if roles, _ := d.Texts(n.Present("roles"), "roles", orglife.MemberRoles); roles != nil {
		m.Roles = roles
	}
	m.Leader, _ = d.Bool(n.Present("leader"), "leader")
	m.JoinedOn = d.dateText(n.Present("joined_on"), "joined_on")
	m.Since = d.dateText(n.Present("since"), "since")
	m.LeftOn = d.dateText(n.Present("left_on"), "left_on")
	if m.Since != nil && m.LeftOn != nil && *m.LeftOn < *m.Since {
		d.Add(n.Get("left_on"), "left_on is before since")
	}
	// posts: role → the day it was taken (as a roles change in the member's history dates it)
	if v := n.Present("posts"); v != nil && d.Map(v, "posts", nil) {
		for _, e := range v.Entries {
			role := e.Key.Value
			if !slices.Contains(m.Roles, role) {
				d.Add(e.Key, "posts: %q is not among the member's roles", role)
				continue
			}
			if on := d.dateText(e.Value, yamlfile.Path("posts", role)); on != nil {
				m.Posts = append(m.Posts, orglife.Post{Role: role, Since: *on})
			}
		}
	}
	if m.ID != "" {
		members[m.ID] = m
	}
	return m
}

// recordInfo is what expectations need to know of a record of the case.
type recordInfo struct {
	workflow, orgID string
}

func (d *decoder) record(n *yamlfile.Node, i int, c *testCase, orgs map[string]*orglife.Org, members map[string]*orglife.Member, records map[string]*recordInfo) {
	if !d.Map(n, "record", recordKeys) {
		return
	}
	def := d.workflow(d.Required(n, "workflow", "record"))
	org := d.orgRef(n, "record", c, orgs)
	if def == nil {
		return
	}
	if org != nil && !def.CanStart(org.Kind) {
		d.Add(n.Get("workflow"), "workflow %q does not apply to org %q of kind %s (applies_to: %s)", def.ID, org.ID, org.Kind, strings.Join(def.AppliesTo, ", "))
	}
	id := fmt.Sprintf("%s-%d", def.ID, i+1)
	if s, ok := d.Text(n.Present("id"), "id"); ok && s != "" {
		id = s
	}
	if records[id] != nil {
		d.Add(n, "duplicate record id %q", id)
	}
	state, ok := d.state(d.Required(n, "state", "record"), def)
	if !ok {
		return
	}
	recordedAt, createdAt := d.times(n, id, state, def, c)
	data := d.data(n.Present("data"), n, def, c.Loc)
	records[id] = &recordInfo{workflow: def.ID}
	if org == nil || data == nil {
		return
	}
	records[id].orgID = org.ID
	if !d.membersOf(n.Present("data"), def, data, org, members) {
		return
	}
	if r := def.Record(id, org.ID, state, data, createdAt, recordedAt, c.Loc); r != nil {
		c.Records = append(c.Records, r)
	}
}

// workflow resolves the workflow id v of a record, nil when it does not resolve.
func (d *decoder) workflow(v *yamlfile.Node) *workflows.Definition {
	s, ok := d.Text(v, "workflow")
	if !ok {
		return nil
	}
	def, found := d.set.Get(s)
	if !found {
		ids := []string{}
		for _, w := range d.set.List() {
			ids = append(ids, w.ID)
		}
		d.Addf(v, "workflow", "unknown workflow %q (the pack has %s)", s, strings.Join(ids, ", "))
		return nil
	}
	return def
}

// state reads the state v of a record of def: "" when it is absent or not a string, ok false
// when def has no such state.
func (d *decoder) state(v *yamlfile.Node, def *workflows.Definition) (state string, ok bool) {
	s, isText := d.Text(v, "state")
	if !isText {
		return "", true
	}
	if def.State(s) == nil {
		ids := []string{}
		for _, st := range def.States {
			ids = append(ids, st.ID)
		}
		d.Add(v, "state %q is not a state of workflow %q (states: %s)", s, def.ID, strings.Join(ids, ", "))
		return "", false
	}
	return s, true
}

// times reads recorded_at and created_at of the record n and checks them against its state and
// the case's as_of. created_at defaults to recorded_at, else as_of.
func (d *decoder) times(n *yamlfile.Node, id, state string, def *workflows.Definition, c *testCase) (recordedAt, createdAt time.Time) {
	if v := n.Present("recorded_at"); v != nil {
		recordedAt, _ = d.Instant(v, "recorded_at", c.Loc)
		switch {
		case state != "" && !def.IsComplete(state):
			d.Addf(v, "recorded_at", "state %q of workflow %q is not complete; only a record in a complete state has recorded_at", state, def.ID)
		case !recordedAt.IsZero() && !c.AsOf.IsZero() && recordedAt.After(c.AsOf):
			d.Addf(v, "recorded_at", "is after as_of (the record would not be known at as_of)")
		}
	} else if def.IsComplete(state) {
		d.Addf(n, fmt.Sprintf("record %q", id), "missing %q (state %q is complete: when the record entered it)", "recorded_at", state)
	}
	createdAt = recordedAt
	if createdAt.IsZero() {
		createdAt = c.AsOf
	}
	if t, ok := d.Instant(n.Present("created_at"), "created_at", c.Loc); ok {
		createdAt = t
		switch {
		case !c.AsOf.IsZero() && t.After(c.AsOf):
			d.Addf(n.Get("created_at"), "created_at", "is after as_of")
		case !recordedAt.IsZero() && t.After(recordedAt):
			d.Addf(n.Get("created_at"), "created_at", "is after recorded_at")
		}
	}
	return recordedAt, createdAt
}

// data converts and validates a record's data (n, nil when absent) with the workflow's
// NormalizeData and MissingRequired; problems point at the offending value, or at the record
// rec for a missing field.
func (d *decoder) data(n, rec *yamlfile.Node, def *workflows.Definition, loc *time.Location) map[string]any {
	raw, at := map[string]any{}, rec
	if n != nil {
		if !d.Map(n, "data", nil) {
			return nil
		}
		raw, at = n.Plain().(map[string]any), n
	}
	norm, details := def.NormalizeData(raw, loc)
	if len(details) == 0 {
		details = def.MissingRequired(norm, nil)
	}
	for _, det := range details {
		target := at
		if !strings.HasSuffix(det.Message, workflows.RequiredSuffix) {
			target = at.At(det.Field)
		}
		d.Add(target, "data.%s: %s (workflow %s)", det.Field, det.Message, def.ID)
	}
	if len(details) > 0 {
		return nil
	}
	return norm
}

// membersOf checks that every member id the record's data names (fields of type member) is a
// member of the case in the record's org, as the engine checks against the roster; n is the
// data node. It reports whether all are.
func (d *decoder) membersOf(n *yamlfile.Node, def *workflows.Definition, data map[string]any, org *orglife.Org, members map[string]*orglife.Member) bool {
	ok := true
	for _, r := range def.MemberRefs(data) {
		m := members[r.ID]
		switch {
		case m == nil:
			d.Add(n.At(r.Path), "data.%s: unknown member %q (not among the case's members)", r.Path, r.ID)
		case m.OrgID != org.ID:
			d.Add(n.At(r.Path), "data.%s: member %q belongs to org %q, not to the record's org %q", r.Path, r.ID, m.OrgID, org.ID)
		default:
			continue
		}
		ok = false
	}
	return ok
}

// statusNames are the statuses an expectation may name.
func statusNames() []string {
	names := make([]string, len(orglife.Statuses))
	for i, st := range orglife.Statuses {
		names[i] = string(st)
	}
	return names
}

func (d *decoder) expectation(n *yamlfile.Node, c *testCase, orgs map[string]*orglife.Org, members map[string]*orglife.Member, records map[string]*recordInfo) *expectation {
	if !d.Map(n, "expectation", expectKeys) {
		return nil
	}
	e := &expectation{Line: n.Line, Col: n.Column}
	if s, ok := d.Text(d.Required(n, "rule", "expectation"), "rule"); ok {
		if e.Rule = d.rs.Rule(s); e.Rule == nil {
			d.Addf(n.Get("rule"), "rule", "unknown rule %q", s)
		}
	}
	s, _ := d.OneOf(d.Required(n, "status", "expectation"), "status", statusNames())
	e.Status = orglife.Status(s)
	e.Explanation, _ = d.Text(n.Present("explanation"), "explanation")
	if n.Get("checks") != nil {
		checks, nodes := d.Texts(n.Present("checks"), "checks", nil)
		for i, s := range checks {
			if e.Rule != nil && !slices.ContainsFunc(e.Rule.Shallow, func(ch *rules.Check) bool { return ch.ID == s }) {
				d.Addf(nodes[i], "checks", "rule %q has no shallow check %q", e.Rule.ID, s)
			}
		}
		e.HasChecks, e.Checks = true, append([]string{}, checks...)
		slices.Sort(e.Checks)
	}
	if n.Get("evidence") != nil {
		ids, _ := d.Texts(n.Present("evidence"), "evidence", nil)
		e.HasEvidence, e.Evidence = true, append([]string{}, ids...)
		slices.Sort(e.Evidence)
	}
	if e.Rule == nil {
		return nil
	}
	d.period(e, n, c.Loc)
	if !d.subject(e, n, c, orgs, members, records) {
		return nil
	}
	return e
}

// period reads the period of the expectation n, which a periodic rule needs and another rule
// does not allow.
func (d *decoder) period(e *expectation, n *yamlfile.Node, loc *time.Location) {
	r, pn := e.Rule, n.Present("period")
	switch {
	case r.Timing() != rules.TimingPeriodic:
		if pn != nil {
			d.Add(pn, "rule %q is a %s rule without periods: leave period out", r.ID, r.Timing())
		}
	case pn == nil:
		d.Addf(n, "expectation", "missing %q (rule %q is periodic, every %s)", "period", r.ID, r.Every)
	default:
		s, ok := d.Text(pn, "period")
		if !ok {
			return
		}
		p, err := rules.ParsePeriod(s, loc)
		switch {
		case err != nil:
			d.Addf(pn, "period", "%v", err)
		case p.Kind != r.Every:
			d.Add(pn, "period %q is a %s; rule %q runs every %s", s, p.Kind, r.ID, r.Every)
		}
		e.Period, e.period = s, p
	}
}

// subject resolves the org and subject of the expectation n by its rule's scope; it reports
// false when they do not resolve.
func (d *decoder) subject(e *expectation, n *yamlfile.Node, c *testCase, orgs map[string]*orglife.Org, members map[string]*orglife.Member, records map[string]*recordInfo) bool {
	orgN, subjN := n.Present("org"), n.Present("subject")
	org, _ := d.Text(orgN, "org")
	subject, _ := d.Text(subjN, "subject")
	if org != "" && orgs[org] == nil {
		d.Addf(orgN, "org", "unknown org %q (not among the case's orgs)", org)
		return false
	}
	r := e.Rule
	switch r.Scope {
	case rules.ScopeMember:
		m := members[subject]
		switch {
		case m == nil && subjN == nil:
			d.Addf(n, "expectation", "missing %q (rule %q is per member: a member id)", "subject", r.ID)
		case m == nil && subject != "":
			d.Addf(subjN, "subject", "unknown member %q", subject)
		case org != "" && org != m.OrgID:
			d.Add(orgN, "member %q belongs to org %q, not %q", subject, m.OrgID, org)
		}
		if m == nil {
			return false
		}
		org = m.OrgID
	case rules.ScopeInstance:
		at := n
		if subjN != nil {
			at = subjN
		} else if subject = onlyRecord(records, r.Workflow); subject == "" {
			d.Addf(n, "expectation", "missing %q (rule %q is per instance of %s: a record id)", "subject", r.ID, r.Workflow)
			return false
		}
		ri := records[subject]
		switch {
		case ri == nil:
			d.Addf(at, "subject", "unknown record %q", subject)
			return false
		case ri.workflow != r.Workflow:
			d.Addf(at, "subject", "record %q is a %s, rule %q covers %s records", subject, ri.workflow, r.ID, r.Workflow)
			return false
		case org != "" && ri.orgID != "" && org != ri.orgID:
			d.Add(orgN, "record %q belongs to org %q, not %q", subject, ri.orgID, org)
		}
		org = ri.orgID
	default:
		switch {
		case org == "" && subject != "":
			org = subject
		case org == "" && len(c.Orgs) == 1:
			org = c.Orgs[0].ID
		case org == "":
			d.Addf(n, "expectation", "missing %q (the case has %d orgs)", "org", len(c.Orgs))
			return false
		case subject != "" && subject != org:
			d.Add(subjN, "rule %q is per org: subject must be the org (%q)", r.ID, org)
		}
		if orgs[org] == nil {
			d.Addf(subjN, "subject", "unknown org %q (not among the case's orgs)", org)
			return false
		}
		subject = org
	}
	e.OrgID, e.Subject = org, subject
	return true
}

// onlyRecord returns the id of the case's only record of workflow, or "" when there are none or
// several.
func onlyRecord(records map[string]*recordInfo, workflow string) string {
	only := ""
	for id, ri := range records {
		if ri.workflow == workflow {
			if only != "" {
				return ""
			}
			only = id
		}
	}
	return only
}
