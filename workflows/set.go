package workflows

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/orglife/orglife"
)

// Set is a validated set of workflow definitions (a pack's workflows/ directory). It is
// immutable and safe for concurrent use.
type Set struct {
	byID  map[string]*Definition
	order []*Definition
}

// Load reads every *.yaml and *.yml file in dir of fsys (not recursively), validates each and
// then the set: ids unique across files, collections unique, actions starting known workflows
// with their fields. Problems name files displayPrefix + "/" + dir + "/" + name, so that with
// fsys = os.DirFS(pack), dir = "workflows" and displayPrefix = pack a problem reads
// pack/workflows/plan.yaml:12:9; an empty displayPrefix leaves dir + "/" + name. The set is nil
// when there are problems; they are sorted.
func Load(fsys fs.FS, dir, displayPrefix string) (*Set, orglife.Problems) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, orglife.Problems{{File: displayName(displayPrefix, dir), Line: 1, Column: 1, Message: "cannot read directory: " + err.Error()}}
	}
	var defs []*Definition
	var ps orglife.Problems
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !(strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")) {
			continue
		}
		rel := path.Join(dir, name)
		file := displayName(displayPrefix, rel)
		src, err := fs.ReadFile(fsys, rel)
		if err != nil {
			ps = append(ps, orglife.Problem{File: file, Line: 1, Column: 1, Message: "cannot read file: " + err.Error()})
			continue
		}
		d, fps := parse(file, src)
		ps = append(ps, fps...)
		if d != nil {
			defs = append(defs, d)
		}
	}
	s, sps := NewSet(defs)
	ps = append(ps, sps...)
	ps.Sort()
	if len(ps) > 0 {
		return nil, ps
	}
	return s, nil
}

func displayName(prefix, rel string) string {
	if prefix == "" {
		return rel
	}
	return strings.TrimSuffix(prefix, "/") + "/" + rel
}

// NewSet checks definitions together (each already parsed with Parse) and returns them as a
// set: workflow ids and collections unique, actions starting known workflows and setting only
// their fields. The set is nil when there are problems.
func NewSet(defs []*Definition) (*Set, orglife.Problems) {
	s := &Set{byID: map[string]*Definition{}}
	var ps orglife.Problems
	collections := map[string]*Definition{}
	sorted := append([]*Definition(nil), defs...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].File < sorted[j].File })
	for _, d := range sorted {
		if d.ID == "" {
			continue
		}
		if first := s.byID[d.ID]; first != nil {
			ps = append(ps, d.problemAt("id", fmt.Sprintf("duplicate workflow id %q (also in %s)", d.ID, first.File)))
			continue
		}
		if first := collections[d.Collection]; first != nil && d.Collection != "" {
			ps = append(ps, d.problemAt("collection", fmt.Sprintf("collection %q is also the collection of workflow %q", d.Collection, first.ID)))
		}
		collections[d.Collection] = d
		s.byID[d.ID] = d
		s.order = append(s.order, d)
	}
	for _, d := range s.order {
		ps = append(ps, s.checkActions(d)...)
	}
	sort.Slice(s.order, func(i, j int) bool { return s.order[i].ID < s.order[j].ID })
	ps.Sort()
	if len(ps) > 0 {
		return nil, ps
	}
	return s, nil
}

// problemAt returns a problem at the value of a top-level key (or the file's start).
func (d *Definition) problemAt(key, msg string) orglife.Problem {
	n := d.node
	if v := n.Get(key); v != nil {
		n = v
	}
	if n == nil {
		return orglife.Problem{File: d.File, Line: 1, Column: 1, Message: msg}
	}
	return n.Problemf("%s", msg)
}

// checkActions checks that each action of d starts a known workflow and sets only its fields.
func (s *Set) checkActions(d *Definition) orglife.Problems {
	var ps orglife.Problems
	for _, a := range d.Actions {
		what := fmt.Sprintf("action %d", a.Index+1)
		if a.UpdateOrg != nil {
			continue
		}
		child := s.byID[a.Start]
		if child == nil {
			if a.start != nil {
				ps = append(ps, a.start.Problemf("%s: start: unknown workflow %q", what, a.Start))
			}
			continue
		}
		set := map[string]bool{}
		for _, ad := range a.Data {
			set[ad.Field] = true
			if child.Field(ad.Field) == nil && ad.key != nil {
				ps = append(ps, ad.key.Problemf("%s: data: workflow %q has no field %q", what, child.ID, ad.Field))
			}
		}
		for _, f := range child.Fields {
			if f.Required && !set[f.Name] && a.start != nil {
				ps = append(ps, a.start.Problemf("%s: data: required field %q of workflow %q is not set", what, f.Name, child.ID))
			}
		}
	}
	return ps
}

// Get returns the definition with the given id.
func (s *Set) Get(id string) (*Definition, bool) {
	d, ok := s.byID[id]
	return d, ok
}

// List returns the definitions sorted by id. The slice is shared: do not modify it.
func (s *Set) List() []*Definition { return s.order }
