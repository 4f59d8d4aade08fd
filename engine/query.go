package engine

import (
	"slices"

	"github.com/orglife/orglife"
)

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
