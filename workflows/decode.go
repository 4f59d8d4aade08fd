package workflows

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/rules"
	"github.com/orglife/orglife/yamlfile"
)

// IDPattern is the form of workflow, state, event and field names.
var IDPattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// Roles lists the roles an event's `by` may name.
var Roles = []string{orglife.RoleBranch, orglife.RoleSupervisor, orglife.RoleAdmin}

var (
	topKeys    = []string{"id", "title", "description", "source", "collection", "applies_to", "started_by", "occurs_on", "unique", "fields", "states", "initial", "events", "actions"}
	stateKeys  = []string{"title", "description", "complete", "final"}
	eventKeys  = []string{"name", "title", "description", "from", "to", "by", "require", "guard", "message", "comment", "sets"}
	actionKeys = []string{"on_enter", "start", "for_each", "data"}
)

// Parse parses and validates one workflow file on its own (references to other workflows are
// checked by Load). file names the file in problems. The definition is nil when there are
// problems.
func Parse(file string, src []byte) (*Definition, orglife.Problems) {
	d, ps := parse(file, src)
	ps.Sort()
	if len(ps) > 0 {
		return nil, ps
	}
	return d, nil
}

// parse returns the definition, possibly partial, and its file-level problems, unsorted.
func parse(file string, src []byte) (*Definition, orglife.Problems) {
	root, ps := yamlfile.Parse(file, src)
	if root == nil {
		return nil, ps
	}
	dec := &decoder{problems: ps}
	d := dec.definition(root)
	if d == nil {
		return nil, dec.problems
	}
	sum := sha256.Sum256(src)
	d.Version = hex.EncodeToString(sum[:])[:12]
	d.File = file
	return d, dec.problems
}

// decoder accumulates problems while it reads a workflow file.
type decoder struct {
	problems   orglife.Problems
	eventNodes map[*Event]*eventNodes
}

func (dec *decoder) add(n *yamlfile.Node, format string, args ...any) {
	dec.problems = append(dec.problems, n.Problemf(format, args...))
}

// text reads a scalar as a string; other kinds are a problem.
func (dec *decoder) text(n *yamlfile.Node, what string) (string, bool) {
	s, ok := n.Text()
	if !ok {
		dec.add(n, "%s: must be a string, not a %s", what, n.Kind)
	}
	return s, ok
}

// name reads an identifier.
func (dec *decoder) name(n *yamlfile.Node, what string) (string, bool) {
	s, ok := dec.text(n, what)
	if ok && !IDPattern.MatchString(s) {
		dec.add(n, "%s: invalid name %q (must match %s)", what, s, IDPattern)
		return s, false
	}
	return s, ok
}

// list reads a sequence of scalars (a single scalar counts as a list of one). It returns the
// values and their nodes.
func (dec *decoder) list(n *yamlfile.Node, what string) ([]string, []*yamlfile.Node) {
	items := []*yamlfile.Node{n}
	switch n.Kind {
	case yamlfile.KindSeq:
		items = n.Items
	case yamlfile.KindNull:
		return nil, nil
	case yamlfile.KindMap:
		dec.add(n, "%s: must be a list, not a mapping", what)
		return nil, nil
	}
	var vals []string
	var nodes []*yamlfile.Node
	for _, it := range items {
		if s, ok := dec.text(it, what); ok {
			vals = append(vals, s)
			nodes = append(nodes, it)
		}
	}
	return vals, nodes
}

func (dec *decoder) boolean(n *yamlfile.Node, what string) bool {
	if n.IsNull() {
		return false
	}
	b, ok := n.Bool()
	if !ok {
		dec.add(n, "%s: must be true or false", what)
	}
	return b
}

func (dec *decoder) mapping(n *yamlfile.Node, what string) bool {
	if n.Kind != yamlfile.KindMap {
		dec.add(n, "%s: must be a mapping, not a %s", what, n.Kind)
		return false
	}
	return true
}

