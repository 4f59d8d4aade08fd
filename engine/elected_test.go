package engine_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/orglife/orglife"
)

// The elected are seated by member id, so of two members called 张伟 the one elected gets the
// post; an older record's name still seats the one member of that name, and an id that is no
// member of the org is refused when the election is held (a name of nobody, of an older record,
// refuses the confirmation).
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
		bad := w.start(t, branchOfB, "election", "b", map[string]any{})
		w.mustFire(t, branchOfB, bad.ID, "request", map[string]any{"planned_on": "2025-02-10", "request": "拟召开党员大会换届选举"}, "")
		w.mustFire(t, supervisorC, bad.ID, "approve", nil, "")
		_, err := w.fire(branchOfB, bad.ID, "hold", map[string]any{"held_on": "2025-02-10", "voters": 3.0, "present": 3.0,
			"elected": []any{map[string]any{"member": "m-nobody", "post": "secretary"}}}, "")
		if !fieldRefused(err, "elected[0].member", "“m-nobody”不是本组织名册中的党员") {
			t.Fatalf("holding an election of no member: %v", err)
		}
		nameless := election([]any{map[string]any{"name": "王五", "post": "secretary"}})
		if _, err := w.fire(supervisorC, nameless.ID, "confirm", nil, ""); err == nil || !strings.Contains(err.Error(), "王五") {
			t.Fatalf("confirming an election of a name that is no member: %v", err)
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

// fieldRefused reports whether err is a 422 whose details name field with a message containing
// text.
func fieldRefused(err error, field, text string) bool {
	var oe *orglife.Error
	if !errors.As(err, &oe) || oe.Code != orglife.EUNPROCESSABLE {
		return false
	}
	for _, d := range oe.Details {
		if d.Field == field && strings.Contains(d.Message, text) {
			return true
		}
	}
	return false
}
