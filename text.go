package orglife

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Limits on identifiers and text that callers send (docs/api.md, "Limits"). Lengths count
// characters (Unicode code points). They keep every value far below what the databases can index
// (PostgreSQL refuses btree keys past about 2 700 bytes).
const (
	// MaxIDLength bounds the ids a caller chooses (orgs, members) and every id it refers to.
	MaxIDLength = 64
	// MaxNameLength bounds the names of orgs, members and tokens.
	MaxNameLength = 200
	// MaxTextLength bounds free text: comments, notes, reasons, attribute values.
	MaxTextLength = 10000
	// MaxIdempotencyKeyLength bounds the Idempotency-Key header.
	MaxIdempotencyKeyLength = 255
	// MaxFilterLength bounds a list filter or cursor and any other query parameter.
	MaxFilterLength = 1024
)

// TextProblem says what makes s unfit to be stored as text, or "" when it is fit: it must be
// valid UTF-8, hold no NUL byte and, when max > 0, have at most max characters.
func TextProblem(s string, max int) string {
	switch {
	case !utf8.ValidString(s):
		return "is not valid UTF-8"
	case strings.IndexByte(s, 0) >= 0:
		return "contains a NUL byte"
	case max > 0 && len(s) > max && utf8.RuneCountInString(s) > max:
		return fmt.Sprintf("is longer than %d characters", max)
	}
	return ""
}

// CheckText returns one detail naming field when TextProblem finds a problem with s, else nil.
func CheckText(field, s string, max int) []Detail {
	if p := TextProblem(s, max); p != "" {
		return []Detail{{Field: field, Message: field + " " + p}}
	}
	return nil
}

// CheckID returns one detail naming field unless id is empty or valid text of at most
// MaxIDLength characters. It does not check the id's form: an id that is well formed text but
// unknown is not found, not invalid.
func CheckID(field, id string) []Detail {
	return CheckText(field, id, MaxIDLength)
}

// CheckData walks record data (maps, lists and strings as decoded from JSON) and returns a detail
// for each key or string that is not valid UTF-8 or holds a NUL byte, named by its path below
// field (field.key, field.list[2].key). Lengths are the workflow's business, not checked here.
func CheckData(field string, v any) []Detail {
	var d []Detail
	switch x := v.(type) {
	case string:
		d = append(d, CheckText(field, x, 0)...)
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(x)) {
			path := field + "." + k
			if p := TextProblem(k, 0); p != "" {
				path = field + "." + strconv.QuoteToASCII(k)
				d = append(d, Detail{Field: path, Message: "the key " + p})
				continue
			}
			d = append(d, CheckData(path, x[k])...)
		}
	case []any:
		for i, e := range x {
			d = append(d, CheckData(field+"["+strconv.Itoa(i)+"]", e)...)
		}
	case []string:
		for i, e := range x {
			d = append(d, CheckText(field+"["+strconv.Itoa(i)+"]", e, 0)...)
		}
	}
	return d
}

// InvalidInput returns an invalid error listing details, or nil when there are none. Its message
// is the first detail's, which names its field.
func InvalidInput(details ...[]Detail) error {
	var all []Detail
	for _, d := range details {
		all = append(all, d...)
	}
	if len(all) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: all[0].Message, Details: all}
}