// definition decodes the root mapping.
func (dec *decoder) definition(root *yamlfile.Node) *Definition {
	if !dec.mapping(root, "workflow file") {
		return nil
	}
	dec.problems = append(dec.problems, root.CheckKeys("", topKeys)...)
	d := &Definition{node: root, fieldByName: map[string]*orglife.Field{}, stateByID: map[string]*State{}, eventByName: map[string]*Event{}}
	for _, key := range []string{"id", "states", "initial", "events"} {
		if root.Get(key).IsNull() {
			dec.add(root, "missing %q", key)
		}
	}
	if n := root.Get("id"); !n.IsNull() {
		d.ID, _ = dec.name(n, "id")
	}
	for key, dst := range map[string]*string{"title": &d.Title, "description": &d.Description, "source": &d.Source} {
		if n := root.Get(key); !n.IsNull() {
			*dst, _ = dec.text(n, key)
		}
	}
	d.Collection = d.ID + "s"
	if n := root.Get("collection"); !n.IsNull() {
		d.Collection, _ = dec.name(n, "collection")
	}
	if n := root.Get("applies_to"); n != nil {
		kinds, nodes := dec.list(n, "applies_to")
		for i, k := range kinds {
			if !slices.Contains(orglife.OrgKinds, k) {
				dec.add(nodes[i], "applies_to: unknown org kind %q", k)
			}
		}
		d.AppliesTo = kinds
	}
	d.StartedBy = []string{orglife.RoleBranch}
	if n := root.Get("started_by"); n != nil {
		roles, nodes := dec.list(n, "started_by")
		for i, r := range roles {
			if !slices.Contains(Roles, r) {
				dec.add(nodes[i], "started_by: unknown role %q", r)
			}
		}
		if n.Kind == yamlfile.KindSeq && len(n.Items) == 0 {
			dec.add(n, "started_by: at least one role is needed")
		}
		if len(roles) > 0 {
			d.StartedBy = roles
		}
	}
	if n := root.Get("fields"); !n.IsNull() && dec.mapping(n, "fields") {
		d.Fields = dec.fields(n, "")
		for _, f := range d.Fields {
			d.fieldByName[f.Name] = f
		}
	}
	d.Schema = rules.NewSchema(d.Fields)
	dec.topFieldRefs(d, root)
	if n := root.Get("states"); !n.IsNull() && dec.mapping(n, "states") {
		dec.states(d, n)
	}
	if n := root.Get("initial"); !n.IsNull() {
		if s, ok := dec.text(n, "initial"); ok {
			d.Initial = s
			if d.stateByID[s] == nil && len(d.stateByID) > 0 {
				dec.add(n, "initial: unknown state %q", s)
			}
		}
	}
	if n := root.Get("events"); !n.IsNull() {
		dec.events(d, n)
	}
	dec.graph(d)
	if n := root.Get("actions"); !n.IsNull() {
		dec.actions(d, n)
	}
	if d.table == nil {
		d.table = buildTable(d)
	}
	return d
}

// topFieldRefs checks occurs_on and unique, which name top-level fields.
func (dec *decoder) topFieldRefs(d *Definition, root *yamlfile.Node) {
	if n := root.Get("occurs_on"); !n.IsNull() {
		if s, ok := dec.text(n, "occurs_on"); ok {
			d.OccursOn = s
			switch f := d.fieldByName[s]; {
			case f == nil:
				dec.add(n, "occurs_on: unknown field %q", s)
			case f.Type != orglife.TypeDate && f.Type != orglife.TypeDatetime:
				dec.add(n, "occurs_on: field %q is a %s, not a date or datetime", s, f.Type)
			}
		}
	}
	if n := root.Get("unique"); n != nil {
		names, nodes := dec.list(n, "unique")
		for i, s := range names {
			switch f := d.fieldByName[s]; {
			case f == nil:
				dec.add(nodes[i], "unique: unknown field %q", s)
			case f.Type == orglife.TypeList || f.Type == orglife.TypeObject:
				dec.add(nodes[i], "unique: field %q is a %s, not a single value", s, f.Type)
			}
		}
		d.Unique = names
	}
}

func (dec *decoder) states(d *Definition, n *yamlfile.Node) {
	dec.problems = append(dec.problems, n.CheckKeys("states", nil)...)
	for _, e := range n.Entries {
		id, _ := dec.name(e.Key, "state")
		if d.stateByID[id] != nil {
			continue // reported as a duplicate key
		}
		s := &State{ID: id, node: e.Key}
		what := fmt.Sprintf("state %q", id)
		if !e.Value.IsNull() && dec.mapping(e.Value, what) {
			v := e.Value
			dec.problems = append(dec.problems, v.CheckKeys(what, stateKeys)...)
			if t := v.Get("title"); !t.IsNull() {
				s.Title, _ = dec.text(t, what+": title")
			}
			s.Complete = dec.boolean(v.Get("complete"), what+": complete")
			s.Final = dec.boolean(v.Get("final"), what+": final")
		}
		d.States = append(d.States, s)
		d.stateByID[id] = s
	}
	if len(d.States) == 0 {
		dec.add(n, "states: at least one state is needed")
	}
}
