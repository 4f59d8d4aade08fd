package rules

import (
	"errors"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/orglife/orglife"
	"github.com/orglife/orglife/yamlfile"
)

var idPattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

var ruleKeys = []string{"id", "title", "source", "strength", "severity", "scope", "where", "every", "grace", "warn",
	"due", "require", "message", "shallow", "effective_from", "effective_until", "workflow", "mode", "description", "partial",
	"late_message", "subject", "where_message"}

var checkKeys = []string{"id", "when", "message", "severity"}

// Strengths of a rule: where its requirement comes from.
var Strengths = []string{"HARD", "DEFAULT", "LOCAL", "SEED"}

// decoder turns rule files into compiled rules, collecting every problem.
type decoder struct {
	yamlfile.Decoder
	envs   *envSet
	idNode map[*Rule]*yamlfile.Node
	rules  int // rules seen in every file so far, against MaxRules

	// The working-day calendar (calendar.go): where it was declared, the reference the compiled
	// programs read it through, their working_days functions, and the expressions that call
	// working_days (problems if the set ends up without a calendar).
	calNode *yamlfile.Node
	cal     *calendarRef
	calOpts []expr.Option
	calUses orglife.Problems
}

func newDecoder(cols []Collection) *decoder {
	ref := &calendarRef{}
	return &decoder{envs: newEnvSet(cols), idNode: map[*Rule]*yamlfile.Node{}, cal: ref, calOpts: ref.options()}
}

// compileIn compiles an expression of the rule set: with its working-day calendar.
func (dec *decoder) compileIn(src string, env reflect.Type, want Kind) (*Program, error) {
	return compileIn(src, env, want, dec.calOpts...)
}

// file decodes one rule file; rules with problems are left out.
func (dec *decoder) file(name string, src []byte) []*Rule {
	root, ps := yamlfile.Parse(name, src)
	dec.Problems = append(dec.Problems, ps...)
	if root.IsNull() || !dec.IsMap(root, "rule file") {
		return nil
	}
	dec.Keys(root, "", []string{"rules", "calendar"})
	if cal := root.Get("calendar"); !cal.IsNull() {
		dec.calendar(cal)
	}
	var out []*Rule
	seen := map[string]*yamlfile.Node{}
	for _, item := range dec.List(root.Present("rules"), "rules") {
		if dec.rules++; dec.rules > MaxRules {
			dec.Add(item, "a rule set may have at most %d rules (budget); this one has more", MaxRules)
			break
		}
		r, ok := dec.rule(item)
		if r == nil {
			continue
		}
		if prev := seen[r.ID]; prev != nil {
			dec.Add(dec.idNode[r], "duplicate rule id %q (also at line %d)", r.ID, prev.Line)
			continue
		}
		seen[r.ID] = dec.idNode[r]
		if ok {
			out = append(out, r)
		}
	}
	return out
}

// text returns the text of the optional key of m and its node; the node is nil when the key is
// absent or not a string.
func (dec *decoder) text(m *yamlfile.Node, key string) (string, *yamlfile.Node) {
	n := m.Present(key)
	s, ok := dec.Text(n, key)
	if !ok {
		return "", nil
	}
	return s, n
}

// oneOf returns the value of the optional key of m, one of values, or def.
func (dec *decoder) oneOf(m *yamlfile.Node, key string, values []string, def string) string {
	if s, ok := dec.OneOf(m.Present(key), key, values); ok {
		return s
	}
	return def
}

func (dec *decoder) days(m *yamlfile.Node, key string) (int, *yamlfile.Node) {
	s, n := dec.text(m, key)
	if n == nil {
		return 0, nil
	}
	d, err := ParseDays(s)
	if err != nil {
		dec.Addf(n, key, "%v", err)
	}
	return d, n
}

func (dec *decoder) date(m *yamlfile.Node, key string) *time.Time {
	if t, ok := dec.Date(m.Present(key), key, time.UTC); ok {
		return &t
	}
	return nil
}

