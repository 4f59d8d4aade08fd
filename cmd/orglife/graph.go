package main

import (
	"context"
	"fmt"
)

// cmdGraph prints the diagram of one workflow of the pack: Mermaid (default) or DOT.
func cmdGraph(ctx context.Context, args []string, e env) int {
	fs := newFlagSet("graph", e)
	var c common
	c.register(fs, e)
	format := fs.String("format", "mermaid", "mermaid or dot")
	pos, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		fmt.Fprintln(e.stderr, "usage: orglife graph WORKFLOW [--format mermaid|dot]")
		return 2
	}
	set, err := loadWorkflows(c.pack, e.stderr)
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife graph:", err)
		return 1
	}
	d, found := set.Get(pos[0])
	if !found {
		fmt.Fprintf(e.stderr, "orglife graph: no workflow %q in the pack\n", pos[0])
		return 1
	}
	switch *format {
	case "mermaid":
		fmt.Fprint(e.stdout, d.Mermaid())
	case "dot":
		fmt.Fprint(e.stdout, d.Dot())
	default:
		fmt.Fprintf(e.stderr, "orglife graph: --format must be mermaid or dot, not %q\n", *format)
		return 2
	}
	return 0
}
