package rules

import (
	"reflect"
	"unsafe"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
)

// The fast path (W4): the common rule shapes
//
//	count(C, .f == 'lit') OP N    len(C) OP N    any(C, .f == 'lit')
//
// (C a collection of the environment, .f a string or enum field of its records, OP a comparison,
// N an int literal; N OP count(...) too, and != in the predicate) are recognized at load time and
// compiled into Go closures reading the frame's collection slice and the field through their
// offsets: no VM, no boxing, no allocation. Everything else runs on expr. A fast program returns
// ok=false when it meets something it does not handle exactly (a nil record pointer), and the
// caller then runs the expr program, so results are always those of expr.

// fastBool evaluates a boolean expression on a frame pointer; ok=false means "use expr".
type fastBool func(frame unsafe.Pointer) (v, ok bool)

// fastInt evaluates an int expression (count, len) on a frame pointer; ok=false means "use expr".
type fastInt func(frame unsafe.Pointer) (n int, ok bool)

// fastCompile recognizes src (already compiled by expr against env) and returns its closures:
// fb for a boolean shape, fi for an int shape; both nil when src has no fast form.
func fastCompile(src string, env reflect.Type) (fb fastBool, fi fastInt) {
	if env == nil || env.Kind() != reflect.Struct {
		return nil, nil
	}
	tree, err := parser.Parse(src)
	if err != nil {
		return nil, nil
	}
	n := tree.Node
	if fi = fastIntNode(n, env); fi != nil {
		return nil, fi
	}
	return fastBoolNode(n, env), nil
}

func fastBoolNode(n ast.Node, env reflect.Type) fastBool {
	switch x := n.(type) {
	case *ast.BuiltinNode:
		if x.Name != "any" || len(x.Arguments) != 2 {
			return nil
		}
		off, elem, ok := fastColl(x.Arguments[0], env)
		if !ok {
			return nil
		}
		foff, lit, eq, ok := fastPred(x.Arguments[1], elem)
		if !ok {
			return nil
		}
		return func(p unsafe.Pointer) (bool, bool) {
			for _, e := range *(*[]unsafe.Pointer)(unsafe.Add(p, off)) {
				if e == nil {
					return false, false
				}
				if (*(*string)(unsafe.Add(e, foff)) == lit) == eq {
					return true, true
				}
			}
			return false, true
		}
	case *ast.BinaryNode:
		op := x.Operator
		left, right := x.Left, x.Right
		if _, ok := left.(*ast.IntegerNode); ok {
			// N OP f  ≡  f OP' N
			left, right = right, left
			switch op {
			case "<":
				op = ">"
			case ">":
				op = "<"
			case "<=":
				op = ">="
			case ">=":
				op = "<="
			}
		}
		lit, ok := right.(*ast.IntegerNode)
		if !ok {
			return nil
		}
		f := fastIntNode(left, env)
		if f == nil {
			return nil
		}
		return fastCompare(f, op, lit.Value)
	}
	return nil
}

func fastCompare(f fastInt, op string, m int) fastBool {
	switch op {
	case "==":
		return func(p unsafe.Pointer) (bool, bool) { n, ok := f(p); return n == m, ok }
	case "!=":
		return func(p unsafe.Pointer) (bool, bool) { n, ok := f(p); return n != m, ok }
	case "<":
		return func(p unsafe.Pointer) (bool, bool) { n, ok := f(p); return n < m, ok }
	case "<=":
		return func(p unsafe.Pointer) (bool, bool) { n, ok := f(p); return n <= m, ok }
	case ">":
		return func(p unsafe.Pointer) (bool, bool) { n, ok := f(p); return n > m, ok }
	case ">=":
		return func(p unsafe.Pointer) (bool, bool) { n, ok := f(p); return n >= m, ok }
	}
	return nil
}

