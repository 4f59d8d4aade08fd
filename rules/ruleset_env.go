package rules

import (
	"fmt"
	"reflect"
	"time"
	"unsafe"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
)

// PeriodView is what rule expressions see as `period`: its label, first and last day (midnight
// in the deployment time zone) and due instant. In a deadline or instance rule `period` is nil,
// and reading a field of it is a run-time error (the row's status is error).
type PeriodView struct {
	Label string    `expr:"label"`
	Start time.Time `expr:"start"`
	End   time.Time `expr:"end"`
	Due   time.Time `expr:"due"`
	// Title is the Chinese name of the period (2025年第三季度), for messages.
	Title string `expr:"title"`
}

// MemberView is what rule expressions see as `member` and as an element of `members`. An unset
// joined_on is the zero time.
type MemberView struct {
	ID       string    `expr:"id"`
	Name     string    `expr:"name"`
	Status   string    `expr:"status"`
	Roles    []string  `expr:"roles"`
	Leader   bool      `expr:"leader"`
	JoinedOn time.Time `expr:"joined_on"`
	// Label names the member for people: the name, followed by the id when another member of
	// the org has the same name (张伟（m-zhang2）), so two 张伟 are told apart in messages.
	Label string `expr:"label"`
	// Posts are the roles whose start the member's history dates (an election or appointment
	// recorded in the system): `find(member.posts, .role == 'secretary').since`.
	Posts []PostView `expr:"posts"`
}

// PostView is one dated post of a member: the role and the day it was taken.
type PostView struct {
	Role  string    `expr:"role"`
	Since time.Time `expr:"since"`
}

// scopeVars are the fixed variables of the org and member scope environments; the environment
// struct built with reflect.StructOf starts with the same fields (checked), so a frame is written
// through a *scopeVars. `member` is hidden from org-scope rules.
type scopeVars struct {
	Org     OrgView      `expr:"org"`
	Period  *PeriodView  `expr:"period"`
	Members []MemberView `expr:"members"`
	Now     time.Time    `expr:"now"`
	Member  MemberView   `expr:"member"`
}

// instanceVars are the fixed variables of an instance-scope environment, followed by `data`.
type instanceVars struct {
	Instance InstanceView `expr:"instance"`
	Org      OrgView      `expr:"org"`
	Now      time.Time    `expr:"now"`
	// Members are the org's members, so a message can name a person by id (name_of).
	Members []MemberView `expr:"members"`
}

// envSet holds the environment types of a rule set: one for org scope, one for member scope
// (each with every collection twice: the period's and all_), and one per workflow for instance
// scope.
type envSet struct {
	cols      []Collection
	recs      []*recordType
	byName    map[string]int // collection or all_ name → 2*index (+1 for all_)
	byWF      map[string]int // workflow id → collection index
	org       reflect.Type
	member    reflect.Type
	collOff   []uintptr // offset of field 2i (period) and 2i+1 (all) in org/member env
	instTypes map[string]reflect.Type
}

const fixedFields = 5 // fields of scopeVars

func newEnvSet(cols []Collection) *envSet {
	es := &envSet{cols: cols, byName: map[string]int{}, byWF: map[string]int{}, instTypes: map[string]reflect.Type{}}
	fixed := reflect.TypeOf(scopeVars{})
	base := make([]reflect.StructField, fixedFields)
	for i := range base {
		f := fixed.Field(i)
		base[i] = reflect.StructField{Name: f.Name, Type: f.Type, Tag: f.Tag}
	}
	var collFields []reflect.StructField
	for i, c := range cols {
		rt := newRecordType(c.Fields)
		es.recs = append(es.recs, rt)
		es.byName[c.Name] = 2 * i
		es.byName["all_"+c.Name] = 2*i + 1
		es.byWF[c.Workflow] = i
		st := rt.sliceType()
		collFields = append(collFields,
			reflect.StructField{Name: fmt.Sprintf("C%d", i), Type: st, Tag: reflect.StructTag(`expr:"` + c.Name + `"`)},
			reflect.StructField{Name: fmt.Sprintf("A%d", i), Type: st, Tag: reflect.StructTag(`expr:"all_` + c.Name + `"`)})
	}
	memberFields := append(append([]reflect.StructField{}, base...), collFields...)
	orgFields := append(append([]reflect.StructField{}, base...), collFields...)
	orgFields[4].Tag = `expr:"-"`
	es.member = reflect.StructOf(memberFields)
	es.org = reflect.StructOf(orgFields)
	for i := 0; i < fixedFields; i++ {
		if es.org.Field(i).Offset != fixed.Field(i).Offset || es.member.Field(i).Offset != fixed.Field(i).Offset {
			panic("rules: environment layout differs from scopeVars")
		}
	}
	for i := range collFields {
		off := es.org.Field(fixedFields + i).Offset
		if es.member.Field(fixedFields+i).Offset != off {
			panic("rules: environment layouts differ")
		}
		es.collOff = append(es.collOff, off)
	}
	return es
}

