package yamlfile

import (
	"fmt"

	"github.com/orglife/orglife"
)

// Decoder collects the problems a format's decoder finds while it walks a parsed tree, and
// reads values with one message style: "WHAT: COMPLAINT" at the value's position, where WHAT is
// the caller's name for the value (`title`, `event "finish": from`) and the complaint is one of
// a fixed set of phrases ("must be a string, not a list", `missing "id"`,
// `invalid value "x" (want a, b or c)`, …). Decoders embed it.
//
// Every accessor takes the node to read, which may be nil: a nil node is an absent value and
// is not a problem (the accessor returns the zero value and false). A null node (`key:` or
// `key: ~`) is present and of the wrong kind; use Node.Present to read an optional key, which
// treats null as absent.
type Decoder struct {
	// Problems are the problems found so far, in the order found.
	Problems orglife.Problems
}

// Add records a problem at n.
func (d *Decoder) Add(n *Node, format string, args ...any) {
	d.Problems = append(d.Problems, n.Problemf(format, args...))
}

// Addf records a problem at n about the value named what (see Path).
func (d *Decoder) Addf(n *Node, what, format string, args ...any) {
	d.Add(n, "%s", Path(what, fmt.Sprintf(format, args...)))
}

// Path joins the names of a value's enclosing values and its own with ": ", leaving out empty
// parts: Path(`event "x"`, "from") is `event "x": from`, Path("", "title") is "title".
func Path(parts ...string) string {
	out := ""
	for _, p := range parts {
		switch {
		case p == "":
		case out == "":
			out = p
		default:
			out += ": " + p
		}
	}
	return out
}

// kindPhrase names a node's kind after "not" in messages.
func kindPhrase(n *Node) string {
	if n.Kind == KindNull {
		return "null"
	}
	return "a " + n.Kind.String()
}

// Map reports whether n is a mapping (a problem otherwise) and checks its keys as Keys does.
// what names the mapping in messages.
func (d *Decoder) Map(n *Node, what string, allowed []string) bool {
	if !d.IsMap(n, what) {
		return false
	}
	d.Keys(n, what, allowed)
	return true
}

// IsMap reports whether n is a mapping; another kind is a problem. Unlike Map it leaves the
// keys alone, for a mapping named one way as a value (`event 2`, "rule file") and another in
// messages about its keys (`event "finish"`, "").
func (d *Decoder) IsMap(n *Node, what string) bool {
	if n == nil {
		return false
	}
	if n.Kind != KindMap {
		d.Addf(n, what, "must be a mapping, not %s", kindPhrase(n))
		return false
	}
	return true
}

// Keys reports the duplicate keys of the mapping n, and its keys not in allowed unless allowed
// is nil (see Node.CheckKeys).
func (d *Decoder) Keys(n *Node, what string, allowed []string) {
	d.Problems = append(d.Problems, n.CheckKeys(what, allowed)...)
}

// Required returns the value of key in the mapping m, or adds `WHAT: missing "KEY"` at m and
// returns nil when the key is absent or null. what names the mapping.
func (d *Decoder) Required(m *Node, key, what string) *Node {
	v := m.Present(key)
	if v == nil && m != nil {
		d.Addf(m, what, "missing %q", key)
	}
	return v
}

// List returns the items of a sequence; another kind is a problem.
func (d *Decoder) List(n *Node, what string) []*Node {
	if n == nil {
		return nil
	}
	if n.Kind != KindSeq {
		d.Addf(n, what, "must be a list, not %s", kindPhrase(n))
		return nil
	}
	return n.Items
}

// Text returns a scalar's text; another kind is a problem.
func (d *Decoder) Text(n *Node, what string) (string, bool) {
	if n == nil {
		return "", false
	}
	s, ok := n.Text()
	if !ok {
		d.Addf(n, what, "must be a string, not %s", kindPhrase(n))
	}
	return s, ok
}

// Texts reads a sequence of scalars, each one of allowed unless allowed is nil (see OneOf). It
// returns the texts and their nodes; items that are not scalars, or not allowed, are problems
// and left out.
func (d *Decoder) Texts(n *Node, what string, allowed []string) ([]string, []*Node) {
	var vals []string
	var nodes []*Node
	for _, it := range d.List(n, what) {
		s, ok := d.Text(it, what)
		if ok && allowed != nil {
			s, ok = d.OneOf(it, what, allowed)
		}
		if ok {
			vals = append(vals, s)
			nodes = append(nodes, it)
		}
	}
	return vals, nodes
}
