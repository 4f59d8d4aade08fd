package yamlfile

import "bytes"

// depthScan estimates the nesting depth of the YAML text src with one pass over its bytes and
// reports the offset of the byte at which the estimate first exceeds limit (ok false), or ok
// true; deepest is the largest estimate seen.
//
// The estimate is meant to be at least the depth the YAML library builds, never less; it may be
// more for odd files. It adds two counts:
//   - block levels: a stack of the columns of the block indicators seen at the start of values
//     (`- `, `? `, and each key before `: `), popped by indentation as lines go on;
//   - flow levels: every `[` and `{` outside quotes and comments opens one (in a block scalar
//     too, when in doubt), every `]` and `}` closes one; an implicit mapping inside a flow
//     sequence (`[a: b]`) counts one more.
//
// Quoted scalars, comments (including goccy's comments continued by a trailing backslash) and
// block scalar bodies (`|`, `>`) are skipped. FuzzDepthScan checks the estimate against the
// depth of the trees the library really builds.
func depthScan(src []byte, limit int) (off, deepest int, ok bool) {
	type level struct {
		col int
		seq bool
	}
	var (
		block       []level
		flow        []byte // per open flow collection: '{', '[', or 'm' for a sequence holding an implicit mapping
		flowExtra   int    // number of 'm' entries in flow
		quote       byte   // open quote character, across lines
		blockIndent = -1   // parent indentation of the block scalar being skipped, or -1
		blockBody   = -1   // indentation of the block scalar's body, once known
	)
	depth := func() int {
		d := len(block) + len(flow) + flowExtra
		deepest = max(deepest, d)
		return d
	}
	push := func(col int, seq bool) {
		for len(block) > 0 && block[len(block)-1].col > col {
			block = block[:len(block)-1]
		}
		// A sibling at the same column ends what was opened after it. goccy nests a mapping
		// in a sequence at the same column, so a sequence is not ended by a mapping at its
		// column unless a mapping at that column comes before it.
		for k := len(block) - 1; k >= 0 && block[k].col == col; k-- {
			if block[k].seq == seq {
				block = block[:k]
				break
			}
		}
		block = append(block, level{col, seq})
	}
	n := len(src)
	for start := 0; start < n; {
		end := start
		for end < n && src[end] != '\n' && src[end] != '\r' { // a lone CR breaks a line too
			end++
		}
		line := src[start:end]
		next := end + 1
		i := 0
		if quote == 0 {
			// Indentation: spaces and tabs.
			for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
				i++
			}
			blank := i == len(line) || line[i] == '\r'
			if blockIndent >= 0 {
				if blank {
					start = next
					continue
				}
				if blockBody < 0 && i > blockIndent {
					blockBody = i
				}
				if blockBody >= 0 && i >= blockBody {
					start = next
					continue
				}
				blockIndent, blockBody = -1, -1
			}
			if blank {
				start = next
				continue
			}
			// A document marker at the start of a line: what follows it is a value.
			if i == 0 && len(line) >= 3 && (string(line[:3]) == "---" || string(line[:3]) == "...") &&
				(len(line) == 3 || line[3] == ' ' || line[3] == '\t' || line[3] == '\r') {
				i = 3
				for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
					i++
				}
			}
			// Pop the block levels this line closes, even if it opens none.
			for len(block) > 0 && block[len(block)-1].col > i {
				block = block[:len(block)-1]
			}
		}
		valueStart := quote == 0 // nothing of a plain scalar buffered yet
		valueCol := i            // column of the current value's first character
		lastCol := -1            // column of the last block indicator of this line
		for ; i < len(line); i++ {
			c := line[i]
			if quote != 0 {
				switch {
				case quote == '\'' && c == '\'':
					if i+1 < len(line) && line[i+1] == '\'' {
						i++
						continue
					}
					quote = 0
				case quote == '"' && c == '\\':
					i++
				case quote == '"' && c == '"':
					quote = 0
				}
				if quote == 0 {
					valueStart = false
				}
				continue
			}
			space := func(j int) bool {
				return j >= len(line) || line[j] == ' ' || line[j] == '\t' || line[j] == '\r'
			}
			switch c {
			case ' ', '\t', '\r':
				continue
			case '#':
				if valueStart || i == 0 || line[i-1] == ' ' || line[i-1] == '\t' {
					// A comment to the end of the line, and on while lines end with a backslash.
					e := end
					for e < n && e > 0 && src[e-1] == '\\' {
						e++
						for e < n && src[e] != '\n' && src[e] != '\r' {
							e++
						}
					}
					next = e + 1
					i = len(line)
					continue
				}
			case '\'', '"':
				if valueStart {
					quote = c
					continue
				}
			case '-', '?':
				if valueStart && space(i+1) {
					push(i, c == '-')
					lastCol = i
					if depth() > limit {
						return start + i, deepest, false
					}
					valueCol = i + 1
					continue
				}
			case ':':
				if space(i+1) || len(flow) > 0 && i+1 < len(line) && (line[i+1] == ',' || line[i+1] == ']' || line[i+1] == '}') {
					if len(flow) > 0 {
						if k := len(flow) - 1; flow[k] == '[' {
							flow[k] = 'm'
							flowExtra++
						}
					} else {
						push(valueCol, false)
						lastCol = valueCol
					}
					if depth() > limit {
						return start + lastCol, deepest, false
					}
					valueStart, valueCol = true, i+1
					continue
				}
			case '[', '{':
				flow = append(flow, c)
				if depth() > limit {
					return start + i, deepest, false
				}
				valueStart, valueCol = true, i+1
				continue
			case ']', '}':
				if k := len(flow) - 1; k >= 0 {
					if flow[k] == 'm' {
						flowExtra--
					}
					flow = flow[:k]
				}
				valueStart = false
				continue
			case '!', '&':
				if valueStart {
					// A tag or an anchor: the value starts after it.
					for i+1 < len(line) && !space(i+1) && !bytes.ContainsRune([]byte("[]{},"), rune(line[i+1])) {
						i++
					}
					continue
				}
			case ',':
				if len(flow) > 0 {
					valueStart, valueCol = true, i+1
					continue
				}
			case '|', '>':
				if valueStart && len(flow) == 0 && blockHeader(line[i+1:]) {
					blockIndent, blockBody = lastCol, -1
					if lastCol < 0 {
						blockIndent = valueCol - 1
					}
					i = len(line)
					continue
				}
			}
			if valueStart && valueCol < i {
				valueCol = i
			}
			valueStart = false
		}
		start = next
	}
	return 0, deepest, true
}

// blockHeader reports whether rest (what follows `|` or `>`) completes a block scalar header:
// indentation and chomping indicators, then nothing but blanks or a comment.
func blockHeader(rest []byte) bool {
	i := 0
	for i < len(rest) && (rest[i] == '+' || rest[i] == '-' || rest[i] >= '0' && rest[i] <= '9') {
		i++
	}
	for i < len(rest) && (rest[i] == ' ' || rest[i] == '\t' || rest[i] == '\r') {
		i++
	}
	return i == len(rest) || rest[i] == '#' && i > 0
}
