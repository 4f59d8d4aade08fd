package packtest

import (
	"fmt"
	"slices"
	"strconv"
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
}

var (
	caseKeys   = []string{"name", "description", "tz", "as_of", "from", "to", "orgs", "members", "records", "expect"}
	orgKeys    = []string{"id", "name", "kind", "parent_id", "attributes", "established_on", "term_started_on", "term_years"}
	memberKeys = []string{"id", "org_id", "name", "status", "roles", "leader", "joined_on"}
	recordKeys = []string{"workflow", "org_id", "id", "state", "data", "recorded_at", "created_at"}
	expectKeys = []string{"rule", "org", "subject", "period", "status", "explanation", "checks"}
)

// decoder decodes one test file. Problems of a case are collected per case: a case with
// problems is not run, the others are.
type decoder struct {
	file     string
	set      *workflows.Set
	rs       *rules.RuleSet
	loc      *time.Location
	problems orglife.Problems
}

func (d *decoder) add(n *yamlfile.Node, format string, args ...any) {
	d.problems = append(d.problems, n.Problemf(format, args...))
}

// parseFile decodes a test file: a list of cases, or a mapping with the key `cases` holding the
// list. It returns the cases without problems and every problem found.
func parseFile(file string, src []byte, set *workflows.Set, rs *rules.RuleSet, loc *time.Location) ([]*testCase, orglife.Problems) {
	root, ps := yamlfile.Parse(file, src)
	if root == nil || len(ps) > 0 {
		return nil, ps
	}
	d := &decoder{file: file, set: set, rs: rs, loc: loc}
	list := root
	if root.Kind == yamlfile.KindMap {
		d.problems = append(d.problems, root.CheckKeys("", []string{"cases"})...)
		list = root.Get("cases")
		if list == nil {
			d.add(root, "missing key \"cases\"")
			return nil, d.problems
		}
	}
	if list.Kind != yamlfile.KindSeq {
		if list.Kind == yamlfile.KindNull {
			return nil, d.problems // an empty file: no cases
		}
		d.add(list, "a test file is a list of cases, got a %s", list.Kind)
		return nil, d.problems
	}
	var out []*testCase
	names := map[string]*yamlfile.Node{}
	for _, n := range list.Items {
		before := len(d.problems)
		c := d.testCase(n)
		if c != nil && c.Name != "" {
			if prev := names[c.Name]; prev != nil {
				d.add(n.Get("name"), "duplicate case name %q (also at line %d)", c.Name, prev.Line)
			}
			names[c.Name] = n.Get("name")
		}
		if c != nil && len(d.problems) == before {
			out = append(out, c)
		}
	}
	d.problems.Sort()
	return out, d.problems
}

// text returns a scalar's text, or adds a problem.
func (d *decoder) text(n *yamlfile.Node, what string) (string, bool) {
	s, ok := n.Text()
	if !ok {
		d.add(n, "%s must be a scalar, got a %s", what, n.Kind)
	}
	return s, ok
}

// required returns the value of key in m, or adds a problem at m.
func (d *decoder) required(m *yamlfile.Node, key, what string) *yamlfile.Node {
	v := m.Get(key)
	if v.IsNull() {
		d.add(m, "%s: missing %s", what, key)
		return nil
	}
	return v
}

func (d *decoder) mapping(n *yamlfile.Node, what string, keys []string) bool {
	if n.Kind != yamlfile.KindMap {
		d.add(n, "%s must be a mapping, got a %s", what, n.Kind)
		return false
	}
	d.problems = append(d.problems, n.CheckKeys(what, keys)...)
	return true
}

// items returns the items of an optional list.
func (d *decoder) items(n *yamlfile.Node, what string) []*yamlfile.Node {
	if n.IsNull() {
		return nil
	}
	if n.Kind != yamlfile.KindSeq {
		d.add(n, "%s must be a list, got a %s", what, n.Kind)
		return nil
	}
	return n.Items
}

