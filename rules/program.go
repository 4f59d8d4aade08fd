// Package rules owns the expression language of orglife (expr-lang with a typed environment and
// the helper functions of spec §4), periods and calendars, and (later) rule files and the pure
// evaluation of one rule on prepared data. It imports orglife and expr; no database, no HTTP.
package rules

import (
	"errors"
	"fmt"
	"reflect"
	"sync"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"
)

// Kind is the kind of result an expression must produce, checked at compile time.
type Kind int

// Result kinds.
const (
	KindAny  Kind = iota // any value
	KindBool             // a boolean (guards, require, where, when)
	KindList             // a slice or array (for_each)
)

// Program is a compiled expression, reusable and safe for concurrent use.
type Program struct {
	// Source is the expression text as written.
	Source string

	program  *vm.Program
	want     Kind
	elemZero any
	vms      sync.Pool

	// fastB / fastI are the fast-path closures of a program compiled against the environment
	// struct fastEnv (fastpath.go), nil when it has no fast form.
	fastB   fastBool
	fastI   fastInt
	fastEnv reflect.Type
}

// compile compiles src against an environment value (a map or a struct) with the helpers and,
// when the environment has `now`, the clock patch; the result must have the wanted kind. Extra
// options come after the helpers, so a function of the same name replaces the helper.
func compile(src string, env any, clock bool, want Kind, extra ...expr.Option) (*Program, error) {
	opts := make([]expr.Option, 0, len(helperOptions)+len(extra)+10)
	opts = append(opts, expr.Env(env))
	opts = append(opts, helperOptions...)
	opts = append(opts, extra...)
	opts = append(opts, budgetOptions()...)
	if clock {
		opts = append(opts, expr.Patch(clockPatch{}))
	}
	if want == KindBool {
		opts = append(opts, expr.AsBool())
	}
	// The first compilation reports the problems of the expression as written; the second adds
	// the budget guards (budget.go) to a program known to be well typed.
	if _, err := expr.Compile(src, opts...); err != nil {
		return nil, exprError(src, err)
	}
	prog, err := expr.Compile(src, append(opts, expr.Patch(&budgetPatch{}))...)
	if err != nil {
		return nil, exprError(src, err)
	}
	if err := checkConstArgs(prog.Node()); err != nil {
		return nil, exprError(src, err)
	}
	p := &Program{Source: src, program: prog, want: want}
	p.vms.New = func() any { return &vm.VM{MemoryBudget: MemoryBudget} }
	return p, nil
}

// Compile compiles src against env and checks that its result has the wanted kind. Unknown
// variables, fields and functions and type errors are compile errors. The error is always an
// *ExprError with a 1-based position inside src.
func Compile(src string, env Env, want Kind) (*Program, error) {
	_, clock := env[VarNow].(time.Time)
	p, err := compile(src, map[string]any(env), clock, want)
	if err != nil {
		return nil, err
	}
	if want == KindList {
		t := p.program.Node().Type()
		for t != nil && t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		switch {
		case t == nil || t.Kind() == reflect.Interface:
			// unknown at compile time: checked when the program runs
		case t.Kind() == reflect.Slice || t.Kind() == reflect.Array:
			if t.Elem().Kind() != reflect.Interface {
				p.elemZero = reflect.Zero(t.Elem()).Interface()
			}
		default:
			return nil, &ExprError{Line: 1, Column: 1, Message: fmt.Sprintf("expected a list, but got %s", typeName(t))}
		}
	}
	return p, nil
}

// Run evaluates the program with the given variables (name → value, of the types the program
// was compiled against). A run-time failure is returned as an *ExprError.
func (p *Program) Run(vars map[string]any) (any, error) {
	m := p.vms.Get().(*vm.VM)
	out, err := m.Run(p.program, vars)
	p.vms.Put(m)
	if err != nil {
		return nil, exprError(p.Source, err)
	}
	if p.want == KindList && out != nil {
		if k := reflect.TypeOf(out).Kind(); k != reflect.Slice && k != reflect.Array {
			return nil, &ExprError{Line: 1, Column: 1, Message: fmt.Sprintf("expected a list, but got %T", out)}
		}
	}
	return out, nil
}

// Bool evaluates the program and returns its result as a boolean; a non-boolean result is an
// error.
func (p *Program) Bool(vars map[string]any) (bool, error) {
	out, err := p.Run(vars)
	if err != nil {
		return false, err
	}
	b, ok := out.(bool)
	if !ok {
		return false, &ExprError{Line: 1, Column: 1, Message: fmt.Sprintf("expected bool, but got %T", out)}
	}
	return b, nil
}

// ElemZero returns, for a KindList program, the zero value of one element of the list (the type
// of `item` in an action's for_each), or nil when the element type is not known at compile time.
func (p *Program) ElemZero() any { return p.elemZero }

// ExprError is a compile or run-time error of an expression, at a 1-based line and column
// (counted in characters) inside the expression's source.
type ExprError struct {
	Line    int
	Column  int
	Message string
}

// Error implements the error interface as line:column: message.
func (e *ExprError) Error() string {
	return fmt.Sprintf("%d:%d: %s", e.Line, e.Column, e.Message)
}

// exprError converts an expr error into an *ExprError. expr's file.Error has a 1-based line and
// a 0-based column counted in runes.
func exprError(src string, err error) *ExprError {
	var ee *ExprError
	if errors.As(err, &ee) {
		return ee
	}
	var fe *file.Error
	if errors.As(err, &fe) {
		if fe.Line == 0 { // not bound to the source yet
			fe.Bind(file.NewSource(src))
		}
		return &ExprError{Line: max(fe.Line, 1), Column: fe.Column + 1, Message: cleanMessage(fe.Message)}
	}
	return &ExprError{Line: 1, Column: 1, Message: err.Error()}
}

func typeName(t reflect.Type) string {
	if t == nil {
		return "nil"
	}
	if t.Kind() == reflect.Struct && t.Name() == "" {
		return "object"
	}
	return t.String()
}
