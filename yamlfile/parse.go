package yamlfile

import (
	"errors"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
	"github.com/orglife/orglife"
)

// source is the text of a parsed file, split into lines, for position mapping.
type source struct {
	lines []string
}

// Parse parses the first (and only) YAML document of src. file names the file in problems.
// An empty document yields a null node at 1:1. Syntax errors, several documents and unknown
// aliases are problems; the returned node is nil when the document could not be parsed.
// Duplicate keys are kept in the tree: decoders report them with CheckKeys or Duplicates.
// Parse applies the default Limits; see Limits.Parse.
func Parse(file string, src []byte) (*Node, orglife.Problems) {
	return Limits{}.Parse(file, src)
}

// Parse parses like the function Parse within the limits l. Before the YAML library sees src,
// a file larger than MaxBytes, a file that is not UTF-8 (a leading byte order mark is
// skipped) and a file nested deeper than MaxDepth are refused with one problem at the place
// where the limit is passed; a document with more than MaxNodes nodes, counting each alias as
// a copy of its anchor, is refused at the alias or node that passes the limit. The node is nil
// when the file is refused.
func (l Limits) Parse(file string, src []byte) (*Node, orglife.Problems) {
	l = l.withDefaults()
	src, p := l.precheck(file, src)
	if p != nil {
		return nil, orglife.Problems{*p}
	}
	return l.parse(file, src)
}

// parse parses src, which passed the precheck.
func (l Limits) parse(file string, src []byte) (*Node, orglife.Problems) {
	f, err := parser.ParseBytes(src, 0, parser.AllowDuplicateMapKey())
	if err != nil {
		return nil, orglife.Problems{syntaxProblem(file, err)}
	}
	c := &converter{file: file, src: &source{lines: strings.Split(string(src), "\n")}, anchors: map[string]*Node{},
		sizes: map[*Node]int{}, limits: l}
	var body ast.Node
	for i, doc := range f.Docs {
		if i == 0 {
			body = doc.Body
			continue
		}
		if doc.Body != nil {
			tk := doc.Body.GetToken()
			c.problems = append(c.problems, orglife.Problem{File: file, Line: tk.Position.Line, Column: tk.Position.Column,
				Message: "only one YAML document is allowed"})
			break
		}
	}
	var root *Node
	if body == nil {
		root = &Node{Kind: KindNull, File: file, Line: 1, Column: 1, Tag: TagNull, src: c.src}
	} else {
		root = c.node(body)
	}
	if c.over != nil {
		return nil, orglife.Problems{*c.over}
	}
	c.problems.Sort()
	return root, c.problems
}

func syntaxProblem(file string, err error) orglife.Problem {
	p := orglife.Problem{File: file, Line: 1, Column: 1, Message: "yaml: " + err.Error()}
	var se *yaml.SyntaxError
	if errors.As(err, &se) {
		p.Message = "yaml: " + se.Message
		if se.Token != nil && se.Token.Position != nil {
			p.Line, p.Column = se.Token.Position.Line, max(se.Token.Position.Column, 1)
		}
	}
	return p
}

type converter struct {
	file     string
	src      *source
	anchors  map[string]*Node
	problems orglife.Problems

	limits Limits
	sizes  map[*Node]int    // nodes of an anchored subtree, aliases expanded
	nodes  int              // nodes so far, aliases expanded
	depth  int              // collections open around the node being converted
	over   *orglife.Problem // the first limit passed; conversion stops
}

func (c *converter) at(tk *token.Token, kind Kind) *Node {
	n := &Node{Kind: kind, File: c.file, Line: 1, Column: 1, src: c.src}
	if tk != nil && tk.Position != nil {
		n.Line, n.Column = tk.Position.Line, max(tk.Position.Column, 1)
	}
	c.count(n, 1)
	return n
}

// count adds k nodes (at n) and records the first time the node limit is passed.
func (c *converter) count(n *Node, k int) {
	c.nodes += k
	if c.nodes > c.limits.MaxNodes && c.over == nil {
		p := n.Problemf("YAML document larger than %d nodes (aliases count as copies of their anchors)", c.limits.MaxNodes)
		c.over = &p
	}
}

// enter opens a collection at n; it reports false (and records a problem) past the depth limit.
// The precheck's estimate normally stops such files before they are parsed.
func (c *converter) enter(n *Node) bool {
	c.depth++
	if c.depth > c.limits.MaxDepth && c.over == nil {
		p := n.Problemf("YAML nesting deeper than %d levels", c.limits.MaxDepth)
		c.over = &p
	}
	return c.over == nil
}

