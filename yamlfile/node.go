// Package yamlfile parses YAML files into position-annotated node trees for the decoders of
// orglife's file formats (workflow, rule and pack test files), and gives those decoders one kit
// to read values with: Decoder, a problem collector with typed accessors and one message style.
// It is the only package that imports the YAML library (goccy/go-yaml); it imports orglife for
// Problem. Decoders walk the tree, keep every position, and report problems as
// file:line:column.
package yamlfile

import (
	"fmt"
	"strconv"

	"github.com/orglife/orglife"
)

// Kind is the kind of a node.
type Kind int

// Node kinds.
const (
	KindNull   Kind = iota // an explicit null or an empty value
	KindMap                // a mapping
	KindSeq                // a sequence
	KindScalar             // a scalar (string, number, bool)
)

// String returns the kind's name as used in messages.
func (k Kind) String() string {
	switch k {
	case KindMap:
		return "mapping"
	case KindSeq:
		return "list"
	case KindScalar:
		return "scalar"
	}
	return "null"
}

// Style is the written style of a scalar.
type Style int

// Scalar styles.
const (
	StylePlain        Style = iota // unquoted
	StyleSingleQuoted              // 'text'
	StyleDoubleQuoted              // "text"
	StyleLiteral                   // | block
	StyleFolded                    // > block
)

// Scalar tags: the type a plain scalar resolves to (YAML core schema). Quoted and block scalars
// are always TagStr.
const (
	TagStr   = "!!str"
	TagInt   = "!!int"
	TagFloat = "!!float"
	TagBool  = "!!bool"
	TagNull  = "!!null"
)

// Node is one node of a parsed YAML document with its 1-based position (the position of its
// first character; for a block mapping, of its first key).
type Node struct {
	Kind   Kind
	File   string // file name given to Parse
	Line   int
	Column int // in runes
	// Value is a scalar's decoded text ("" for other kinds).
	Value string
	// Style is how a scalar was written.
	Style Style
	// Tag is the type a scalar resolves to; TagNull for null nodes.
	Tag string
	// Entries are a mapping's entries in file order.
	Entries []*Entry
	// Items are a sequence's items.
	Items []*Node

	src *source
}

// Entry is one key-value pair of a mapping.
type Entry struct {
	Key   *Node
	Value *Node
}

// Problemf returns a problem located at the node.
func (n *Node) Problemf(format string, args ...any) orglife.Problem {
	return orglife.Problem{File: n.File, Line: n.Line, Column: n.Column, Message: fmt.Sprintf(format, args...)}
}

// Entry returns the first entry of a mapping whose key is key, or nil.
func (n *Node) Entry(key string) *Entry {
	if n == nil {
		return nil
	}
	for _, e := range n.Entries {
		if e.Key.Value == key {
			return e
		}
	}
	return nil
}

// Get returns the value of key in a mapping, or nil when the key is absent.
func (n *Node) Get(key string) *Node {
	if e := n.Entry(key); e != nil {
		return e.Value
	}
	return nil
}

// Duplicates returns the entries of a mapping whose key already appeared before them.
func (n *Node) Duplicates() []*Entry {
	var dups []*Entry
	seen := make(map[string]bool, len(n.Entries))
	for _, e := range n.Entries {
		if seen[e.Key.Value] {
			dups = append(dups, e)
		}
		seen[e.Key.Value] = true
	}
	return dups
}

// CheckKeys reports duplicate keys of a mapping and keys not in allowed (when allowed is not
// nil), each at its key. what names the mapping in messages ("event", "field \"x\"") and may be
// empty.
func (n *Node) CheckKeys(what string, allowed []string) orglife.Problems {
	var ps orglife.Problems
	prefix := ""
	if what != "" {
		prefix = what + ": "
	}
	for _, e := range n.Duplicates() {
		ps = append(ps, e.Key.Problemf("%sduplicate key %q", prefix, e.Key.Value))
	}
	if allowed == nil {
		return ps
	}
	ok := make(map[string]bool, len(allowed))
	for _, k := range allowed {
		ok[k] = true
	}
	for _, e := range n.Entries {
		if !ok[e.Key.Value] {
			ps = append(ps, e.Key.Problemf("%sunknown key %q", prefix, e.Key.Value))
		}
	}
	return ps
}

// Present returns the value of key in a mapping, or nil when the key is absent or its value is
// null: the value of an optional key.
func (n *Node) Present(key string) *Node {
	if v := n.Get(key); !v.IsNull() {
		return v
	}
	return nil
}

// IsNull reports whether the node is absent (nil) or null.
func (n *Node) IsNull() bool { return n == nil || n.Kind == KindNull }

// Text returns a scalar's text; ok is false for other kinds.
func (n *Node) Text() (s string, ok bool) {
	if n == nil || n.Kind != KindScalar {
		return "", false
	}
	return n.Value, true
}

// Int returns the value of a plain integer scalar.
func (n *Node) Int() (int, bool) {
	if n == nil || n.Kind != KindScalar || n.Tag != TagInt {
		return 0, false
	}
	v, err := strconv.ParseInt(n.Value, 0, 64)
	if err != nil {
		return 0, false
	}
	return int(v), true
}

// Float returns the value of a plain integer or float scalar.
func (n *Node) Float() (float64, bool) {
	if n == nil || n.Kind != KindScalar || (n.Tag != TagInt && n.Tag != TagFloat) {
		return 0, false
	}
	if n.Tag == TagInt {
		v, err := strconv.ParseInt(n.Value, 0, 64)
		return float64(v), err == nil
	}
	v, err := strconv.ParseFloat(n.Value, 64)
	return v, err == nil
}

// Bool returns the value of a plain boolean scalar.
func (n *Node) Bool() (bool, bool) {
	if n == nil || n.Kind != KindScalar || n.Tag != TagBool {
		return false, false
	}
	switch n.Value {
	case "true", "True", "TRUE":
		return true, true
	}
	return false, true
}
