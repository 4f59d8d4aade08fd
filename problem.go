package orglife

import (
	"fmt"
	"sort"
	"strings"
)

// Problem is one finding about a file an administrator wrote, at a 1-based line and column.
type Problem struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
}

// String formats the problem as file:line:column: message.
func (p Problem) String() string {
	return fmt.Sprintf("%s:%d:%d: %s", p.File, p.Line, p.Column, p.Message)
}

// Problems is a list of problems; as an error it prints one problem per line.
type Problems []Problem

// Error implements the error interface.
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Sort orders problems by file, line, column and message.
func (ps Problems) Sort() {
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i], ps[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Column != b.Column {
			return a.Column < b.Column
		}
		return a.Message < b.Message
	})
}

// AsError returns the problems as an EUNPROCESSABLE *Error with one detail per problem, or nil
// when there are none.
func (ps Problems) AsError(message string) error {
	if len(ps) == 0 {
		return nil
	}
	e := &Error{Code: EUNPROCESSABLE, Message: message}
	for _, p := range ps {
		e.Details = append(e.Details, Detail{File: p.File, Line: p.Line, Column: p.Column, Message: p.Message})
	}
	return e
}
