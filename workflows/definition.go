// Package workflows turns workflow files into validated definitions: it parses the YAML of spec
// §2.1 with positions (through yamlfile), reports every problem as file:line:column, compiles
// guards and action data through the rules package, builds each definition's transition table
// on looplab/fsm, validates and normalizes instance data, and draws Mermaid and DOT diagrams.
// It imports orglife, yamlfile, rules and looplab/fsm.
package workflows

import (
	"slices"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/rules"
	"github.com/orglife/orglife/yamlfile"
)

// Definition is one validated workflow. It is immutable once loaded and safe for concurrent use.
type Definition struct {
	ID          string
	Title       string
	Description string
	Collection  string   // name in rule expressions; default ID + "s"
	AppliesTo   []string // org kinds that may start it; empty: all kinds
	StartedBy   []string // roles that may start it: branch, supervisor, admin; default [branch]
	OccursOn    string   // date field placing a record in a period; "" means the completion date
	Unique      []string
	Fields      []*orglife.Field
	States      []*State // in file order
	Initial     string
	Events      []*Event // in file order
	Actions     []*Action
	Version     string // first 12 hex digits of the SHA-256 of the file
	File        string // file name as loaded, for messages
	Source      string // optional source comment (regulation cited)
	// Schema is the typed view of the data, the type of `data` in guards and action data.
	Schema *rules.Schema

	fieldByName map[string]*orglife.Field
	stateByID   map[string]*State
	eventByName map[string]*Event
	table       *table
	node        *yamlfile.Node // the file's root mapping, for set-level problems
}

// State is one state of a workflow.
type State struct {
	ID       string
	Title    string
	Complete bool
	Final    bool

	node *yamlfile.Node // the key
}

// PreviousState is the `to` of an event that returns the instance to the state it was in before
// it entered its current state (a refused void request goes back to where the record was).
const PreviousState = "@previous"

// Event is one event of a workflow.
type Event struct {
	Name            string
	Title           string
	From            []string
	To              string   // a state id, or PreviousState
	By              []string // roles: branch, supervisor, admin
	Require         []string
	Guard           *rules.Program // nil when the event has no guard
	Message         string
	CommentRequired bool
	// Sets lists the fields the event's data may set when SetsDeclared; without the key the
	// event may set every field except the record's identity (Definition.Identity).
	Sets         []string
	SetsDeclared bool
}

// Action starts child instances of another workflow when an instance enters a state, or (with
// UpdateOrg) updates the instance's org.
type Action struct {
	Index   int      // position in the file's actions list; children remember it
	OnEnter []string // the states whose entry runs the action (one or more)
	Start   string   // "" when UpdateOrg is set
	// UpdateOrg sets the org's term and committee from the instance (an approved election).
	UpdateOrg *OrgUpdate
	ForEach   *rules.Program // yields a list; nil starts exactly one child
	Data      []ActionData

	start *yamlfile.Node
}

// OrgUpdate is what an update_org action sets on the instance's org, each an expression over the
// instance (nil: left as it is): the new term's first day and length in years, and the elected
// committee, a list of objects with `name` (a member of the org) and `post` (a member role).
type OrgUpdate struct {
	TermStartedOn *rules.Program
	TermYears     *rules.Program
	Committee     *rules.Program
}

// ActionData is one field of a child's data and the expression that computes it.
type ActionData struct {
	Field string
	Expr  *rules.Program

	key *yamlfile.Node
}

// Field returns the top-level field called name, or nil.
func (d *Definition) Field(name string) *orglife.Field { return d.fieldByName[name] }

// State returns the state called id, or nil.
func (d *Definition) State(id string) *State { return d.stateByID[id] }

// Event returns the event called name, or nil.
func (d *Definition) Event(name string) *Event { return d.eventByName[name] }

// IsComplete reports whether state is a complete state (records in it count for rules).
func (d *Definition) IsComplete(state string) bool {
	s := d.stateByID[state]
	return s != nil && s.Complete
}

// IsFinal reports whether state is final (no way out).
func (d *Definition) IsFinal(state string) bool {
	s := d.stateByID[state]
	return s != nil && s.Final
}

// IsCancelled reports whether state is final and not complete.
func (d *Definition) IsCancelled(state string) bool {
	s := d.stateByID[state]
	return s != nil && s.Final && !s.Complete
}

// CanStart reports whether an org of the given kind may start this workflow.
func (d *Definition) CanStart(orgKind string) bool {
	if len(d.AppliesTo) == 0 {
		return true
	}
	for _, k := range d.AppliesTo {
		if k == orgKind {
			return true
		}
	}
	return false
}

// MayStart reports whether role is among the roles that may start the workflow (`started_by`).
// An admin may always start it; the engine checks the org scope.
func (d *Definition) MayStart(role string) bool {
	return role == orglife.RoleAdmin || slices.Contains(d.StartedBy, role)
}

// Identity returns the fields that identify a record: the unique fields and the occurs_on
// field. Only an event that lists them in `sets` may change them.
func (d *Definition) Identity() []string {
	out := slices.Clone(d.Unique)
	if d.OccursOn != "" && !slices.Contains(out, d.OccursOn) {
		out = append(out, d.OccursOn)
	}
	return out
}

// MaySet reports whether the event's data may set the top-level field: a field listed in its
// `sets`, or, when the event has no `sets`, any field outside the record's identity.
func (d *Definition) MaySet(e *Event, field string) bool {
	if e.SetsDeclared {
		return slices.Contains(e.Sets, field)
	}
	return !slices.Contains(d.Identity(), field)
}

// Settable returns the top-level fields the event's data may set, in the order of the fields.
func (d *Definition) Settable(e *Event) []string {
	out := []string{}
	for _, f := range d.Fields {
		if d.MaySet(e, f.Name) {
			out = append(out, f.Name)
		}
	}
	return out
}

// ToPrevious reports whether the event returns to the previous state (`to: "@previous"`).
func (e *Event) ToPrevious() bool { return e.To == PreviousState }

// PreviousStates returns the states an instance in state may have come from: the from states of
// the events (other than "@previous" ones) that lead to it, in file order, without repeats. They
// are the states an event to "@previous" fired in state may return to.
func (d *Definition) PreviousStates(state string) []string {
	var out []string
	for _, ev := range d.Events {
		if ev.To != state {
			continue
		}
		for _, f := range ev.From {
			if !slices.Contains(out, f) {
				out = append(out, f)
			}
		}
	}
	return out
}

// Runs reports whether the action runs on entering state.
func (a *Action) Runs(state string) bool { return slices.Contains(a.OnEnter, state) }

// Allows reports whether role may fire the event (its `by` list names the role).
func (e *Event) Allows(role string) bool {
	for _, r := range e.By {
		if r == role {
			return true
		}
	}
	return false
}
