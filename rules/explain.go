package rules

import (
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
	"github.com/orglife/orglife"
)

// clauseProgs are the programs explaining one top-level clause of a rule's require, compiled at
// load time: the clause itself, for a comparison each side, and for a collection predicate
// (count, any, all, none, one, filter) the count of matching elements.
type clauseProgs struct {
	source      string
	holds       *Program
	left, right *Program
	matched     *Program
	// ids lists the ids of the elements a collection predicate matched (the records the clause
	// looked at), nil when the clause has no such predicate (or it is all, which looks at every
	// element).
	ids *Program
	// reads reports whether the clause reads a collection.
	reads bool
}

var comparisons = []string{"==", "!=", "<", ">", "<=", ">="}

var predicates = []string{"count", "any", "all", "none", "one", "filter"}

// clauses splits src at its top-level && / and operators and compiles the explaining programs.
// Parts that do not compile on their own are left without them (never a load problem: the whole
// require compiled).
func (dec *decoder) clauses(src string, env reflect.Type) []*clauseProgs {
	var out []*clauseProgs
	for _, part := range splitAnd(src) {
		c := &clauseProgs{source: part}
		if len(out) == 0 && part == strings.TrimSpace(src) {
			c.source = src
		}
		c.holds, _ = dec.compileIn(part, env, KindBool)
		if c.holds == nil {
			continue
		}
		out = append(out, c)
		probe := &Rule{}
		node := c.holds.program.Node()
		ast.Walk(&node, readsVisitor{r: probe, names: dec.envs.byName})
		c.reads = len(probe.reads) > 0
		tree, err := parser.Parse(part)
		if err != nil {
			continue
		}
		side := part
		if b, ok := tree.Node.(*ast.BinaryNode); ok && slices.Contains(comparisons, b.Operator) {
			rs := []rune(part)
			loc := b.Location()
			if loc.From > 0 && loc.To <= len(rs) {
				l, r := strings.TrimSpace(string(rs[:loc.From])), strings.TrimSpace(string(rs[loc.To:]))
				c.left, _ = dec.compileIn(l, env, KindAny)
				c.right, _ = dec.compileIn(r, env, KindAny)
				side = l
			}
		}
		for _, name := range predicates {
			rest, ok := strings.CutPrefix(side, name)
			if ok && strings.HasPrefix(strings.TrimLeft(rest, " "), "(") && strings.HasSuffix(rest, ")") {
				if p, err := dec.compileIn("count"+rest, env, KindAny); err == nil && p.program.Node().Type() == intType {
					c.matched = p
					if name != "all" {
						c.ids, _ = dec.compileIn("map(filter"+rest+", .id)", env, KindList)
					}
				}
				break
			}
		}
	}
	return out
}

// splitAnd splits an expression at the && / and operators of its top-level conjunction, trimmed.
// An expression that does not parse or has no top-level conjunction is one part.
func splitAnd(src string) []string {
	tree, err := parser.Parse(src)
	if err != nil {
		return []string{strings.TrimSpace(src)}
	}
	var ops []int // rune offsets [from, to) pairs
	var walk func(n ast.Node)
	walk = func(n ast.Node) {
		b, ok := n.(*ast.BinaryNode)
		if !ok || (b.Operator != "&&" && b.Operator != "and") {
			return
		}
		walk(b.Left)
		ops = append(ops, b.Location().From, b.Location().To)
		walk(b.Right)
	}
	walk(tree.Node)
	rs := []rune(src)
	depth := topLevel(rs)
	var parts []string
	start := 0
	for i := 0; i+1 < len(ops); i += 2 {
		from, to := ops[i], ops[i+1]
		if from < start || to > len(rs) || depth[from] != 0 {
			continue
		}
		parts = append(parts, strings.TrimSpace(string(rs[start:from])))
		start = to
	}
	return append(parts, strings.TrimSpace(string(rs[start:])))
}

// topLevel returns, for each rune of src, its bracket depth; runes inside string literals get
// depth -1.
func topLevel(rs []rune) []int {
	depth := make([]int, len(rs))
	d := 0
	var quote rune
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		if quote != 0 {
			depth[i] = -1
			if c == '\\' && i+1 < len(rs) {
				i++
				depth[i] = -1
			} else if c == quote {
				quote = 0
			}
			continue
		}
		switch c {
		case '"', '\'', '`':
			quote = c
			depth[i] = -1
			continue
		case '(', '[', '{':
			d++
		case ')', ']', '}':
			d--
		}
		depth[i] = d
	}
	return depth
}

// explainClauses evaluates the clause programs on the frame's current view.
func explainClauses(cs []*clauseProgs, f *frame, loc *time.Location) []orglife.Clause {
	out := make([]orglife.Clause, len(cs))
	for i, c := range cs {
		cl := &out[i]
		cl.Source = c.source
		holds, err := c.holds.boolFrame(f)
		if err != nil {
			cl.Error = err.Error()
			continue
		}
		cl.Holds = holds
		if c.left != nil && c.right != nil {
			if v, err := c.left.runFrame(f); err == nil {
				cl.Left = clauseValue(v, loc)
			}
			if v, err := c.right.runFrame(f); err == nil {
				cl.Right = clauseValue(v, loc)
			}
		}
		if c.matched != nil {
			if v, err := c.matched.runFrame(f); err == nil {
				if n, ok := v.(int); ok {
					cl.Matched = &n
				}
			}
		}
	}
	return out
}

// maxClauseRunes caps a string shown as a side of a comparison.
const maxClauseRunes = 200

// clauseValue returns a value as a ledger shows it: scalars as they are, times as a date (at
// midnight) or RFC 3339, durations in days, anything else nil.
func clauseValue(v any, loc *time.Location) any {
	switch x := v.(type) {
	case bool, int:
		return x
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) { // JSON has no such numbers
			return strconv.FormatFloat(x, 'g', -1, 64)
		}
		return x
	case string:
		if utf8.RuneCountInString(x) > maxClauseRunes { // a ledger row stays small
			return string([]rune(x)[:maxClauseRunes]) + "…"
		}
		return x
	case time.Time:
		if x.IsZero() {
			return ""
		}
		x = x.In(loc)
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 {
			return x.Format(orglife.DateLayout)
		}
		return x.Format(time.RFC3339)
	case time.Duration:
		return x.Hours() / 24
	}
	return nil
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var buf [20]byte
	i := len(buf)
	for n > 0 {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
	}
	return string(buf[i:])
}
