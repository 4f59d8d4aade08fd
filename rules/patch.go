package rules

import (
	"strings"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
)

// clockPatch makes the clock and calendar functions follow the environment's `now` variable,
// which holds the evaluation's instant in the deployment time zone: `now()` reads the variable;
// `date(s, ...)` becomes `zoned_date(now, s, ...)`, which parses in the location of `now`; and
// `period_of(t, k)` and `working_days(a, b)` become their zoned_ variants, which read times in
// that location. It is used only when the environment has a time-valued `now`.
type clockPatch struct{}

// Visit implements ast.Visitor.
func (clockPatch) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.BuiltinNode:
		switch {
		case n.Name == "now" && len(n.Arguments) == 0:
			ast.Patch(node, &ast.IdentifierNode{Value: VarNow})
		case n.Name == "date" && len(n.Arguments) > 0:
			now := &ast.IdentifierNode{Value: VarNow}
			now.SetLocation(n.Location())
			ast.Patch(node, &ast.CallNode{
				Callee:    &ast.IdentifierNode{Value: zonedPrefix + "date"},
				Arguments: append([]ast.Node{now}, n.Arguments...),
			})
		}
	case *ast.CallNode:
		id, ok := n.Callee.(*ast.IdentifierNode)
		switch {
		case !ok:
		case id.Value == "now" && len(n.Arguments) == 0:
			ast.Patch(node, &ast.IdentifierNode{Value: VarNow})
		case (id.Value == "period_of" || id.Value == "working_days") && len(n.Arguments) == 2:
			now := &ast.IdentifierNode{Value: VarNow}
			now.SetLocation(n.Location())
			ast.Patch(&n.Callee, &ast.IdentifierNode{Value: zonedPrefix + id.Value})
			n.Arguments = append([]ast.Node{now}, n.Arguments...)
		case (id.Value == "date_text" || id.Value == "month_day" || id.Value == "due_date") && len(n.Arguments) == 1:
			now := &ast.IdentifierNode{Value: VarNow}
			now.SetLocation(n.Location())
			ast.Patch(&n.Callee, &ast.IdentifierNode{Value: zonedPrefix + id.Value})
			n.Arguments = append([]ast.Node{now}, n.Arguments...)
		}
	}
}

// checkConstArgs reports helper calls whose constant arguments are invalid, such as
// period_of(t, "week"), at compile time.
func checkConstArgs(node ast.Node) error {
	v := &constArgs{}
	ast.Walk(&node, v)
	return v.err
}

type constArgs struct{ err error }

// Visit implements ast.Visitor.
func (v *constArgs) Visit(node *ast.Node) {
	if v.err != nil {
		return
	}
	call, ok := (*node).(*ast.CallNode)
	if !ok {
		return
	}
	id, ok := call.Callee.(*ast.IdentifierNode)
	if !ok || (id.Value != "period_of" && id.Value != zonedPrefix+"period_of") || len(call.Arguments) < 2 {
		return
	}
	s, ok := call.Arguments[len(call.Arguments)-1].(*ast.StringNode)
	if !ok {
		return
	}
	if _, err := ParsePeriodKind(s.Value); err != nil {
		v.err = &file.Error{Location: s.Location(), Message: err.Error()}
	}
}

// cleanMessage shortens expr messages: anonymous struct types (workflow data, list items)
// print as "object", and "type X has no field f" reads "unknown field f".
func cleanMessage(msg string) string {
	msg = strings.TrimSpace(shortStructs(msg))
	for _, name := range []string{"date_text", "date", "period_of", "working_days", "month_day", "due_date"} {
		msg = strings.ReplaceAll(msg, zonedPrefix+name, name)
	}
	if rest, ok := strings.CutPrefix(msg, "type "); ok {
		if i := strings.LastIndex(rest, " has no field "); i >= 0 {
			return "unknown field " + rest[i+len(" has no field "):]
		}
	}
	return msg
}

// shortStructs replaces every "struct { ... }" (braces balanced) in s with "object".
func shortStructs(s string) string {
	const open = "struct {"
	var b strings.Builder
	for {
		i := strings.Index(s, open)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		depth, j := 0, i+len(open)-1
		for ; j < len(s); j++ {
			if s[j] == '{' {
				depth++
			} else if s[j] == '}' {
				depth--
				if depth == 0 {
					break
				}
			}
		}
		b.WriteString("object")
		if j >= len(s) {
			return b.String()
		}
		s = s[j+1:]
	}
}