func (c *converter) scalar(tk *token.Token, value, tag string) *Node {
	n := c.at(tk, KindScalar)
	n.Value, n.Tag = value, tag
	if tk != nil {
		switch tk.Type {
		case token.SingleQuoteType:
			n.Style = StyleSingleQuoted
		case token.DoubleQuoteType:
			n.Style = StyleDoubleQuoted
		}
	}
	return n
}

func (c *converter) node(an ast.Node) *Node {
	if c.over != nil {
		return &Node{Kind: KindNull, File: c.file, Line: 1, Column: 1, Tag: TagNull, src: c.src}
	}
	switch v := an.(type) {
	case nil:
		return &Node{Kind: KindNull, File: c.file, Line: 1, Column: 1, Tag: TagNull, src: c.src}
	case *ast.NullNode:
		n := c.at(v.Token, KindNull)
		n.Tag = TagNull
		return n
	case *ast.StringNode:
		return c.scalar(v.Token, v.Value, TagStr)
	case *ast.IntegerNode:
		return c.scalar(v.Token, v.Token.Value, TagInt)
	case *ast.FloatNode:
		return c.scalar(v.Token, v.Token.Value, TagFloat)
	case *ast.InfinityNode:
		return c.scalar(v.Token, v.Token.Value, TagFloat)
	case *ast.NanNode:
		return c.scalar(v.Token, v.Token.Value, TagFloat)
	case *ast.BoolNode:
		return c.scalar(v.Token, v.Token.Value, TagBool)
	case *ast.LiteralNode:
		n := c.at(v.Start, KindScalar)
		n.Tag, n.Style = TagStr, StyleLiteral
		if strings.HasPrefix(v.Start.Value, ">") {
			n.Style = StyleFolded
		}
		if v.Value != nil {
			n.Value = v.Value.Value
		}
		return n
	case *ast.MappingNode:
		n := c.at(v.GetToken(), KindMap)
		if len(v.Values) > 0 && !v.IsFlowStyle {
			first := &Node{Line: 1, Column: 1}
			if tk := v.Values[0].Key.GetToken(); tk != nil && tk.Position != nil {
				first.Line, first.Column = tk.Position.Line, max(tk.Position.Column, 1)
			}
			n.Line, n.Column = first.Line, first.Column
		}
		if c.enter(n) {
			for _, mv := range v.Values {
				n.Entries = append(n.Entries, c.entry(mv))
			}
		}
		c.depth--
		return n
	case *ast.MappingValueNode:
		n := c.at(v.Key.GetToken(), KindMap)
		if c.enter(n) {
			n.Entries = []*Entry{c.entry(v)}
		}
		c.depth--
		return n
	case *ast.SequenceNode:
		n := c.at(v.GetToken(), KindSeq)
		if c.enter(n) {
			for _, it := range v.Values {
				n.Items = append(n.Items, c.node(it))
			}
		}
		c.depth--
		return n
	case *ast.AnchorNode:
		before := c.nodes
		n := c.node(v.Value)
		if v.Name != nil {
			c.anchors[v.Name.GetToken().Value] = n
			c.sizes[n] = c.nodes - before
		}
		return n
	case *ast.AliasNode:
		name := ""
		if v.Value != nil {
			name = v.Value.GetToken().Value
		}
		if n, ok := c.anchors[name]; ok {
			at := &Node{File: c.file, Line: n.Line, Column: n.Column}
			if v.Start != nil && v.Start.Position != nil {
				at.Line, at.Column = v.Start.Position.Line, max(v.Start.Position.Column, 1)
			}
			c.count(at, c.sizes[n])
			return n
		}
		n := c.at(v.Start, KindNull)
		n.Tag = TagNull
		c.problems = append(c.problems, n.Problemf("unknown alias %q", name))
		return n
	case *ast.TagNode:
		n := c.node(v.Value)
		if v.Start != nil && v.Start.Value == "!!str" && n.Kind == KindScalar {
			n.Tag = TagStr
		}
		return n
	case *ast.MappingKeyNode:
		return c.node(v.Value)
	case *ast.MergeKeyNode:
		return c.scalar(v.Token, v.Token.Value, TagStr)
	}
	n := c.at(an.GetToken(), KindNull)
	n.Tag = TagNull
	c.problems = append(c.problems, n.Problemf("unsupported YAML node %s", an.Type()))
	return n
}

func (c *converter) entry(mv *ast.MappingValueNode) *Entry {
	key := c.node(mv.Key)
	if key.Kind != KindScalar {
		c.problems = append(c.problems, key.Problemf("a key must be a scalar"))
	}
	val := c.node(mv.Value)
	return &Entry{Key: key, Value: val}
}
