package rules

import (
	"errors"

	"github.com/expr-lang/expr"
	"reflect"
	"regexp"
	"slices"
	"time"

	"github.com/expr-lang/expr/ast"
	"github.com/orglife/orglife"
	"github.com/orglife/orglife/yamlfile"
)

var idPattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

var ruleKeys = []string{"id", "title", "source", "strength", "severity", "scope", "where", "every", "grace", "warn",
	"due", "require", "message", "shallow", "effective_from", "effective_until", "workflow", "mode", "description", "partial"}

var checkKeys = []string{"id", "when", "message", "severity"}

// Strengths of a rule: where its requirement comes from.
var Strengths = []string{"HARD", "DEFAULT", "LOCAL", "SEED"}

// decoder turns rule files into compiled rules, collecting every problem.
type decoder struct {
	envs     *envSet
	problems orglife.Problems
	idNode   map[*Rule]*yamlfile.Node
	rules    int // rules seen in every file so far, against MaxRules

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

func (dec *decoder) add(n *yamlfile.Node, format string, args ...any) {
	dec.problems = append(dec.problems, n.Problemf(format, args...))
}

// file decodes one rule file; rules with problems are left out.
func (dec *decoder) file(name string, src []byte) []*Rule {
	root, ps := yamlfile.Parse(name, src)
	dec.problems = append(dec.problems, ps...)
	if root == nil || root.IsNull() {
		return nil
	}
	if root.Kind != yamlfile.KindMap {
		dec.add(root, "a rule file must be a mapping with a rules: list")
		return nil
	}
	dec.problems = append(dec.problems, root.CheckKeys("", []string{"rules", "calendar"})...)
	if cal := root.Get("calendar"); !cal.IsNull() {
		dec.calendar(cal)
	}
	list := root.Get("rules")
	if list.IsNull() {
		return nil
	}
	if list.Kind != yamlfile.KindSeq {
		dec.add(list, "rules: must be a list")
		return nil
	}
	var out []*Rule
	seen := map[string]*yamlfile.Node{}
	for _, item := range list.Items {
		if dec.rules++; dec.rules > MaxRules {
			dec.add(item, "a rule set may have at most %d rules (budget); this one has more", MaxRules)
			break
		}
		r, ok := dec.rule(item)
		if r == nil {
			continue
		}
		if prev := seen[r.ID]; prev != nil {
			dec.add(dec.idNode[r], "duplicate rule id %q (also at line %d)", r.ID, prev.Line)
			continue
		}
		seen[r.ID] = dec.idNode[r]
		if ok {
			out = append(out, r)
		}
	}
	return out
}

// text returns the string value of an optional scalar key; a non-scalar is a problem.
func (dec *decoder) text(m *yamlfile.Node, key string) (string, *yamlfile.Node) {
	n := m.Get(key)
	if n.IsNull() {
		return "", nil
	}
	s, ok := n.Text()
	if !ok {
		dec.add(n, "%s: must be a string", key)
		return "", nil
	}
	return s, n
}

func (dec *decoder) oneOf(m *yamlfile.Node, key string, values []string, def string) string {
	s, n := dec.text(m, key)
	if n == nil {
		return def
	}
	if !slices.Contains(values, s) {
		dec.add(n, "%s: invalid value %q (want one of %v)", key, s, values)
		return def
	}
	return s
}

func (dec *decoder) days(m *yamlfile.Node, key string) (int, *yamlfile.Node) {
	s, n := dec.text(m, key)
	if n == nil {
		return 0, nil
	}
	d, err := ParseDays(s)
	if err != nil {
		dec.add(n, "%s: %v", key, err)
	}
	return d, n
}

func (dec *decoder) date(m *yamlfile.Node, key string) *time.Time {
	s, n := dec.text(m, key)
	if n == nil {
		return nil
	}
	t, err := time.Parse(orglife.DateLayout, s)
	if err != nil {
		dec.add(n, "%s: invalid date %q (want YYYY-MM-DD)", key, s)
		return nil
	}
	return &t
}

// rule decodes one rule; ok is false when it has problems. r is nil when it has no usable id.
func (dec *decoder) rule(item *yamlfile.Node) (r *Rule, ok bool) {
	before := len(dec.problems)
	if item.Kind != yamlfile.KindMap {
		dec.add(item, "a rule must be a mapping")
		return nil, false
	}
	dec.problems = append(dec.problems, item.CheckKeys("", ruleKeys)...)
	r = &Rule{File: item.File, Line: item.Line, col: -1}
	var idNode *yamlfile.Node
	r.ID, idNode = dec.text(item, "id")
	switch {
	case idNode == nil:
		dec.add(item, "id: is required")
	case !idPattern.MatchString(r.ID):
		dec.add(idNode, "id: invalid name %q (must match ^[a-z][a-z0-9_]*$)", r.ID)
	}
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
			dec.add(everyNode, "every: %v", err)
		} else if r.Scope == ScopeInstance {
			dec.add(everyNode, "every: not allowed in an instance-scope rule")
		}
	}
	r.Grace, graceNode = dec.days(item, "grace")
	if graceNode != nil && r.Every == "" {
		dec.add(graceNode, "grace: only a periodic rule (with every) has a grace")
	}
	r.Warn, _ = dec.days(item, "warn")
	r.Partial = dec.oneOf(item, "partial", []string{PartialSkip, PartialCount}, PartialSkip)
	if n := item.Get("partial"); !n.IsNull() && r.Every == "" {
		dec.add(n, "partial: only a periodic rule (with every) has partial periods")
	}
	r.EffectiveFrom = dec.date(item, "effective_from")
	r.EffectiveUntil = dec.date(item, "effective_until")
	if r.EffectiveFrom != nil && r.EffectiveUntil != nil && r.EffectiveUntil.Before(*r.EffectiveFrom) {
		dec.add(item.Get("effective_until"), "effective_until: is before effective_from")
	}
	r.Workflow, wfNode = dec.text(item, "workflow")
	switch {
	case r.Scope == ScopeInstance && wfNode == nil:
		dec.add(item, "workflow: is required in an instance-scope rule")
	case r.Scope == ScopeInstance:
		if ci, found := dec.envs.byWF[r.Workflow]; found {
			r.col = ci
		} else {
			dec.add(wfNode, "workflow: unknown workflow %q", r.Workflow)
		}
	case wfNode != nil:
		dec.add(wfNode, "workflow: only an instance-scope rule names a workflow")
	}
	var msgNode *yamlfile.Node
	if r.Message, msgNode = dec.text(item, "message"); msgNode == nil {
		dec.add(item, "message: is required")
	}

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
	r.Require, reqNode = dec.text(item, "require")
	if reqNode == nil {
		dec.add(item, "require: is required")
	}
	if dueNode == nil && r.Every == "" && (r.Scope != ScopeInstance || r.col >= 0) {
		dec.add(item, "due: is required in a rule without every")
	}
	if env != nil {
		r.where = dec.compile(r, whereNode, r.Where, env, KindBool, "where")
		r.require = dec.compile(r, reqNode, r.Require, env, KindBool, "require")
		r.due = dec.compile(r, dueNode, r.Due, env, KindAny, "due")
		if r.due != nil {
			if t := r.due.program.Node().Type(); t != nil && t != timeType && t.Kind() != reflect.Interface {
				dec.add(dueNode, "due: expected a date or datetime, but got %s", typeName(t))
				r.due = nil
			}
		}
		if r.require != nil {
			r.clauses = dec.clauses(r.Require, env)
		}
	}
	dec.shallow(r, item.Get("shallow"), env)
	if r.ID != "" {
		dec.idNode[r] = idNode
	}
	if r.ID == "" || !idPattern.MatchString(r.ID) {
		return nil, false
	}
	return r, len(dec.problems) == before
}

