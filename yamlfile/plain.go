package yamlfile

import (
	"strconv"
	"strings"
)

// Plain returns the node as the values of decoded JSON: map[string]any for a mapping (of
// duplicate keys the last wins, as in encoding/json), []any for a sequence, bool for a plain
// boolean, int64 or float64 for a plain number (the text when it does not fit), nil for null,
// and the text of any other scalar.
func (n *Node) Plain() any {
	switch n.Kind {
	case KindMap:
		m := make(map[string]any, len(n.Entries))
		for _, e := range n.Entries {
			m[e.Key.Value] = e.Value.Plain()
		}
		return m
	case KindSeq:
		l := make([]any, len(n.Items))
		for i, it := range n.Items {
			l[i] = it.Plain()
		}
		return l
	case KindScalar:
		switch n.Tag {
		case TagInt:
			if v, err := strconv.ParseInt(n.Value, 0, 64); err == nil {
				return v
			}
		case TagFloat:
			if v, ok := n.Float(); ok {
				return v
			}
		case TagBool:
			b, _ := n.Bool()
			return b
		}
		return n.Value
	}
	return nil
}

// At follows a field path such as `absentees[0].name` (keys separated by dots, list indexes in
// brackets) from n to the node it names, as far as the path exists: it returns the deepest node
// reached, n itself when not even the first key is there.
func (n *Node) At(path string) *Node {
	cur := n
	for _, part := range strings.Split(path, ".") {
		name, rest, _ := strings.Cut(part, "[")
		next := cur.Get(name)
		if next == nil {
			return cur
		}
		cur = next
		for rest != "" {
			idx, after, ok := strings.Cut(rest, "]")
			i, err := strconv.Atoi(idx)
			if !ok || err != nil || cur.Kind != KindSeq || i < 0 || i >= len(cur.Items) {
				return cur
			}
			cur = cur.Items[i]
			rest = strings.TrimPrefix(after, "[")
		}
	}
	return cur
}
