package workflows

import (
	"fmt"
	"strings"
)

// label returns a state's title, or its id when it has none.
func (s *State) label() string {
	if s.Title != "" {
		return s.Title
	}
	return s.ID
}

// label returns an event's title, or its name when it has none.
func (e *Event) label() string {
	if e.Title != "" {
		return e.Title
	}
	return e.Name
}

// Mermaid returns the state diagram as Mermaid stateDiagram-v2 text: states labelled with their
// titles, transitions with the event titles (or names), final states leading to [*], complete
// states in bold. The output is deterministic (file order).
func (d *Definition) Mermaid() string {
	var b strings.Builder
	b.WriteString("stateDiagram-v2\n")
	if d.Title != "" {
		fmt.Fprintf(&b, "    %%%% %s\n", d.Title)
	}
	for _, s := range d.States {
		fmt.Fprintf(&b, "    state \"%s\" as %s\n", mermaidText(s.label()), s.ID)
	}
	fmt.Fprintf(&b, "    [*] --> %s\n", d.Initial)
	for _, ev := range d.Events {
		for _, from := range ev.From {
			for _, to := range d.targets(ev, from) {
				fmt.Fprintf(&b, "    %s --> %s : %s\n", from, to, mermaidText(ev.label()))
			}
		}
	}
	var complete []string
	for _, s := range d.States {
		if s.Final {
			fmt.Fprintf(&b, "    %s --> [*]\n", s.ID)
		}
		if s.Complete {
			complete = append(complete, s.ID)
		}
	}
	if len(complete) > 0 {
		b.WriteString("    classDef complete font-weight:bold,stroke-width:3px\n")
		fmt.Fprintf(&b, "    class %s complete\n", strings.Join(complete, ","))
	}
	return b.String()
}

// targets returns the states ev leads to from state from: its `to`, or for an event to
// "@previous" every state an instance in from may have come from.
func (d *Definition) targets(ev *Event, from string) []string {
	if ev.ToPrevious() {
		return d.PreviousStates(from)
	}
	return []string{ev.To}
}

// mermaidText makes a label safe inside Mermaid text: no quotes, colons, semicolons or line
// breaks.
func mermaidText(s string) string {
	return strings.NewReplacer(`"`, "#quot;", ":", "#58;", ";", "#59;", "\n", " ", "\r", "").Replace(s)
}

// Dot returns the state diagram as a Graphviz digraph: nodes labelled with state titles (complete
// states drawn with a double border, final states filled), edges with event titles (or names).
// The output is deterministic (file order).
func (d *Definition) Dot() string {
	var b strings.Builder
	fmt.Fprintf(&b, "digraph %s {\n", dotID(d.ID))
	if d.Title != "" {
		fmt.Fprintf(&b, "  label=%s;\n", dotID(d.Title))
	}
	b.WriteString("  rankdir=LR;\n  node [shape=box, style=rounded];\n")
	b.WriteString("  \"__start\" [shape=point, label=\"\"];\n")
	for _, s := range d.States {
		attrs := "label=" + dotID(s.label())
		if s.Complete {
			attrs += ", peripheries=2"
		}
		if s.Final {
			attrs += ", style=\"rounded,filled\", fillcolor=lightgrey"
		}
		fmt.Fprintf(&b, "  %s [%s];\n", dotID(s.ID), attrs)
	}
	fmt.Fprintf(&b, "  \"__start\" -> %s;\n", dotID(d.Initial))
	for _, ev := range d.Events {
		for _, from := range ev.From {
			for _, to := range d.targets(ev, from) {
				attrs := "label=" + dotID(ev.label())
				if ev.ToPrevious() {
					attrs += ", style=dashed"
				}
				fmt.Fprintf(&b, "  %s -> %s [%s];\n", dotID(from), dotID(to), attrs)
			}
		}
	}
	b.WriteString("}\n")
	return b.String()
}

// dotID quotes a DOT identifier or label.
func dotID(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}