func (dec *decoder) shallow(r *Rule, list *yamlfile.Node, env reflect.Type) {
	if list.IsNull() {
		return
	}
	if list.Kind != yamlfile.KindSeq {
		dec.add(list, "shallow: must be a list")
		return
	}
	seen := map[string]bool{}
	for _, item := range list.Items {
		if item.Kind != yamlfile.KindMap {
			dec.add(item, "shallow: a check must be a mapping")
			continue
		}
		dec.problems = append(dec.problems, item.CheckKeys("shallow", checkKeys)...)
		c := &Check{}
		var idNode, whenNode, msgNode *yamlfile.Node
		c.ID, idNode = dec.text(item, "id")
		switch {
		case idNode == nil:
			dec.add(item, "shallow: id: is required")
		case !idPattern.MatchString(c.ID):
			dec.add(idNode, "shallow: id: invalid name %q (must match ^[a-z][a-z0-9_]*$)", c.ID)
		case seen[c.ID]:
			dec.add(idNode, "shallow: duplicate check id %q", c.ID)
		}
		seen[c.ID] = true
		if c.Message, msgNode = dec.text(item, "message"); msgNode == nil {
			dec.add(item, "shallow %s: message: is required", c.ID)
		}
		c.Severity = dec.oneOf(item, "severity", orglife.Severities, "minor")
		if c.When, whenNode = dec.text(item, "when"); whenNode == nil {
			dec.add(item, "shallow %s: when: is required", c.ID)
		} else if env != nil {
			c.when = dec.compile(r, whenNode, c.When, env, KindBool, "shallow "+c.ID+": when")
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
		dec.problems = append(dec.problems, orglife.Problem{File: n.File, Line: line, Column: col, Message: what + ": " + msg})
		return nil
	}
	node := p.program.Node()
	ast.Walk(&node, readsVisitor{r: r, names: dec.envs.byName})
	if usesWorkingDays(node) {
		dec.calUses = append(dec.calUses, orglife.Problem{File: n.File, Line: n.Line, Column: n.Column, Message: what + ": "})
	}
	return p
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