// instType returns the instance-scope environment type of the workflow of collection ci:
// instanceVars followed by `data`.
func (es *envSet) instType(ci int) reflect.Type {
	wf := es.cols[ci].Workflow
	if t, ok := es.instTypes[wf]; ok {
		return t
	}
	fixed := reflect.TypeOf(instanceVars{})
	var fs []reflect.StructField
	for i := 0; i < fixed.NumField(); i++ {
		f := fixed.Field(i)
		fs = append(fs, reflect.StructField{Name: f.Name, Type: f.Type, Tag: f.Tag})
	}
	fs = append(fs, reflect.StructField{Name: "Data", Type: es.recs[ci].schema.typ, Tag: `expr:"data"`})
	t := reflect.StructOf(fs)
	es.instTypes[wf] = t
	return t
}

// frame is a mutable environment value of one scope, owned by one evaluation: a pointer to a
// struct of the environment type, written in place for each subject and period.
type frame struct {
	ptr  unsafe.Pointer
	val  reflect.Value // the struct (addressable)
	env  any           // the pointer, as handed to the VM
	offs []uintptr
}

func newFrame(t reflect.Type, offs []uintptr) *frame {
	v := reflect.New(t)
	return &frame{ptr: v.UnsafePointer(), val: v.Elem(), env: v.Interface(), offs: offs}
}

func (f *frame) vars() *scopeVars { return (*scopeVars)(f.ptr) }

func (f *frame) instVars() *instanceVars { return (*instanceVars)(f.ptr) }

// setColl sets collection field k (2i or 2i+1) to s.
func (f *frame) setColl(k int, s []unsafe.Pointer) {
	if len(s) == 0 {
		s = nil
	}
	*(*[]unsafe.Pointer)(unsafe.Add(f.ptr, f.offs[k])) = s
}

// compileIn compiles src against an environment struct type (with the helpers and the clock
// patch, since every rule environment has `now`; extra options, such as a rule set's
// working_days, override the helpers). Errors are *ExprError.
func compileIn(src string, env reflect.Type, want Kind, extra ...expr.Option) (*Program, error) {
	p, err := compile(src, reflect.Zero(env).Interface(), true, want, extra...)
	if err != nil {
		return nil, err
	}
	if p.fastB, p.fastI = fastCompile(src, env); p.fastB != nil || p.fastI != nil {
		p.fastEnv = env
	}
	return p, nil
}

// runEnv runs the program on an environment value (a frame's env). Run-time failures, panics
// included, are *ExprError.
func (p *Program) runEnv(env any) (out any, err error) {
	m := p.vms.Get().(*vm.VM)
	out, err = m.Run(p.program, env)
	p.vms.Put(m)
	if err != nil {
		return nil, exprError(p.Source, err)
	}
	return out, nil
}

// boolEnv runs a boolean program on an environment value.
func (p *Program) boolEnv(env any) (bool, error) {
	out, err := p.runEnv(env)
	if err != nil {
		return false, err
	}
	b, ok := out.(bool)
	if !ok {
		return false, &ExprError{Line: 1, Column: 1, Message: fmt.Sprintf("expected bool, but got %T", out)}
	}
	return b, nil
}
