package rules

import (
	"slices"
	"strings"

	"github.com/expr-lang/expr/ast"
)

// Reads is what a rule's expressions (where, due, require and the shallow checks) read: the
// inputs whose change can change the rule's rows. Incremental evaluation uses it to evaluate only
// the rules a change can affect (docs/rule-format.md, "What a rule reads").
type Reads struct {
	// Periods are the workflows whose period collection (`meetings`) the rule reads.
	Periods []string
	// All are the workflows whose whole collection (`all_meetings`) the rule reads.
	All []string
	// Members: the rule reads `members` or `member`, or is member-scoped.
	Members bool
	// Org: the rule reads fields of `org` (its attributes, dates, term, member count).
	Org bool
	// Instance is the workflow whose instances an instance-scope rule judges ("" otherwise).
	Instance string
	// Now: the rule reads the evaluation's instant (`now`, `now()`), so its rows can change at
	// any moment and every scheduled run re-evaluates it. The time zone that date(),
	// period_of() and working_days() take from `now` does not count.
	Now bool
}

// Reads returns what the rule reads (computed once per rule; the slices are shared: read only).
func (rs *RuleSet) Reads(r *Rule) Reads {
	if v, ok := rs.reads.Load(r); ok {
		return v.(Reads)
	}
	out := rs.readsOf(r)
	rs.reads.Store(r, out)
	return out
}

// readsOf computes Reads.
func (rs *RuleSet) readsOf(r *Rule) Reads {
	var out Reads
	if r.Scope == ScopeMember {
		out.Members = true
	}
	if r.Scope == ScopeInstance {
		out.Instance = r.Workflow
	}
	progs := []*Program{r.where, r.due, r.require}
	for _, c := range r.Shallow {
		progs = append(progs, c.when)
	}
	for _, p := range progs {
		if p == nil || p.program == nil {
			continue
		}
		if readsNow(p.program.Node()) {
			out.Now = true
		}
		ast.Find(p.program.Node(), func(n ast.Node) bool {
			id, ok := n.(*ast.IdentifierNode)
			if !ok {
				return false
			}
			switch id.Value {
			case "members", "member":
				out.Members = true
			case VarOrg:
				out.Org = true
			default:
				if k, ok := rs.envs.byName[id.Value]; ok {
					wf := rs.envs.cols[k/2].Workflow
					if k%2 == 1 {
						out.All = appendNew(out.All, wf)
					} else {
						out.Periods = appendNew(out.Periods, wf)
					}
				}
			}
			return false
		})
	}
	return out
}

// RulesReading returns the ids of the rules whose rows a change to a record of the workflow can
// change: those that read its collections and the instance rules over it, in rule-set order.
func (rs *RuleSet) RulesReading(workflow string) []string {
	var out []string
	for _, r := range rs.Rules {
		d := rs.Reads(r)
		if d.Instance == workflow || slices.Contains(d.Periods, workflow) || slices.Contains(d.All, workflow) {
			out = append(out, r.ID)
		}
	}
	return out
}

// readsNow reports whether an expression reads the `now` variable other than as the time-zone
// argument that clockPatch gives the zoned_ helpers.
func readsNow(root ast.Node) bool {
	zone := map[ast.Node]bool{}
	ast.Find(root, func(n ast.Node) bool {
		if c, ok := n.(*ast.CallNode); ok && len(c.Arguments) > 0 {
			if id, ok := c.Callee.(*ast.IdentifierNode); ok && strings.HasPrefix(id.Value, zonedPrefix) {
				zone[c.Arguments[0]] = true
			}
		}
		return false
	})
	return ast.Find(root, func(n ast.Node) bool {
		id, ok := n.(*ast.IdentifierNode)
		return ok && id.Value == VarNow && !zone[n]
	}) != nil
}

// RulesReadingNow returns the ids of the rules that read `now`, in rule-set order.
func (rs *RuleSet) RulesReadingNow() []string {
	var out []string
	for _, r := range rs.Rules {
		if rs.Reads(r).Now {
			out = append(out, r.ID)
		}
	}
	return out
}

func appendNew(l []string, s string) []string {
	if slices.Contains(l, s) {
		return l
	}
	return append(l, s)
}
