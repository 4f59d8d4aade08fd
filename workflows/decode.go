package workflows

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"

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
	actionKeys = []string{"on_enter", "start", "for_each", "data", "update_org"}
	// updateOrgKeys are the keys of an action's update_org.
	updateOrgKeys = []string{"term_started_on", "term_years", "committee"}
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
	dec := &decoder{Decoder: yamlfile.Decoder{Problems: ps}}
	d := dec.definition(root)
	if d == nil {
		return nil, dec.Problems
	}
	sum := sha256.Sum256(src)
	d.Version = hex.EncodeToString(sum[:])[:12]
	d.File = file
	return d, dec.Problems
}

// decoder accumulates problems while it reads a workflow file.
type decoder struct {
	yamlfile.Decoder
	eventNodes map[*Event]*eventNodes
}

// list reads a list of scalars, a single scalar counting as a list of one, each one of allowed
// unless allowed is nil. It returns the values and their nodes; null is an empty list.
func (dec *decoder) list(n *yamlfile.Node, what string, allowed []string) ([]string, []*yamlfile.Node) {
	switch {
	case n.Kind == yamlfile.KindNull:
		return nil, nil
	case n.Kind != yamlfile.KindScalar:
		return dec.Texts(n, what, allowed)
	case allowed == nil:
		return []string{n.Value}, []*yamlfile.Node{n}
	}
	if s, ok := dec.OneOf(n, what, allowed); ok {
		return []string{s}, []*yamlfile.Node{n}
	}
	return nil, nil
}

// definition decodes the root mapping.
func (dec *decoder) definition(root *yamlfile.Node) *Definition {
	if !dec.IsMap(root, "workflow file") {
		return nil
	}
	dec.Keys(root, "", topKeys)
	d := &Definition{node: root, fieldByName: map[string]*orglife.Field{}, stateByID: map[string]*State{}, eventByName: map[string]*Event{}}
	for _, key := range []string{"id", "states", "initial", "events"} {
		dec.Required(root, key, "")
	}
	d.ID, _ = dec.Name(root.Present("id"), "id", IDPattern)
	d.Title, _ = dec.Text(root.Present("title"), "title")
	d.Description, _ = dec.Text(root.Present("description"), "description")
	d.Source, _ = dec.Text(root.Present("source"), "source")
	d.Collection = d.ID + "s"
	if n := root.Present("collection"); n != nil {
		d.Collection, _ = dec.Name(n, "collection", IDPattern)
	}
	if n := root.Get("applies_to"); n != nil {
		d.AppliesTo, _ = dec.list(n, "applies_to", orglife.OrgKinds)
	}
	d.StartedBy = []string{orglife.RoleBranch}
	if n := root.Get("started_by"); n != nil {
		if roles, _ := dec.list(n, "started_by", Roles); len(roles) > 0 {
			d.StartedBy = roles
		}
		if n.Kind == yamlfile.KindSeq && len(n.Items) == 0 {
			dec.Addf(n, "started_by", "at least one role is needed")
		}
	}
	if n := root.Present("fields"); n != nil && dec.Map(n, "fields", nil) {
		d.Fields = dec.fields(n, "")
		for _, f := range d.Fields {
			d.fieldByName[f.Name] = f
		}
	}
	d.Schema = rules.NewSchema(d.Fields)
	dec.topFieldRefs(d, root)
	if n := root.Present("states"); n != nil && dec.Map(n, "states", nil) {
		dec.states(d, n)
	}
	if n := root.Present("initial"); n != nil {
		d.Initial, _ = dec.Text(n, "initial")
		if d.Initial != "" && d.stateByID[d.Initial] == nil && len(d.stateByID) > 0 {
			dec.Addf(n, "initial", "unknown state %q", d.Initial)
		}
	}
	if n := root.Present("events"); n != nil {
		dec.events(d, n)
	}
	dec.graph(d)
	if n := root.Present("actions"); n != nil {
		dec.actions(d, n)
	}
	if d.table == nil {
		d.table = buildTable(d)
	}
	return d
}

// topFieldRefs checks occurs_on and unique, which name top-level fields.
func (dec *decoder) topFieldRefs(d *Definition, root *yamlfile.Node) {
	if n := root.Present("occurs_on"); n != nil {
		d.OccursOn, _ = dec.Text(n, "occurs_on")
		switch f := d.fieldByName[d.OccursOn]; {
		case d.OccursOn == "":
		case f == nil:
			dec.Addf(n, "occurs_on", "unknown field %q", d.OccursOn)
		case f.Type != orglife.TypeDate && f.Type != orglife.TypeDatetime:
			dec.Addf(n, "occurs_on", "field %q is a %s, not a date or datetime", d.OccursOn, f.Type)
		}
	}
	if n := root.Get("unique"); n != nil {
		names, nodes := dec.list(n, "unique", nil)
		for i, s := range names {
			switch f := d.fieldByName[s]; {
			case f == nil:
				dec.Addf(nodes[i], "unique", "unknown field %q", s)
			case f.Type == orglife.TypeList || f.Type == orglife.TypeObject:
				dec.Addf(nodes[i], "unique", "field %q is a %s, not a single value", s, f.Type)
			}
		}
		d.Unique = names
	}
}

// states decodes the states mapping (its keys already checked).
func (dec *decoder) states(d *Definition, n *yamlfile.Node) {
	for _, e := range n.Entries {
		id, _ := dec.Name(e.Key, "states", IDPattern)
		if d.stateByID[id] != nil {
			continue // reported as a duplicate key
		}
		s := &State{ID: id, node: e.Key}
		what := fmt.Sprintf("state %q", id)
		if v := e.Value; !v.IsNull() && dec.Map(v, what, stateKeys) {
			s.Title, _ = dec.Text(v.Present("title"), what+": title")
			s.Complete, _ = dec.Bool(v.Present("complete"), what+": complete")
			s.Final, _ = dec.Bool(v.Present("final"), what+": final")
		}
		d.States = append(d.States, s)
		d.stateByID[id] = s
	}
	if len(d.States) == 0 {
		dec.Addf(n, "states", "at least one state is needed")
	}
}
