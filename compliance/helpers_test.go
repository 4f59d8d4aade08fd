package compliance_test

import (
	"testing"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/engine"
)

var (
	admin      = orglife.Actor{Role: orglife.RoleAdmin, Name: "admin"}
	branchB    = orglife.Actor{Role: orglife.RoleBranch, OrgID: "b", Name: "书记-b"}
	branchB2   = orglife.Actor{Role: orglife.RoleBranch, OrgID: "b2", Name: "书记-b2"}
	supervisor = orglife.Actor{Role: orglife.RoleSupervisor, OrgID: "c", Name: "组织员"}
)

func code(err error) string { return orglife.ErrorCode(err) }

var (
	branchOfB   = orglife.Actor{Role: orglife.RoleBranch, OrgID: "b", Name: "书记-b"}
	supervisorC = orglife.Actor{Role: orglife.RoleSupervisor, OrgID: "c", Name: "组织员-c"}
	supervisorG = orglife.Actor{Role: orglife.RoleSupervisor, OrgID: "g", Name: "组织员-g"}
)

// start starts an instance or fails the test.
func (w *world) start(t *testing.T, actor orglife.Actor, workflow, org string, data map[string]any) *orglife.Instance {
	t.Helper()
	in, err := w.svc.Start(w.ctx, actor, engine.StartParams{Workflow: workflow, OrgID: org, Data: data})
	if err != nil {
		t.Fatalf("start %s at %s: %v", workflow, org, err)
	}
	return in
}

// fire fires an event and returns the instance and the error.
func (w *world) fire(actor orglife.Actor, id, event string, data map[string]any, comment string) (*orglife.Instance, error) {
	return w.svc.Fire(w.ctx, actor, engine.FireParams{InstanceID: id, Event: event, Data: data, Comment: comment})
}

// mustFire fires an event or fails the test.
func (w *world) mustFire(t *testing.T, actor orglife.Actor, id, event string, data map[string]any, comment string) *orglife.Instance {
	t.Helper()
	in, err := w.fire(actor, id, event, data, comment)
	if err != nil {
		t.Fatalf("%s: %v", event, err)
	}
	return in
}