// rule decodes one rule; ok is false when it has problems. r is nil when it has no usable id.
func (dec *decoder) rule(item *yamlfile.Node) (r *Rule, ok bool) {
	before := len(dec.Problems)
	if !dec.IsMap(item, "rule") {
		return nil, false
	}
	dec.Keys(item, "", ruleKeys)
	r = &Rule{File: item.File, Line: item.Line, col: -1}
	idNode := dec.Required(item, "id", "")
	r.ID, _ = dec.Name(idNode, "id", idPattern)
	r.Title, _ = dec.text(item, "title")
	r.Source, _ = dec.text(item, "source")
	r.Description, _ = dec.text(item, "description")
	r.Strength = dec.oneOf(item, "strength", Strengths, "")
	r.Severity = dec.oneOf(item, "severity", orglife.Severities, "minor")
	r.Scope = dec.oneOf(item, "scope", []string{ScopeOrg, ScopeMember, ScopeInstance}, ScopeOrg)
	r.Mode = dec.oneOf(item, "mode", []string{ModeEnforce, ModeShadow}, ModeEnforce)
	var everyNode, graceNode, wfNode *yamlfile.Node
	r.Every, everyNode = dec.text(item, "every")
	if everyNode != nil {
		if _, err := ParsePeriodKind(r.Every); err != nil {
			dec.Addf(everyNode, "every", "%v", err)
		} else if r.Scope == ScopeInstance {
			dec.Addf(everyNode, "every", "not allowed in an instance-scope rule")
		}
	}
	r.Grace, graceNode = dec.days(item, "grace")
	if graceNode != nil && r.Every == "" {
		dec.Addf(graceNode, "grace", "only a periodic rule (with every) has a grace")
	}
	r.Warn, _ = dec.days(item, "warn")
	r.Partial = dec.oneOf(item, "partial", []string{PartialSkip, PartialCount}, PartialSkip)
	if n := item.Present("partial"); n != nil && r.Every == "" {
		dec.Addf(n, "partial", "only a periodic rule (with every) has partial periods")
	}
	r.EffectiveFrom = dec.date(item, "effective_from")
	r.EffectiveUntil = dec.date(item, "effective_until")
	if r.EffectiveFrom != nil && r.EffectiveUntil != nil && r.EffectiveUntil.Before(*r.EffectiveFrom) {
		dec.Addf(item.Get("effective_until"), "effective_until", "is before effective_from")
	}
	r.Workflow, wfNode = dec.text(item, "workflow")
	switch {
	case r.Scope == ScopeInstance && wfNode == nil:
		if item.Present("workflow") == nil {
			dec.Add(item, "missing %q (an instance-scope rule names its workflow)", "workflow")
		}
	case r.Scope == ScopeInstance:
		if ci, found := dec.envs.byWF[r.Workflow]; found {
			r.col = ci
		} else {
			dec.Addf(wfNode, "workflow", "unknown workflow %q", r.Workflow)
		}
	case wfNode != nil:
		dec.Addf(wfNode, "workflow", "only an instance-scope rule names a workflow")
	}
	dec.Required(item, "message", "")
	var msgNode, lateNode, subjectNode, whereMsgNode *yamlfile.Node
	r.Message, msgNode = dec.text(item, "message")
	r.LateMessage, lateNode = dec.text(item, "late_message")
	r.Subject, subjectNode = dec.text(item, "subject")
	r.WhereMessage, whereMsgNode = dec.text(item, "where_message")

	// Expressions, compiled against the scope's environment.
	var env reflect.Type
	switch {
	case r.Scope == ScopeInstance && r.col >= 0:
		env = dec.envs.instType(r.col)
	case r.Scope == ScopeMember:
		env = dec.envs.member
	case r.Scope != ScopeInstance:
		env = dec.envs.org
	}
	var whereNode, dueNode, reqNode *yamlfile.Node
	r.Where, whereNode = dec.text(item, "where")
	r.Due, dueNode = dec.text(item, "due")
	dec.Required(item, "require", "")
	r.Require, reqNode = dec.text(item, "require")
	if item.Present("due") == nil && r.Every == "" && (r.Scope != ScopeInstance || r.col >= 0) {
		dec.Add(item, "missing %q (a rule without every has a due date)", "due")
	}
	if env != nil {
		r.where = dec.compile(r, whereNode, r.Where, env, KindBool, "where")
		r.require = dec.compile(r, reqNode, r.Require, env, KindBool, "require")
		r.due = dec.compile(r, dueNode, r.Due, env, KindAny, "due")
		if r.due != nil {
			if t := r.due.program.Node().Type(); t != nil && t != timeType && t.Kind() != reflect.Interface {
				dec.Addf(dueNode, "due", "expected a date or datetime, but got %s", typeName(t))
				r.due = nil
			}
		}
		if r.require != nil {
			r.clauses = dec.clauses(r.Require, env)
		}
	}
	r.message = dec.template(r, msgNode, r.Message, env, "message")
	r.lateMessage = dec.template(r, lateNode, r.LateMessage, env, "late_message")
	r.subject = dec.template(r, subjectNode, r.Subject, env, "subject")
	r.whereMessage = dec.template(r, whereMsgNode, r.WhereMessage, env, "where_message")
	dec.shallow(r, item.Present("shallow"), env)
	if r.ID != "" {
		dec.idNode[r] = idNode
	}
	if r.ID == "" || !idPattern.MatchString(r.ID) {
		return nil, false
	}
	return r, len(dec.Problems) == before
}

