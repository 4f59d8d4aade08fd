// Package rules owns the expression language of orglife (expr-lang with a typed environment and
// the helper functions of spec §4), periods and calendars, and (later) rule files and the pure
// evaluation of one rule on prepared data. It imports orglife and expr; no database, no HTTP.
package rules

// Program is a compiled expression, reusable and safe for concurrent use.
type Program struct {
	// Source is the expression text as written.
	Source string
}
