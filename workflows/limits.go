package workflows

import "github.com/orglife/orglife"

// Default budgets of record data, part of the workflow format (docs/workflow-format.md): a field
// without its own max_length (strings, texts) or max_items (lists) is held to these, so no record
// can carry an unbounded value. A field may raise or lower its own limit.
const (
	// DefaultMaxStringLength caps a string or enum field, in characters.
	DefaultMaxStringLength = 2000
	// DefaultMaxTextLength caps a text field (minutes, content), in characters.
	DefaultMaxTextLength = 100000
	// DefaultMaxItems caps a list field.
	DefaultMaxItems = 100
	// MaxChildrenPerTransition caps the children that the actions of one transition may start.
	MaxChildrenPerTransition = 100
)

// maxLength returns the upper bound of a sized field's length and whether it is the default.
func maxLength(f *orglife.Field) (limit int, def bool) {
	switch {
	case f.Type == orglife.TypeList && f.MaxItems != nil:
		return *f.MaxItems, false
	case f.MaxLength != nil:
		return *f.MaxLength, false
	case f.Type == orglife.TypeList:
		return DefaultMaxItems, true
	case f.Type == orglife.TypeText:
		return DefaultMaxTextLength, true
	}
	return DefaultMaxStringLength, true
}
