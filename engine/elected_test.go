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
			w.mustFire(t, branchOfB, e.ID, "hold", map[string]any{"held_on": "2025-02-10", "attendees": []any{"m-zhang", "m-zhang2", "m-li"}, "elected": elected}, "")
			w.mustFire(t, branchOfB, e.ID, "report", map[string]any{"result": "选举结果报告"}, "")
			return e
		}
		bad := w.start(t, branchOfB, "election", "b", map[string]any{})
		w.mustFire(t, branchOfB, bad.ID, "request", map[string]any{"planned_on": "2025-02-10", "request": "拟召开党员大会换届选举"}, "")
		w.mustFire(t, supervisorC, bad.ID, "approve", nil, "")
		_, err := w.fire(branchOfB, bad.ID, "hold", map[string]any{"held_on": "2025-02-10", "attendees": []any{"m-zhang", "m-zhang2", "m-li"},
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

// An election's lists name every full member as present or absent (the voters), and only them:
// a list missing a full member, naming a probationary member or naming one twice is refused; a
// 党总支 electing at a 党员代表大会 (or a record kept without lists) types its numbers instead.
func TestElectionListsTheVoters(t *testing.T) {
	packWorld(t, func(t *testing.T, w *world) {
		w.roster(t, "b", "m1", "m2", "m3")
		if _, err := w.svc.CreateMember(w.ctx, admin, "b", &orglife.Member{ID: "p1", Name: "预备党员", Status: orglife.MemberProbationary}); err != nil {
			t.Fatal(err)
		}
		e := w.start(t, branchOfB, "election", "b", map[string]any{})
		w.mustFire(t, branchOfB, e.ID, "request", map[string]any{"planned_on": "2025-02-10", "request": "拟召开党员大会换届选举"}, "")
		w.mustFire(t, supervisorC, e.ID, "approve", nil, "")
		hold := func(attendees []any, absentees []any) error {
			data := map[string]any{"held_on": "2025-02-10", "attendees": attendees, "elected": []any{map[string]any{"member": "m1", "post": "secretary"}}}
			if absentees != nil {
				data["absentees"] = absentees
			}
			_, err := w.fire(branchOfB, e.ID, "hold", data, "")
			return err
		}
		absent := func(id string) any { return map[string]any{"member": id, "reason": "出差"} }
		for name, err := range map[string]error{
			"a full member missing":      hold([]any{"m1", "m2"}, nil),
			"a probationary member":      hold([]any{"m1", "m2", "m3", "p1"}, nil),
			"present and absent at once": hold([]any{"m1", "m2", "m3"}, []any{absent("m3")}),
			"more present than voters": func() error {
				_, err := w.fire(branchOfB, e.ID, "hold", map[string]any{"held_on": "2025-02-10", "voters": 3.0, "present": 4.0, "elected": []any{map[string]any{"member": "m1", "post": "secretary"}}}, "")
				return err
			}(),
		} {
			if !guardFailed(err, "到会名单须列出全体正式党员的到会情况") {
				t.Errorf("%s: %v", name, err)
			}
		}
		if err := hold([]any{"m1", "m2"}, []any{absent("m3")}); err != nil {
			t.Fatalf("every full member listed: %v", err)
		}
		gb := orglife.Actor{Role: orglife.RoleBranch, OrgID: "g", Name: "总支"}
		g := w.start(t, gb, "election", "g", map[string]any{})
		w.mustFire(t, gb, g.ID, "request", map[string]any{"planned_on": "2025-02-10", "request": "拟召开党员代表大会换届选举"}, "")
		w.mustFire(t, supervisorC, g.ID, "approve", nil, "")
		w.roster(t, "g", "g1")
		w.mustFire(t, gb, g.ID, "hold", map[string]any{"held_on": "2025-02-10", "voters": 40.0, "present": 36.0, "elected": []any{map[string]any{"member": "g1", "post": "secretary"}}}, "")
	})
}
