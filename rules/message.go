package rules

import (
	"errors"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/yamlfile"
)

// Template is a text people read with {{ expression }} placeholders (a rule's message,
// late_message and subject, a shallow check's message), compiled at load time against the rule's
// environment: "本半年未与{{ member.name }}开展谈心谈话". A placeholder's value is shown as people
// read it: a date as 2025年3月10日 (an instant with its time of day), a list joined with 、, a
// number as written. A text without placeholders is shown as it is.
type Template struct {
	// Source is the text as written.
	Source string

	lits  []string // literal texts around the placeholders: len(progs)+1
	progs []*Program
}

// placeholder is one {{ … }} of a template: the expression and its rune offset in the source.
type placeholder struct {
	src    string
	offset int // rune offset of the expression's first character in the template
}

// splitTemplate splits a template into literals and placeholders. An unclosed {{ is an error.
func splitTemplate(src string) ([]string, []placeholder, error) {
	var lits []string
	var phs []placeholder
	rest, offset := src, 0
	for {
		i := strings.Index(rest, "{{")
		if i < 0 {
			return append(lits, rest), phs, nil
		}
		j := strings.Index(rest[i+2:], "}}")
		if j < 0 {
			return nil, nil, errors.New("unclosed {{ in the text (write }} after the expression)")
		}
		inner := rest[i+2 : i+2+j]
		lead := len(inner) - len(strings.TrimLeft(inner, " "))
		expr := strings.TrimSpace(inner)
		if expr == "" {
			return nil, nil, errors.New("empty {{ }} in the text")
		}
		lits = append(lits, rest[:i])
		phs = append(phs, placeholder{src: expr, offset: offset + runeLen(rest[:i+2]) + runeLen(inner[:lead])})
		offset += runeLen(rest[:i+2+j+2])
		rest = rest[i+2+j+2:]
	}
}

func runeLen(s string) int { return len([]rune(s)) }

// template compiles a template written in node n (nil: absent) against env and reports each
// problem at its position in the file. It records the collections the placeholders read.
func (dec *decoder) template(r *Rule, n *yamlfile.Node, src string, env reflect.Type, what string) *Template {
	if n == nil {
		return nil
	}
	t := &Template{Source: src}
	lits, phs, err := splitTemplate(src)
	if err != nil {
		dec.Addf(n, what, "%v", err)
		return nil
	}
	t.lits = lits
	if env == nil {
		return t
	}
	ok := true
	for _, ph := range phs {
		line, col := lineCol(src, ph.offset)
		p, err := dec.compileIn(ph.src, env, KindAny)
		if err != nil {
			msg, el, ec := err.Error(), 1, 1
			var ee *ExprError
			if errors.As(err, &ee) {
				msg, el, ec = ee.Message, ee.Line, ee.Column
			}
			if el == 1 {
				ec += col - 1
			}
			fl, fc := n.Pos(line+el-1, ec)
			dec.Problems = append(dec.Problems, orglife.Problem{File: n.File, Line: fl, Column: fc, Message: what + ": " + msg})
			ok = false
			continue
		}
		dec.noteReads(r, n, p, what)
		t.progs = append(t.progs, p)
	}
	if !ok {
		return nil
	}
	return t
}

// lineCol returns the 1-based line and column of the rune offset in src.
func lineCol(src string, offset int) (int, int) {
	line, col := 1, 1
	for i, c := range []rune(src) {
		if i == offset {
			break
		}
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}

// text renders the template on the frame's current view. A placeholder that fails shows as
// "？" (the reader still gets the rest of the sentence; the failure is not the rule's result).
func (t *Template) text(f *frame, loc *time.Location) string {
	if t == nil {
		return ""
	}
	if len(t.progs) == 0 {
		return t.Source
	}
	var b strings.Builder
	for i, lit := range t.lits {
		b.WriteString(lit)
		if i < len(t.progs) {
			v, err := t.progs[i].runFrame(f)
			if err != nil {
				b.WriteString("？")
				continue
			}
			b.WriteString(readable(v, loc))
		}
	}
	return b.String()
}

// readable shows a value of a placeholder as people read it.
func readable(v any, loc *time.Location) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		if x {
			return "是"
		}
		return "否"
	case int:
		return strconv.Itoa(x)
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return "？"
		}
		return strconv.FormatFloat(x, 'f', -1, 64)
	case time.Time:
		return InstantText(x, loc)
	case time.Duration:
		return strconv.FormatFloat(x.Hours()/24, 'f', -1, 64) + "天"
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Slice || rv.Kind() == reflect.Array {
		parts := make([]string, rv.Len())
		for i := range parts {
			parts[i] = readable(rv.Index(i).Interface(), loc)
		}
		return strings.Join(parts, "、")
	}
	return "？"
}