// date parses an optional YYYY-MM-DD date in loc.
func (d *decoder) date(n *yamlfile.Node, what string, loc *time.Location) (*time.Time, bool) {
	if n.IsNull() {
		return nil, true
	}
	s, ok := d.text(n, what)
	if !ok {
		return nil, false
	}
	t, err := time.ParseInLocation(orglife.DateLayout, s, loc)
	if err != nil {
		d.add(n, "%s: %q is not a date (want YYYY-MM-DD)", what, s)
		return nil, false
	}
	return &t, true
}

// instant parses an RFC 3339 timestamp, or with dateOK a date (the start of that day in loc).
func (d *decoder) instant(n *yamlfile.Node, what string, loc *time.Location, dateOK bool) (time.Time, bool) {
	s, ok := d.text(n, what)
	if !ok {
		return time.Time{}, false
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, true
	}
	if dateOK {
		if t, err := time.ParseInLocation(orglife.DateLayout, s, loc); err == nil {
			return t, true
		}
		d.add(n, "%s: %q is neither an RFC 3339 timestamp (2025-03-01T10:00:00+08:00) nor a date (2025-03-01)", what, s)
		return time.Time{}, false
	}
	d.add(n, "%s: %q is not an RFC 3339 timestamp (like 2025-03-01T10:00:00+08:00)", what, s)
	return time.Time{}, false
}

func (d *decoder) testCase(n *yamlfile.Node) *testCase {
	if !d.mapping(n, "case", caseKeys) {
		return nil
	}
	c := &testCase{File: d.file, Line: n.Line, Col: n.Column, Loc: d.loc}
	if v := d.required(n, "name", "case"); v != nil {
		c.Name, _ = d.text(v, "name")
	}
	what := fmt.Sprintf("case %q", c.Name)
	if v := n.Get("tz"); !v.IsNull() {
		if s, ok := d.text(v, "tz"); ok {
			loc, err := time.LoadLocation(s)
			if err != nil || s == "" {
				d.add(v, "tz: unknown time zone %q", s)
			} else {
				c.Loc = loc
			}
		}
	}
	if v := d.required(n, "as_of", what); v != nil {
		c.AsOf, _ = d.instant(v, "as_of", c.Loc, false)
	}
	c.From, _ = d.date(n.Get("from"), "from", c.Loc)
	c.To, _ = d.date(n.Get("to"), "to", c.Loc)
	if c.From != nil && c.To != nil && c.To.Before(*c.From) {
		d.add(n.Get("to"), "to is before from")
	}
	orgs := map[string]*orglife.Org{}
	for _, on := range d.items(n.Get("orgs"), "orgs") {
		if o := d.org(on, orgs); o != nil {
			c.Orgs = append(c.Orgs, o)
		}
	}
	if n.Get("orgs").IsNull() {
		d.add(n, "%s: missing orgs (at least one org)", what)
	}
	members := map[string]*orglife.Member{}
	for _, mn := range d.items(n.Get("members"), "members") {
		if m := d.member(mn, c, orgs, members); m != nil {
			c.Members = append(c.Members, m)
		}
	}
	records := map[string]*recordInfo{}
	for i, rn := range d.items(n.Get("records"), "records") {
		d.record(rn, i, c, orgs, records)
	}
	ex := n.Get("expect")
	if ex.IsNull() {
		d.add(n, "%s: missing expect (at least one expected row)", what)
	}
	for _, en := range d.items(ex, "expect") {
		if e := d.expectation(en, c, orgs, members, records); e != nil {
			c.Expect = append(c.Expect, e)
		}
	}
	return c
}

