package engine

import (
	"slices"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/rules"
)

// PeriodFilterHelp is how a filter message describes a period label.
const PeriodFilterHelp = "a period label such as 2025-03, 2025-Q1, 2025-H1 or 2025"

// ViolationStatuses lists the statuses of a violation.
var ViolationStatuses = []string{orglife.ViolationOpen, orglife.ViolationAcknowledged, orglife.ViolationWaived, orglife.ViolationResolved}

// ViolationKinds lists the kinds of a violation.
var ViolationKinds = []string{orglife.KindOverdue, orglife.KindLate, orglife.KindShallow}

// AuditActions lists the actions the audit log records (the values of GET /v1/audit?action=).
var AuditActions = []string{"rules.init", "rules.put", "rules.activate", "rules.reload",
	"token.create", "token.revoke", "violation." + DecideAcknowledge, "violation." + DecideWaive, "violation." + DecideResolve}

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
	return orglife.BadParam(name, want, value)
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
	return orglife.BadParam(name, want, value)
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
		return orglife.BadParam("workflow", "the id of a workflow (GET /v1/workflows): "+orglife.OrList(ids), workflow)
	}
	if state != "" && !slices.Contains(states, state) {
		want := "a state of any workflow"
		if workflow != "" {
			want = "a state of workflow " + workflow
		}
		return orglife.BadParam("state", want+": "+orglife.OrList(states), state)
	}
	return nil
}
