package yamlfile

import "strings"

// Pos maps a position inside a scalar's value (exprLine and exprCol, 1-based, columns in runes,
// as an expression compiler reports them) to the position in the file. Plain, single-quoted and
// double-quoted scalars on one line map exactly (escapes and the opening quote accounted for);
// literal and folded block scalars map approximately (line offset plus the block's indentation);
// other nodes map to their own position.
func (n *Node) Pos(exprLine, exprCol int) (line, col int) {
	exprLine, exprCol = max(exprLine, 1), max(exprCol, 1)
	if n.Kind != KindScalar {
		return n.Line, n.Column
	}
	switch n.Style {
	case StyleLiteral, StyleFolded:
		return n.blockPos(exprLine, exprCol)
	case StyleSingleQuoted, StyleDoubleQuoted:
		if l, c, ok := n.quotedPos(exprCol); ok && exprLine == 1 {
			return l, c
		}
		return n.Line + exprLine - 1, n.Column + exprCol
	}
	if exprLine == 1 {
		return n.Line, n.Column + exprCol - 1
	}
	// A multi-line plain scalar: its continuation lines are folded; approximate.
	return n.Line + exprLine - 1, n.Column + exprCol - 1
}

func (n *Node) sourceLine(line int) ([]rune, bool) {
	if n.src == nil || line < 1 || line > len(n.src.lines) {
		return nil, false
	}
	return []rune(strings.TrimSuffix(n.src.lines[line-1], "\r")), true
}

// quotedPos walks the source of a quoted scalar from its opening quote to the exprCol-th rune of
// its decoded value.
func (n *Node) quotedPos(exprCol int) (int, int, bool) {
	rs, ok := n.sourceLine(n.Line)
	i := n.Column // index just after the opening quote (Column is 1-based)
	if !ok || n.Column-1 >= len(rs) {
		return 0, 0, false
	}
	quote := rs[n.Column-1]
	for k := 1; k < exprCol; k++ {
		if i >= len(rs) || rs[i] == quote && (quote == '"' || i+1 >= len(rs) || rs[i+1] != '\'') {
			return 0, 0, false // the value continues on another line, or the column is past its end
		}
		switch {
		case quote == '\'' && rs[i] == '\'':
			i += 2
		case quote == '"' && rs[i] == '\\' && i+1 < len(rs):
			i += escapeLen(rs[i+1])
		default:
			i++
		}
	}
	return n.Line, i + 1, true
}

// escapeLen is the source length of a double-quoted escape sequence starting with a backslash
// followed by c.
func escapeLen(c rune) int {
	switch c {
	case 'x':
		return 4
	case 'u':
		return 6
	case 'U':
		return 10
	}
	return 2
}

// blockPos maps into a literal or folded block scalar: the value's first line is the first
// content line after the header; columns are offset by the block's indentation.
func (n *Node) blockPos(exprLine, exprCol int) (int, int) {
	first := n.Line + 1
	indent := 0
	for l := first; ; l++ {
		rs, ok := n.sourceLine(l)
		if !ok {
			break
		}
		if strings.TrimSpace(string(rs)) == "" {
			continue
		}
		for indent < len(rs) && rs[indent] == ' ' {
			indent++
		}
		break
	}
	line := first + exprLine - 1
	if n.Style == StyleFolded {
		line = first // folded lines are joined: the line is unknown, keep the first
	}
	return line, indent + exprCol
}