func (d *decoder) org(n *yamlfile.Node, orgs map[string]*orglife.Org) *orglife.Org {
	if !d.mapping(n, "org", orgKeys) {
		return nil
	}
	o := &orglife.Org{Attributes: map[string]string{}}
	if v := d.required(n, "id", "org"); v != nil {
		if s, ok := d.text(v, "id"); ok {
			if !orglife.OrgIDPattern.MatchString(s) {
				d.add(v, "org id %q must match %s", s, orglife.OrgIDPattern)
			}
			if orgs[s] != nil {
				d.add(v, "duplicate org id %q", s)
			}
			o.ID = s
		}
	}
	o.Name = o.ID
	if v := n.Get("name"); !v.IsNull() {
		o.Name, _ = d.text(v, "name")
	}
	if v := d.required(n, "kind", "org"); v != nil {
		if s, ok := d.text(v, "kind"); ok {
			if !slices.Contains(orglife.OrgKinds, s) {
				d.add(v, "kind %q must be one of %s", s, strings.Join(orglife.OrgKinds, ", "))
			}
			o.Kind = s
		}
	}
	if v := n.Get("parent_id"); !v.IsNull() {
		if s, ok := d.text(v, "parent_id"); ok {
			o.ParentID = &s
		}
	}
	if v := n.Get("attributes"); !v.IsNull() {
		if d.mapping(v, "attributes", nil) {
			for _, e := range v.Entries {
				if s, ok := d.text(e.Value, "attribute "+e.Key.Value); ok {
					o.Attributes[e.Key.Value] = s
				}
			}
		}
	}
	for key, dst := range map[string]**string{"established_on": &o.EstablishedOn, "term_started_on": &o.TermStartedOn} {
		if t, ok := d.date(n.Get(key), key, time.UTC); ok && t != nil {
			s := t.Format(orglife.DateLayout)
			*dst = &s
		}
	}
	if v := n.Get("term_years"); !v.IsNull() {
		y, ok := v.Int()
		if !ok || y < 0 || y > 10 {
			d.add(v, "term_years must be a whole number from 0 to 10")
		}
		o.TermYears = y
	}
	if o.ID != "" {
		orgs[o.ID] = o
	}
	return o
}

// orgRef resolves an org_id key: its value, or the case's only org when absent.
func (d *decoder) orgRef(n *yamlfile.Node, key string, c *testCase, orgs map[string]*orglife.Org) (*orglife.Org, bool) {
	v := n.Get(key)
	if v.IsNull() {
		if len(c.Orgs) == 1 {
			return c.Orgs[0], true
		}
		d.add(n, "missing %s (the case has %d orgs)", key, len(c.Orgs))
		return nil, false
	}
	s, ok := d.text(v, key)
	if !ok {
		return nil, false
	}
	o := orgs[s]
	if o == nil {
		d.add(v, "%s: unknown org %q (not among the case's orgs)", key, s)
		return nil, false
	}
	return o, true
}

