package main

import (
	"context"
	"fmt"
)

// graphCmd is "orglife graph WORKFLOW": it prints the diagram of one workflow of the pack,
// Mermaid (default) or DOT.
type graphCmd struct {
	commonFlags
	Workflow string `arg:"" name:"workflow" help:"the workflow's name in the pack"`
	Format   string `name:"format" env:"ORGLIFE_FORMAT" default:"mermaid" placeholder:"mermaid|dot" help:"diagram format: mermaid or dot"`
}

func (c *graphCmd) run(ctx context.Context, e env) int {
	set, err := loadWorkflows(c.Pack, e.stderr)
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife graph:", err)
		return 1
	}
	d, found := set.Get(c.Workflow)
	if !found {
		fmt.Fprintf(e.stderr, "orglife graph: no workflow %q in the pack\n", c.Workflow)
		return 1
	}
	switch c.Format {
	case "mermaid":
		fmt.Fprint(e.stdout, d.Mermaid())
	case "dot":
		fmt.Fprint(e.stdout, d.Dot())
	default:
		fmt.Fprintf(e.stderr, "orglife graph: --format must be mermaid or dot, not %q\n", c.Format)
		return 2
	}
	return 0
}
