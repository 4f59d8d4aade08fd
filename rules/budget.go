package rules

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/vm/runtime"
)

// Budgets of one expression run (docs/operations.md, "Budgets"). A run that passes one fails
// with an error (the row's status is error) instead of taking the process down.
const (
	// MemoryBudget is expr's memory budget of one run, in its units: one element of a built list
	// or range, one byte of a built string (repeat, join, replace, +), one iteration of a
	// predicate (count, any, all, filter, map, reduce…).
	MemoryBudget = 2_000_000
	// MaxStringBytes is the longest string one operation may build.
	MaxStringBytes = 1 << 20
	// MaxRules is the most rules one rule set may have (the example pack has about 20).
	MaxRules = 1000
)

// errStringBudget is the run-time error of an operation that would build too long a string.
func errStringBudget(op string, n int) error {
	return fmt.Errorf("%s would build a string of %d bytes, more than the budget of %d bytes", op, n, MaxStringBytes)
}

// budgetOptions guard the expr built-ins that can build values out of proportion to their
// arguments: repeat, join, replace and string `+` go through functions that check the size of
// their result before building it, and every string they build is charged to the run's memory
// budget (by passing it through the built-in repeat(s, 1), whose cost expr counts). The built-ins
// rules have no use for whose output cannot be bounded cheaply are removed. The rewriting itself
// is budgetPatch, applied by compile to a program that type-checked without it.
func budgetOptions() []expr.Option {
	return []expr.Option{
		expr.Function(guardPrefix+"repeat", guarded(guardedRepeat), new(func(string, int) string)),
		expr.Function(guardPrefix+"join", guarded(guardedJoin),
			new(func([]string, string) string), new(func([]string) string),
			new(func([]any, string) string), new(func([]any) string)),
		expr.Function(guardPrefix+"replace", guarded(guardedReplace),
			new(func(string, string, string) string), new(func(string, string, string, int) string)),
		expr.Function(guardPrefix+"add", guarded(guardedAdd), new(func(string, string) string), new(func(any, any) any)),
		expr.Function(guardPrefix+"is_string", func(p ...any) (any, error) { _, ok := p[0].(string); return ok, nil },
			new(func(any) bool)),
		expr.DisableBuiltin("toJSON"),
		expr.DisableBuiltin("toBase64"),
	}
}

// guardPrefix names the guarded functions; no identifier of a rule can start with it.
const guardPrefix = "__"

func guarded(fn func(args ...any) (any, uint, error)) func(args ...any) (any, error) {
	return func(args ...any) (any, error) {
		out, _, err := fn(args...)
		return out, err
	}
}

func guardedRepeat(args ...any) (any, uint, error) {
	s, _ := args[0].(string)
	n := runtime.ToInt(args[1])
	if n < 0 {
		return nil, 0, fmt.Errorf("repeat: the count must not be negative (got %d)", n)
	}
	if n > 0 && len(s) > MaxStringBytes/n {
		return nil, 0, errStringBudget("repeat", len(s)*min(n, MaxStringBytes+1))
	}
	out := strings.Repeat(s, n)
	return out, uint(len(out)), nil
}

func guardedJoin(args ...any) (any, uint, error) {
	glue := ""
	if len(args) == 2 {
		glue, _ = args[1].(string)
	}
	var parts []string
	switch v := args[0].(type) {
	case []string:
		parts = v
	case []any:
		parts = make([]string, len(v))
		for i, x := range v {
			s, ok := x.(string)
			if !ok {
				return nil, 0, fmt.Errorf("join: element %d is a %T, not a string", i, x)
			}
			parts[i] = s
		}
	default:
		return nil, 0, fmt.Errorf("join: cannot join a %T", args[0])
	}
	size := len(glue) * max(len(parts)-1, 0)
	for _, p := range parts {
		if size += len(p); size > MaxStringBytes {
			return nil, 0, errStringBudget("join", size)
		}
	}
	if size > MaxStringBytes {
		return nil, 0, errStringBudget("join", size)
	}
	out := strings.Join(parts, glue)
	return out, uint(len(out)), nil
}

func guardedReplace(args ...any) (any, uint, error) {
	s, _ := args[0].(string)
	old, _ := args[1].(string)
	repl, _ := args[2].(string)
	n := -1
	if len(args) == 4 {
		n = runtime.ToInt(args[3])
	}
	count := strings.Count(s, old) // len(s)+1 for an empty old
	if n >= 0 && n < count {
		count = n
	}
	if size := len(s) + count*(len(repl)-len(old)); size > MaxStringBytes {
		return nil, 0, errStringBudget("replace", size)
	}
	out := strings.Replace(s, old, repl, n)
	return out, uint(len(out)), nil
}