func (d *decoder) member(n *yamlfile.Node, c *testCase, orgs map[string]*orglife.Org, members map[string]*orglife.Member) *orglife.Member {
	if !d.mapping(n, "member", memberKeys) {
		return nil
	}
	m := &orglife.Member{Status: "full", Roles: []string{}}
	if v := d.required(n, "id", "member"); v != nil {
		if s, ok := d.text(v, "id"); ok {
			if members[s] != nil {
				d.add(v, "duplicate member id %q", s)
			}
			m.ID = s
		}
	}
	if v := d.required(n, "name", "member"); v != nil {
		m.Name, _ = d.text(v, "name")
	}
	if o, ok := d.orgRef(n, "org_id", c, orgs); ok {
		m.OrgID = o.ID
	}
	if v := n.Get("status"); !v.IsNull() {
		if s, ok := d.text(v, "status"); ok {
			if s != "probationary" && s != "full" {
				d.add(v, "status %q must be probationary or full", s)
			}
			m.Status = s
		}
	}
	for _, rn := range d.items(n.Get("roles"), "roles") {
		if s, ok := d.text(rn, "role"); ok {
			if !slices.Contains(orglife.MemberRoles, s) {
				d.add(rn, "role %q must be one of %s", s, strings.Join(orglife.MemberRoles, ", "))
			}
			m.Roles = append(m.Roles, s)
		}
	}
	if v := n.Get("leader"); !v.IsNull() {
		b, ok := v.Bool()
		if !ok {
			d.add(v, "leader must be true or false")
		}
		m.Leader = b
	}
	if t, ok := d.date(n.Get("joined_on"), "joined_on", time.UTC); ok && t != nil {
		s := t.Format(orglife.DateLayout)
		m.JoinedOn = &s
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

func (d *decoder) record(n *yamlfile.Node, i int, c *testCase, orgs map[string]*orglife.Org, records map[string]*recordInfo) {
	if !d.mapping(n, "record", recordKeys) {
		return
	}
	var def *workflows.Definition
	if v := d.required(n, "workflow", "record"); v != nil {
		if s, ok := d.text(v, "workflow"); ok {
			if def, ok = d.set.Get(s); !ok {
				ids := []string{}
				for _, w := range d.set.List() {
					ids = append(ids, w.ID)
				}
				d.add(v, "unknown workflow %q (the pack has %s)", s, strings.Join(ids, ", "))
			}
		}
	}
	org, _ := d.orgRef(n, "org_id", c, orgs)
	if def == nil {
		return
	}
	if org != nil && !def.CanStart(org.Kind) {
		d.add(n.Get("workflow"), "workflow %q does not apply to org %q of kind %s (applies_to: %s)", def.ID, org.ID, org.Kind, strings.Join(def.AppliesTo, ", "))
	}
	id := fmt.Sprintf("%s-%d", def.ID, i+1)
	if v := n.Get("id"); !v.IsNull() {
		if s, ok := d.text(v, "id"); ok && s != "" {
			id = s
		}
	}
	if records[id] != nil {
		d.add(n, "duplicate record id %q", id)
	}
	state := ""
	if v := d.required(n, "state", "record"); v != nil {
		if s, ok := d.text(v, "state"); ok {
			if def.State(s) == nil {
				ids := []string{}
				for _, st := range def.States {
					ids = append(ids, st.ID)
				}
				d.add(v, "state %q is not a state of workflow %q (states: %s)", s, def.ID, strings.Join(ids, ", "))
				return
			}
			state = s
		}
	}
	var recordedAt, createdAt time.Time
	if v := n.Get("recorded_at"); !v.IsNull() {
		recordedAt, _ = d.instant(v, "recorded_at", c.Loc, true)
		switch {
		case state != "" && !def.IsComplete(state):
			d.add(v, "recorded_at: state %q of workflow %q is not complete; only a record in a complete state has recorded_at", state, def.ID)
		case !recordedAt.IsZero() && !c.AsOf.IsZero() && recordedAt.After(c.AsOf):
			d.add(v, "recorded_at %s is after as_of: the record would not be known at as_of", v.Value)
		}
	} else if def.IsComplete(state) {
		d.add(n, "record %q: state %q is complete: recorded_at (when the record entered it) is required", id, state)
	}
	createdAt = recordedAt
	if createdAt.IsZero() {
		createdAt = c.AsOf
	}
	if v := n.Get("created_at"); !v.IsNull() {
		if t, ok := d.instant(v, "created_at", c.Loc, true); ok {
			createdAt = t
			switch {
			case !c.AsOf.IsZero() && t.After(c.AsOf):
				d.add(v, "created_at is after as_of")
			case !recordedAt.IsZero() && t.After(recordedAt):
				d.add(v, "created_at is after recorded_at")
			}
		}
	}
	data := d.data(n.Get("data"), n, def, c.Loc)
	records[id] = &recordInfo{workflow: def.ID}
	if org == nil || data == nil {
		return
	}
	records[id].orgID = org.ID
	if r := def.Record(id, org.ID, state, data, createdAt, recordedAt, c.Loc); r != nil {
		c.Records = append(c.Records, r)
	}
}

// data converts and validates a record's data with the workflow's NormalizeData and
// MissingRequired; problems point at the offending value.
func (d *decoder) data(n, rec *yamlfile.Node, def *workflows.Definition, loc *time.Location) map[string]any {
	raw := map[string]any{}
	at := rec
	if !n.IsNull() {
		at = n
		if n.Kind != yamlfile.KindMap {
			d.add(n, "data must be a mapping, got a %s", n.Kind)
			return nil
		}
		for _, e := range n.Duplicates() {
			d.add(e.Key, "data: duplicate key %q", e.Key.Value)
		}
		raw = toValue(n).(map[string]any)
	}
	norm, details := def.NormalizeData(raw, loc)
	if len(details) == 0 {
		details = def.MissingRequired(norm, nil)
	}
	for _, det := range details {
		target := at
		if det.Message != "is required" {
			target = nodeAt(at, det.Field)
		}
		d.add(target, "data.%s: %s (workflow %s)", det.Field, det.Message, def.ID)
	}
	if len(details) > 0 {
		return nil
	}
	return norm
}

// toValue converts a YAML node into the values of decoded JSON: maps, lists, strings, bools,
// int64 or float64 numbers and nil.
func toValue(n *yamlfile.Node) any {
	switch n.Kind {
	case yamlfile.KindMap:
		m := make(map[string]any, len(n.Entries))
		for _, e := range n.Entries {
			m[e.Key.Value] = toValue(e.Value)
		}
		return m
	case yamlfile.KindSeq:
		l := make([]any, len(n.Items))
		for i, it := range n.Items {
			l[i] = toValue(it)
		}
		return l
	case yamlfile.KindScalar:
		switch n.Tag {
		case yamlfile.TagInt:
			if v, err := strconv.ParseInt(n.Value, 0, 64); err == nil {
				return v
			}
		case yamlfile.TagFloat:
			if v, ok := n.Float(); ok {
				return v
			}
		case yamlfile.TagBool:
			b, _ := n.Bool()
			return b
		}
		return n.Value
	}
	return nil
}

// nodeAt follows a field path such as absentees[0].name from a data mapping to the node it
// names, as far as it exists.
func nodeAt(n *yamlfile.Node, path string) *yamlfile.Node {
	cur := n
	for _, part := range strings.Split(path, ".") {
		name, rest, _ := strings.Cut(part, "[")
		next := cur.Get(name)
		if next == nil {
			return cur
		}
		cur = next
		for rest != "" {
			idx, after, ok := strings.Cut(rest, "]")
			i, err := strconv.Atoi(idx)
			if !ok || err != nil || cur.Kind != yamlfile.KindSeq || i < 0 || i >= len(cur.Items) {
				return cur
			}
			cur = cur.Items[i]
			rest = strings.TrimPrefix(after, "[")
		}
	}
	return cur
}

func (d *decoder) expectation(n *yamlfile.Node, c *testCase, orgs map[string]*orglife.Org, members map[string]*orglife.Member, records map[string]*recordInfo) *expectation {
	if !d.mapping(n, "expectation", expectKeys) {
		return nil
	}
	e := &expectation{Line: n.Line, Col: n.Column}
	if v := d.required(n, "rule", "expectation"); v != nil {
		if s, ok := d.text(v, "rule"); ok {
			if e.Rule = d.rs.Rule(s); e.Rule == nil {
				d.add(v, "unknown rule %q", s)
			}
		}
	}
	if v := d.required(n, "status", "expectation"); v != nil {
		if s, ok := d.text(v, "status"); ok {
			e.Status = orglife.Status(s)
			if !slices.Contains(orglife.Statuses, e.Status) {
				names := make([]string, len(orglife.Statuses))
				for i, st := range orglife.Statuses {
					names[i] = string(st)
				}
				d.add(v, "status %q must be one of %s", s, strings.Join(names, ", "))
			}
		}
	}
	if v := n.Get("explanation"); !v.IsNull() {
		e.Explanation, _ = d.text(v, "explanation")
	}
	if v := n.Get("checks"); v != nil {
		e.HasChecks = true
		e.Checks = []string{}
		for _, cn := range d.items(v, "checks") {
			s, ok := d.text(cn, "check")
			if !ok {
				continue
			}
			if e.Rule != nil && !slices.ContainsFunc(e.Rule.Shallow, func(ch *rules.Check) bool { return ch.ID == s }) {
				d.add(cn, "rule %q has no shallow check %q", e.Rule.ID, s)
			}
			e.Checks = append(e.Checks, s)
		}
		slices.Sort(e.Checks)
	}
	if e.Rule == nil {
		return nil
	}
	r := e.Rule
	pn := n.Get("period")
	if r.Timing() == rules.TimingPeriodic {
		if pn.IsNull() {
			d.add(n, "rule %q is periodic (every %s): the expectation needs a period", r.ID, r.Every)
		} else if s, ok := d.text(pn, "period"); ok {
			p, err := rules.ParsePeriod(s, c.Loc)
			switch {
			case err != nil:
				d.add(pn, "%v", err)
			case p.Kind != r.Every:
				d.add(pn, "period %q is a %s; rule %q runs every %s", s, p.Kind, r.ID, r.Every)
			}
			e.Period, e.period = s, p
		}
	} else if !pn.IsNull() {
		d.add(pn, "rule %q is a %s rule without periods: leave period out", r.ID, r.Timing())
	}
	orgN, subjN := n.Get("org"), n.Get("subject")
	org, subject := "", ""
	if !orgN.IsNull() {
		if s, ok := d.text(orgN, "org"); ok {
			if orgs[s] == nil {
				d.add(orgN, "org: unknown org %q (not among the case's orgs)", s)
				return nil
			}
			org = s
		}
	}
	if !subjN.IsNull() {
		subject, _ = d.text(subjN, "subject")
	}
	switch r.Scope {
	case rules.ScopeMember:
		m := members[subject]
		if m == nil {
			if subjN.IsNull() {
				d.add(n, "rule %q is per member: subject (a member id) is required", r.ID)
			} else {
				d.add(subjN, "subject: unknown member %q", subject)
			}
			return nil
		}
		if org != "" && org != m.OrgID {
			d.add(orgN, "member %q belongs to org %q, not %q", subject, m.OrgID, org)
		}
		org = m.OrgID
	case rules.ScopeInstance:
		if subjN.IsNull() {
			var only []string
			for id, ri := range records {
				if ri.workflow == r.Workflow {
					only = append(only, id)
				}
			}
			if len(only) != 1 {
				d.add(n, "rule %q is per instance of %s: subject (a record id) is required", r.ID, r.Workflow)
				return nil
			}
			subject = only[0]
		}
		ri := records[subject]
		switch {
		case ri == nil:
			d.add(firstOf(subjN, n), "subject: unknown record %q", subject)
			return nil
		case ri.workflow != r.Workflow:
			d.add(firstOf(subjN, n), "subject: record %q is a %s, rule %q covers %s records", subject, ri.workflow, r.ID, r.Workflow)
			return nil
		case org != "" && ri.orgID != "" && org != ri.orgID:
			d.add(orgN, "record %q belongs to org %q, not %q", subject, ri.orgID, org)
		}
		org = ri.orgID
	default:
		switch {
		case org == "" && subject != "":
			org = subject
		case org == "" && len(c.Orgs) == 1:
			org = c.Orgs[0].ID
		case org == "":
			d.add(n, "org is required (the case has %d orgs)", len(c.Orgs))
			return nil
		case subject != "" && subject != org:
			d.add(subjN, "rule %q is per org: subject must be the org (%q)", r.ID, org)
		}
		if orgs[org] == nil {
			d.add(firstOf(subjN, n), "unknown org %q", org)
			return nil
		}
		subject = org
	}
	e.OrgID, e.Subject = org, subject
	return e
}

// firstOf returns the first node that is present.
func firstOf(ns ...*yamlfile.Node) *yamlfile.Node {
	for _, n := range ns {
		if n != nil {
			return n
		}
	}
	return nil
}
