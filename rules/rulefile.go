package rules

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/orglife/orglife"
)

// Collection describes one workflow's records as rule expressions see them: Name is the
// collection's name (`meetings`, and `all_meetings` for every period), Workflow the workflow id
// and Fields the workflow's data fields.
type Collection struct {
	Name     string
	Workflow string
	Fields   []*orglife.Field
}

// RuleSet is a validated, compiled set of rules, safe for concurrent use.
type RuleSet struct {
	// Rules are the rules in file order (files sorted by name).
	Rules []*Rule
	// Version is 12 hex digits of a SHA-256 over the sorted file names and contents.
	Version string
	// Files are the rule files by name, as given.
	Files map[string][]byte
	// Calendar is the working-day calendar declared by one of the files (calendar:), nil when
	// there is none; working_days reads it.
	Calendar *Calendar

	byID map[string]*Rule
	envs *envSet
	// reads memoizes Reads per rule (the AST walk is not free, and the outbox worker asks for
	// every batch).
	reads sync.Map // *Rule → Reads
}

// Rule returns the rule with the given id, or nil.
func (rs *RuleSet) Rule(id string) *Rule {
	if rs == nil {
		return nil
	}
	return rs.byID[id]
}

// Timings of a rule.
const (
	TimingPeriodic = "periodic"
	TimingDeadline = "deadline"
	TimingInstance = "instance"
)

// Scopes of a rule.
const (
	ScopeOrg      = "org"
	ScopeMember   = "member"
	ScopeInstance = "instance"
)

// Modes of a rule.
const (
	ModeEnforce = "enforce"
	ModeShadow  = "shadow"
)

// How a periodic rule judges a period that the org's lifetime or the go-live date covers only in
// part (the month a branch was founded, the year the system went live): PartialSkip (the
// default) makes it not_applicable, PartialCount judges it like any other.
const (
	PartialSkip  = "skip"
	PartialCount = "count"
)

// Rule is one compiled rule of a rule file (spec §2.2). Sources of expressions are kept as
// written; the compiled programs are unexported.
type Rule struct {
	ID, Title, Source, Strength, Severity, Scope, Every, Workflow, Message, Mode string
	// Partial is PartialSkip or PartialCount (periodic rules).
	Partial     string
	Description string
	// LateMessage is the text of a late row (补记, 逾期完成), Subject names the row's subject in the
	// texts that do not come from a message (member scope: the member's name by default); both
	// are templates like Message, "" when absent.
	LateMessage, Subject string
	// WhereMessage is the explanation of a not_applicable row whose where is false (a template,
	// "" when absent: 适用条件不满足), so people read why the duty does not apply.
	WhereMessage string
	// Where, Due and Require are the expression sources ("" when absent).
	Where, Due, Require string
	// Grace and Warn are whole days.
	Grace, Warn int
	// EffectiveFrom and EffectiveUntil are calendar dates (midnight UTC), nil when unset.
	EffectiveFrom, EffectiveUntil *time.Time
	// Shallow are the rule's shallow checks.
	Shallow []*Check
	// File and Line locate the rule (its list item) in the rule files.
	File string
	Line int

	where, due, require                         *Program
	message, lateMessage, subject, whereMessage *Template
	clauses                                     []*clauseProgs
	reads                                       []int
	col                                         int // instance scope: index of the workflow's collection
}

// Check is one shallow check of a rule: when its `when` holds, the row carries a finding.
type Check struct {
	ID, When, Message, Severity string

	when    *Program
	message *Template
}

// Timing returns "periodic" (every is set), "instance" (instance scope) or "deadline".
func (r *Rule) Timing() string {
	switch {
	case r.Scope == ScopeInstance:
		return TimingInstance
	case r.Every != "":
		return TimingPeriodic
	}
	return TimingDeadline
}

// LoadRules parses and validates every *.yaml and *.yml file under dir in fsys (recursively).
// Problems name files displayPrefix + "/" + their path in fsys (dir included, like workflow
// files: pack/rules/meetings.yaml); just the path when displayPrefix is empty. The rule set's
// Files and Version use paths relative to dir, so the version does not depend on where the pack
// lies.
func LoadRules(fsys fs.FS, dir, displayPrefix string, cols []Collection) (*RuleSet, orglife.Problems) {
	files := map[string][]byte{}
	display := map[string]string{}
	var ps orglife.Problems
	name := func(p string) string {
		if displayPrefix == "" {
			return p
		}
		return displayPrefix + "/" + p
	}
	err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !(strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
			return nil
		}
		rel := p
		if dir != "." && dir != "" {
			rel = strings.TrimPrefix(strings.TrimPrefix(p, path.Clean(dir)), "/")
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			ps = append(ps, orglife.Problem{File: name(p), Line: 1, Column: 1, Message: err.Error()})
			return nil
		}
		files[rel], display[rel] = b, name(p)
		return nil
	})
	if err != nil {
		ps = append(ps, orglife.Problem{File: name(dir), Line: 1, Column: 1, Message: err.Error()})
	}
	rs, more := parseFiles(files, display, cols)
	ps = append(ps, more...)
	ps.Sort()
	if len(ps) > 0 {
		return nil, ps
	}
	return rs, nil
}

// ParseRuleFiles parses, validates and compiles rule files given as name → content (uploads).
// Every problem is reported as file:line:column, sorted; the rule set is nil when there are
// problems.
func ParseRuleFiles(files map[string][]byte, cols []Collection) (*RuleSet, orglife.Problems) {
	return parseFiles(files, nil, cols)
}

// parseFiles parses rule files; display maps a file name to the name problems and rules show
// (nil: the name itself).
func parseFiles(files map[string][]byte, display map[string]string, cols []Collection) (*RuleSet, orglife.Problems) {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		h.Write([]byte(n))
		h.Write([]byte{0})
		h.Write(files[n])
		h.Write([]byte{0})
	}
	rs := &RuleSet{Version: hex.EncodeToString(h.Sum(nil))[:12], Files: files, byID: map[string]*Rule{}}
	dec := newDecoder(cols)
	rs.envs = dec.envs
	for _, n := range names {
		shown := n
		if d, ok := display[n]; ok {
			shown = d
		}
		for _, r := range dec.file(shown, files[n]) {
			if prev := rs.byID[r.ID]; prev != nil {
				dec.Problems = append(dec.Problems, dec.idNode[r].Problemf("duplicate rule id %q (also in %s:%d)", r.ID, prev.File, prev.Line))
				continue
			}
			rs.byID[r.ID] = r
			rs.Rules = append(rs.Rules, r)
		}
	}
	dec.checkCalendarUses()
	rs.Calendar = dec.cal.cal
	dec.Problems.Sort()
	if len(dec.Problems) > 0 {
		return nil, dec.Problems
	}
	return rs, nil
}