func guardedAdd(args ...any) (out any, mem uint, err error) {
	a, aok := args[0].(string)
	b, bok := args[1].(string)
	if aok && bok {
		if len(a)+len(b) > MaxStringBytes {
			return nil, 0, errStringBudget("+", len(a)+len(b))
		}
		return a + b, uint(len(a) + len(b)), nil
	}
	defer func() {
		if r := recover(); r != nil {
			out, mem, err = nil, 0, fmt.Errorf("%v", r)
		}
	}()
	return runtime.Add(args[0], args[1]), 0, nil
}

// budgetPatch rewrites, after a type check:
//   - the body P of every predicate into let __stepN = repeat('x', 1); P, so each iteration of a
//     loop costs one unit of the memory budget (repeat(s, 1) returns s without copying): the
//     budget is a step budget as well;
//   - repeat(s, n), join(l, g), replace(s, o, r) into repeat(__repeat(s, n), 1) and so on;
//   - a + b on strings into repeat(__add(a, b), 1);
//   - a + b where both operands are known only at run time into
//     let __sumN = __add(a, b); __is_string(__sumN) ? repeat(__sumN, 1) : __sumN.
//
// Numeric, date and duration additions keep expr's operator.
type budgetPatch struct{ vars int }

// Visit implements ast.Visitor.
func (p *budgetPatch) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.BuiltinNode:
		switch n.Name {
		case "repeat":
			if len(n.Arguments) == 2 {
				if c, ok := n.Arguments[0].(*ast.CallNode); ok && isGuard(c) {
					return // already patched
				}
			}
			fallthrough
		case "join", "replace":
			ast.Patch(node, charged(call(guardPrefix+n.Name, n, n.Arguments...)))
		}
	case *ast.PredicateNode:
		// one unit of the budget per iteration of a predicate: loops over records are bounded too
		if v, ok := n.Node.(*ast.VariableDeclaratorNode); ok && strings.HasPrefix(v.Name, guardPrefix+"step") {
			return // already patched
		}
		p.vars++
		tick := &ast.BuiltinNode{Name: "repeat", Arguments: []ast.Node{&ast.StringNode{Value: "x"}, &ast.IntegerNode{Value: 1}}}
		n.Node = &ast.VariableDeclaratorNode{Name: fmt.Sprintf("%sstep%d", guardPrefix, p.vars), Value: tick, Expr: n.Node}
	case *ast.BinaryNode:
		if n.Operator != "+" || n.Left.Type() == nil || n.Right.Type() == nil {
			return
		}
		l, r := n.Left.Type().Kind(), n.Right.Type().Kind()
		switch {
		case l == reflect.String && r == reflect.String,
			l == reflect.String && r == reflect.Interface, l == reflect.Interface && r == reflect.String:
			ast.Patch(node, charged(call(guardPrefix+"add", n, n.Left, n.Right)))
		case l == reflect.Interface && r == reflect.Interface:
			p.vars++
			name := fmt.Sprintf("%ssum%d", guardPrefix, p.vars)
			ref := func() ast.Node { return &ast.IdentifierNode{Value: name} }
			ast.Patch(node, &ast.VariableDeclaratorNode{Name: name, Value: call(guardPrefix+"add", n, n.Left, n.Right),
				Expr: &ast.ConditionalNode{Ternary: true, Cond: call(guardPrefix+"is_string", n, ref()), Exp1: charged(ref()), Exp2: ref()}})
		}
	}
}

// call builds a call of a guarded function at the location of the node it replaces.
func call(name string, at ast.Node, args ...ast.Node) *ast.CallNode {
	callee := &ast.IdentifierNode{Value: name}
	callee.SetLocation(at.Location())
	c := &ast.CallNode{Callee: callee, Arguments: args}
	c.SetLocation(at.Location())
	return c
}

// charged wraps a string-valued node into the built-in repeat(x, 1), which charges its length to
// the run's memory budget.
func charged(x ast.Node) ast.Node {
	return &ast.BuiltinNode{Name: "repeat", Arguments: []ast.Node{x, &ast.IntegerNode{Value: 1}}}
}

func isGuard(c *ast.CallNode) bool {
	id, ok := c.Callee.(*ast.IdentifierNode)
	return ok && strings.HasPrefix(id.Value, guardPrefix)
}
