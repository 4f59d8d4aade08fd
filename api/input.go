package api

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/orglife/orglife"
)

// Limits on the parts of a request that are not its body (docs/api.md, "Limits").
const (
	// maxParamLength bounds a path parameter ({id}, {version}), in characters.
	maxParamLength = 256
	// maxQueryLength bounds a query parameter's name and each of its values, in characters.
	maxQueryLength = orglife.MaxFilterLength
	// maxAuthorizationBytes bounds the Authorization header.
	maxAuthorizationBytes = 1024
)

// checkInput is the middleware that refuses, with 400 invalid naming the parameter, path and
// query parameters that are not valid UTF-8, hold a NUL byte or are too long, and an
// Idempotency-Key header that is not valid text of at most orglife.MaxIdempotencyKeyLength
// characters. Nothing of such a request reaches the engine.
func (s *server) checkInput(c *gin.Context) {
	var d []orglife.Detail
	for _, p := range c.Params {
		d = append(d, orglife.CheckText(p.Key, p.Value, maxParamLength)...)
	}
	q := c.Request.URL.Query()
	for _, k := range slices.Sorted(maps.Keys(q)) {
		if p := orglife.TextProblem(k, maxQueryLength); p != "" {
			name := strconv.QuoteToASCII(k)
			d = append(d, orglife.Detail{Field: name, Message: "the query parameter name " + name + " " + p})
			continue
		}
		for _, v := range q[k] {
			d = append(d, orglife.CheckText(k, v, maxQueryLength)...)
		}
	}
	if key := c.GetHeader("Idempotency-Key"); key != "" {
		d = append(d, orglife.CheckText("Idempotency-Key", key, orglife.MaxIdempotencyKeyLength)...)
	}
	if err := orglife.InvalidInput(d); err != nil {
		s.fail(c, err)
		return
	}
	c.Next()
}

// bodyTextProblem walks a JSON body and returns an invalid error naming the first string (a key
// or a value, by its path such as data.problems[1].text) that holds a NUL byte (\u0000) or whose
// bytes are not valid UTF-8 — encoding/json would otherwise replace those bytes silently. It
// returns nil for clean bodies and for malformed JSON (decoding reports that).
func bodyTextProblem(raw []byte) error {
	bad := invalidUTF8At(raw)
	if bad < 0 && !bytes.Contains(raw, []byte(`\u0000`)) {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var stack []jsonFrame
	for {
		start := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return nil
		}
		end := dec.InputOffset()
		if tok == json.Delim('}') || tok == json.Delim(']') {
			stack = stack[:len(stack)-1]
			continue
		}
		var top *jsonFrame
		if len(stack) > 0 {
			top = &stack[len(stack)-1]
		}
		isKey := top != nil && top.object && top.wantKey
		if top != nil && !top.object {
			top.index++
		}
		if str, ok := tok.(string); ok {
			problem := ""
			switch {
			case bad >= int(start) && bad < int(end):
				problem = "is not valid UTF-8"
			case strings.IndexByte(str, 0) >= 0:
				problem = "contains a NUL byte"
			}
			if problem != "" {
				field := jsonPath(stack, str, isKey)
				what := field
				if isKey {
					what = "the key " + field
				}
				return orglife.InvalidInput([]orglife.Detail{{Field: field, Message: what + " " + problem}})
			}
		}
		switch {
		case isKey:
			top.key, top.wantKey = tok.(string), false
			continue
		case top != nil && top.object:
			top.wantKey = true // after this value (and everything inside it) comes a key
		}
		if tok == json.Delim('{') || tok == json.Delim('[') {
			stack = append(stack, jsonFrame{object: tok == json.Delim('{'), wantKey: true, index: -1})
		}
	}
}

// jsonFrame is one open object or array while walking a JSON body.
type jsonFrame struct {
	object  bool
	wantKey bool   // in an object: the next string is a key
	key     string // in an object: the key of the current value
	index   int    // in an array: the index of the current value
}

// jsonPath names the current position: the keys and indexes of the open frames, and key when the
// current token is itself a key.
func jsonPath(stack []jsonFrame, key string, isKey bool) string {
	var b strings.Builder
	for i, f := range stack {
		last := i == len(stack)-1
		switch {
		case f.object && last && isKey:
			writeKey(&b, key)
		case f.object:
			writeKey(&b, f.key)
		default:
			b.WriteString("[" + strconv.Itoa(f.index) + "]")
		}
	}
	return b.String()
}

func writeKey(b *strings.Builder, k string) {
	if orglife.TextProblem(k, 0) != "" {
		k = strconv.QuoteToASCII(k)
	}
	if b.Len() > 0 {
		b.WriteByte('.')
	}
	b.WriteString(k)
}

// invalidUTF8At returns the offset of the first byte of raw that is not part of valid UTF-8, or
// -1.
func invalidUTF8At(raw []byte) int {
	if utf8.Valid(raw) {
		return -1
	}
	for i := 0; i < len(raw); {
		r, size := utf8.DecodeRune(raw[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return -1
}
