package engine_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/orglife/orglife"
)

// The elected are seated by member id, so of two members called 张伟 the one elected gets the
// post; an older record's name still seats the one member of that name, and an id that is no
// member of the org refuses the confirmation.
func TestElectedByMemberID(t *testing.T) {
	packWorld(t, func(t *testing.T, w *world) {
		for _, m := range []*orglife.Member{
			{ID: "m-zhang", Name: "张伟", Status: orglife.MemberFull, Roles: []string{"secretary"}},
			{ID: "m-zhang2", Name: "张伟", Status: orglife.MemberFull},
			{ID: "m-li", Name: "李娜", Status: orglife.MemberFull},
		} {
			if _, err := w.svc.CreateMember(w.ctx, admin, "b", m); err != nil {
				t.Fatal(err)
			}
		}
		election := func(elected []any) *orglife.Instance {
			t.Helper()
			e := w.start(t, branchOfB, "election", "b", map[string]any{})
			w.mustFire(t, branchOfB, e.ID, "request", map[string]any{"planned_on": "2025-02-10", "request": "拟召开党员大会换届选举"}, "")
			w.mustFire(t, supervisorC, e.ID, "approve", nil, "")
			w.mustFire(t, branchOfB, e.ID, "hold", map[string]any{"held_on": "2025-02-10", "voters": 3.0, "present": 3.0, "elected": elected}, "")
			w.mustFire(t, branchOfB, e.ID, "report", map[string]any{"result": "选举结果报告"}, "")
			return e
		}
		bad := election([]any{map[string]any{"member": "m-nobody", "post": "secretary"}})
		if _, err := w.fire(supervisorC, bad.ID, "confirm", nil, ""); err == nil || !strings.Contains(err.Error(), "m-nobody") {
			t.Fatalf("confirming an election of no member: %v", err)
		}
		good := election([]any{map[string]any{"member": "m-zhang2", "post": "secretary"}, map[string]any{"name": "李娜", "post": "committee"}})
		w.mustFire(t, supervisorC, good.ID, "confirm", nil, "")
		roles := map[string][]string{}
		for _, id := range []string{"m-zhang", "m-zhang2", "m-li"} {
			m, err := w.svc.GetMember(w.ctx, admin, "b", id)
			if err != nil {
				t.Fatal(err)
			}
			roles[id] = m.Roles
		}
		if len(roles["m-zhang"]) != 0 || !slices.Equal(roles["m-zhang2"], []string{"secretary"}) || !slices.Equal(roles["m-li"], []string{"committee"}) {
			t.Fatalf("posts after the election: %v", roles)
		}
	})
}
