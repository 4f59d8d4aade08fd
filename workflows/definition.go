// Package workflows turns workflow files into validated definitions: it parses the YAML of spec
// §2.1 with positions, reports every problem as file:line:column, compiles guards and action data
// through the rules package, builds each definition's transition table on looplab/fsm, validates
// and normalizes instance data, and draws Mermaid and DOT diagrams.
package workflows

import (
	"github.com/orglife/orglife"
	"github.com/orglife/orglife/rules"
)

// Set is a validated set of workflow definitions (a pack's workflows/ directory).
type Set struct {
	byID  map[string]*Definition
	order []*Definition
}

// Definition is one validated workflow.
type Definition struct {
	ID         string
	Title      string
	Collection string   // name in rule expressions; default ID + "s"
	AppliesTo  []string // org kinds that may start it; empty: all kinds
	OccursOn   string   // date field placing a record in a period; "" means the completion date
	Unique     []string
	Fields     []*orglife.Field
	States     []*State // in file order
	Initial    string
	Events     []*Event // in file order
	Actions    []*Action
	Version    string // first 12 hex digits of the SHA-256 of the file
	File       string // file name as loaded, for messages
	Source     string // optional source comment (regulation cited)
}

// State is one state of a workflow.
type State struct {
	ID       string
	Title    string
	Complete bool
	Final    bool
}

// Event is one event of a workflow.
type Event struct {
	Name            string
	Title           string
	From            []string
	To              string
	By              []string // roles: branch, supervisor, admin
	Require         []string
	Guard           *rules.Program // nil when the event has no guard
	Message         string
	CommentRequired bool
}

// Action starts child instances of another workflow when an instance enters a state.
type Action struct {
	Index   int // position in the file's actions list; children remember it
	OnEnter string
	Start   string
	ForEach *rules.Program // yields a list; nil starts exactly one child
	Data    []ActionData
}

// ActionData is one field of a child's data and the expression that computes it.
type ActionData struct {
	Field string
	Expr  *rules.Program
}
