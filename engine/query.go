package engine

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/rules"
)

// Filter values are checked before any database is asked, so that a value that can never match
// (a typo such as period=2025年3月 or kind=bogus) answers 400 invalid naming the parameter with an
// example, instead of an empty list that reads as "no problems". Each check returns at most one
// detail whose Field is the parameter and whose Message is a whole sentence; orglife.InvalidInput
// turns them into one error whose message is the first one's.

// PeriodFilterHelp is how a filter message describes a period label.
const PeriodFilterHelp = "a period label such as 2025-03, 2025-Q1, 2025-H1 or 2025"

// ViolationStatuses lists the statuses of a violation.
var ViolationStatuses = []string{orglife.ViolationOpen, orglife.ViolationAcknowledged, orglife.ViolationWaived, orglife.ViolationResolved}

// ViolationKinds lists the kinds of a violation.
var ViolationKinds = []string{orglife.KindOverdue, orglife.KindLate, orglife.KindShallow}

// AuditActions lists the actions the audit log records (the values of GET /v1/audit?action=).
var AuditActions = []string{"rules.init", "rules.put", "rules.activate", "rules.reload",
	"token.create", "token.revoke", "violation." + DecideAcknowledge, "violation." + DecideWaive, "violation." + DecideResolve}

// badParam is the detail of a filter value that cannot be used.
func badParam(name, want, value string) []orglife.Detail {
	return []orglife.Detail{{Field: name, Message: fmt.Sprintf("%s must be %s, not %q", name, want, value)}}
}

// checkPeriodParam accepts "" (no filter), a period label or, when dash is true, "-" (rows
// without a period).
func (s *Service) checkPeriodParam(name, value string, dash bool) []orglife.Detail {
	if value == "" || (dash && value == "-") {
		return nil
	}
	if _, err := rules.ParsePeriod(value, s.loc); err == nil {
		return nil
	}
	want := PeriodFilterHelp
	if dash {
		want += " (or - for rows without a period)"
	}
	return badParam(name, want, value)
}

// checkOneOf accepts "" or one of allowed.
func checkOneOf(name, value string, allowed []string) []orglife.Detail {
	if value == "" || slices.Contains(allowed, value) {
		return nil
	}
	return badParam(name, "one of "+orList(allowed), value)
}

// orList renders values as "a, b or c".
func orList(values []string) string {
	if len(values) < 2 {
		return strings.Join(values, "")
	}
	return strings.Join(values[:len(values)-1], ", ") + " or " + values[len(values)-1]
}

// ledgerStatuses lists the statuses of a ledger row as strings.
func ledgerStatuses() []string {
	out := make([]string, len(orglife.Statuses))
	for i, st := range orglife.Statuses {
		out[i] = string(st)
	}
	return out
}

// checkRuleParam accepts "" or the id of a rule of the active rule set.
func (s *Service) checkRuleParam(name, value string) []orglife.Detail {
	rs := s.RuleSet()
	if value == "" || rs.Rule(value) != nil {
		return nil
	}
	want := "the id of a rule of the active rule set (GET /v1/rules)"
	if rs != nil && len(rs.Rules) > 0 {
		want += " such as " + rs.Rules[0].ID
	}
	return badParam(name, want, value)
}

// checkDateRange accepts empty or YYYY-MM-DD from and to, with from not after to.
func checkDateRange(from, to string) []orglife.Detail {
	var d []orglife.Detail
	days := map[string]time.Time{}
	for _, p := range [][2]string{{"from", from}, {"to", to}} {
		if p[1] == "" {
			continue
		}
		t, err := time.Parse(orglife.DateLayout, p[1])
		if err != nil {
			d = append(d, badParam(p[0], "a date YYYY-MM-DD such as 2025-03-01", p[1])...)
			continue
		}
		days[p[0]] = t
	}
	f, okF := days["from"]
	t, okT := days["to"]
	if okF && okT && t.Before(f) {
		d = append(d, orglife.Detail{Field: "from",
			Message: fmt.Sprintf("from must not be after to (from %s, to %s), e.g. from=2025-01-01&to=2025-03-31", from, to)})
	}
	return d
}

// checkWorkflowParams accepts "" or a workflow id of the pack, and "" or a state of that workflow
// (of any workflow when none is given).
func (s *Service) checkWorkflowParams(workflow, state string) []orglife.Detail {
	var ids, states []string
	for _, w := range s.Workflows() {
		ids = append(ids, w.ID)
		if workflow == "" || workflow == w.ID {
			for _, st := range w.States {
				if !slices.Contains(states, st.ID) {
					states = append(states, st.ID)
				}
			}
		}
	}
	if workflow != "" && !slices.Contains(ids, workflow) {
		return badParam("workflow", "the id of a workflow (GET /v1/workflows): "+orList(ids), workflow)
	}
	if state != "" && !slices.Contains(states, state) {
		want := "a state of any workflow"
		if workflow != "" {
			want = "a state of workflow " + workflow
		}
		return badParam("state", want+": "+orList(states), state)
	}
	return nil
}
