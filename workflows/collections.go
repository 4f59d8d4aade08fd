package workflows

import "github.com/orglife/orglife/rules"

// Collections describes the records of every workflow of the set as rule expressions see them
// (each workflow's collection name and fields), sorted by workflow id.
func (s *Set) Collections() []rules.Collection {
	var out []rules.Collection
	for _, d := range s.List() {
		out = append(out, rules.Collection{Name: d.Collection, Workflow: d.ID, Fields: d.Fields})
	}
	return out
}