// shallow decodes the shallow checks of rule r.
func (dec *decoder) shallow(r *Rule, list *yamlfile.Node, env reflect.Type) {
	seen := map[string]bool{}
	for _, item := range dec.List(list, "shallow") {
		if !dec.IsMap(item, "shallow") {
			continue
		}
		dec.Keys(item, "shallow", checkKeys)
		c := &Check{}
		idNode := dec.Required(item, "id", "shallow")
		c.ID, _ = dec.Name(idNode, "shallow: id", idPattern)
		if seen[c.ID] && c.ID != "" {
			dec.Add(idNode, "shallow: duplicate check id %q", c.ID)
		}
		seen[c.ID] = true
		what := strings.TrimSpace("shallow " + c.ID)
		msgNode := dec.Required(item, "message", what)
		var ok bool
		if c.Message, ok = dec.Text(msgNode, what+": message"); ok {
			c.message = dec.template(r, msgNode, c.Message, env, what+": message")
		}
		c.Severity = "minor"
		if s, ok := dec.OneOf(item.Present("severity"), what+": severity", orglife.Severities); ok {
			c.Severity = s
		}
		whenNode := dec.Required(item, "when", what)
		if src, ok := dec.Text(whenNode, what+": when"); ok && env != nil {
			c.When, c.when = src, dec.compile(r, whenNode, src, env, KindBool, what+": when")
		}
		r.Shallow = append(r.Shallow, c)
	}
}

// compile compiles an expression written in node n (nil: absent) and reports its error at the
// position inside the file. It records the collections the expression reads.
func (dec *decoder) compile(r *Rule, n *yamlfile.Node, src string, env reflect.Type, want Kind, what string) *Program {
	if n == nil {
		return nil
	}
	p, err := dec.compileIn(src, env, want)
	if err != nil {
		line, col := n.Line, n.Column
		msg := err.Error()
		var ee *ExprError
		if errors.As(err, &ee) {
			line, col = n.Pos(ee.Line, ee.Column)
			msg = ee.Message
		}
		dec.Problems = append(dec.Problems, orglife.Problem{File: n.File, Line: line, Column: col, Message: what + ": " + msg})
		return nil
	}
	dec.noteReads(r, n, p, what)
	return p
}

// noteReads records the collections a program of rule r (written in node n) reads, and whether
// it needs the working-day calendar.
func (dec *decoder) noteReads(r *Rule, n *yamlfile.Node, p *Program, what string) {
	node := p.program.Node()
	ast.Walk(&node, readsVisitor{r: r, names: dec.envs.byName})
	if usesWorkingDays(node) {
		dec.calUses = append(dec.calUses, orglife.Problem{File: n.File, Line: n.Line, Column: n.Column, Message: what + ": "})
	}
}

type readsVisitor struct {
	r     *Rule
	names map[string]int
}

// Visit implements ast.Visitor.
func (v readsVisitor) Visit(node *ast.Node) {
	if id, ok := (*node).(*ast.IdentifierNode); ok {
		if k, found := v.names[id.Value]; found && !slices.Contains(v.r.reads, k) {
			v.r.reads = append(v.r.reads, k)
			slices.Sort(v.r.reads)
		}
	}
}