// fastIntNode recognizes count(C, .f == 'lit') and len(C).
func fastIntNode(n ast.Node, env reflect.Type) fastInt {
	b, ok := n.(*ast.BuiltinNode)
	if !ok {
		return nil
	}
	switch {
	case b.Name == "len" && len(b.Arguments) == 1:
		off, _, ok := fastColl(b.Arguments[0], env)
		if !ok {
			return nil
		}
		return func(p unsafe.Pointer) (int, bool) {
			return len(*(*[]unsafe.Pointer)(unsafe.Add(p, off))), true
		}
	case b.Name == "count" && len(b.Arguments) == 2:
		off, elem, ok := fastColl(b.Arguments[0], env)
		if !ok {
			return nil
		}
		foff, lit, eq, ok := fastPred(b.Arguments[1], elem)
		if !ok {
			return nil
		}
		return func(p unsafe.Pointer) (int, bool) {
			c := 0
			for _, e := range *(*[]unsafe.Pointer)(unsafe.Add(p, off)) {
				if e == nil {
					return 0, false
				}
				if (*(*string)(unsafe.Add(e, foff)) == lit) == eq {
					c++
				}
			}
			return c, true
		}
	}
	return nil
}

// fastColl resolves an identifier naming a field of env of type []*struct (a collection) to its
// offset and element struct type. Fields are matched by their expr tag, as expr's checker does.
func fastColl(n ast.Node, env reflect.Type) (uintptr, reflect.Type, bool) {
	id, ok := n.(*ast.IdentifierNode)
	if !ok {
		return 0, nil, false
	}
	f, ok := fieldByTag(env, id.Value)
	if !ok || f.Type.Kind() != reflect.Slice || f.Type.Elem().Kind() != reflect.Pointer ||
		f.Type.Elem().Elem().Kind() != reflect.Struct {
		return 0, nil, false
	}
	return f.Offset, f.Type.Elem().Elem(), true
}

// fastPred recognizes the predicate .f == 'lit' (or 'lit' == .f, or != ) over elements of type
// elem, with .f a field of kind string.
func fastPred(n ast.Node, elem reflect.Type) (off uintptr, lit string, eq, ok bool) {
	p, isPred := n.(*ast.PredicateNode)
	if !isPred {
		return 0, "", false, false
	}
	b, isBin := p.Node.(*ast.BinaryNode)
	if !isBin || (b.Operator != "==" && b.Operator != "!=") {
		return 0, "", false, false
	}
	mem, s := b.Left, b.Right
	if _, isStr := mem.(*ast.StringNode); isStr {
		mem, s = s, mem
	}
	str, isStr := s.(*ast.StringNode)
	m, isMem := mem.(*ast.MemberNode)
	if !isStr || !isMem || m.Optional || m.Method {
		return 0, "", false, false
	}
	if ptr, isPtr := m.Node.(*ast.PointerNode); !isPtr || ptr.Name != "" {
		return 0, "", false, false
	}
	prop, isProp := m.Property.(*ast.StringNode)
	if !isProp {
		return 0, "", false, false
	}
	f, found := fieldByTag(elem, prop.Value)
	if !found || f.Type.Kind() != reflect.String {
		return 0, "", false, false
	}
	return f.Offset, str.Value, b.Operator == "==", true
}

// fieldByTag returns the only top-level field of struct t whose expr tag is name. Any ambiguity
// (embedded fields, two candidates, a Go name equal to name on another field) is no match.
func fieldByTag(t reflect.Type, name string) (reflect.StructField, bool) {
	var out reflect.StructField
	found := 0
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Anonymous {
			return out, false
		}
		tag := f.Tag.Get("expr")
		switch {
		case tag == name && tag != "-" && f.IsExported():
			out = f
			found++
		case f.Name == name:
			return out, false
		}
	}
	return out, found == 1
}

// boolFrame runs a boolean program on a frame: the fast closure when the program has one and the
// frame has the environment type it was compiled for, else expr.
func (p *Program) boolFrame(f *frame) (bool, error) {
	if p.fastB != nil && f.val.Type() == p.fastEnv {
		if v, ok := p.fastB(f.ptr); ok {
			return v, nil
		}
	}
	return p.boolEnv(f.env)
}

// runFrame runs a program on a frame, through its fast closure when it has one (see boolFrame).
func (p *Program) runFrame(f *frame) (any, error) {
	if f.val.Type() == p.fastEnv {
		if p.fastI != nil {
			if n, ok := p.fastI(f.ptr); ok {
				return n, nil
			}
		} else if p.fastB != nil {
			if v, ok := p.fastB(f.ptr); ok {
				return v, nil
			}
		}
	}
	return p.runEnv(f.env)
}
