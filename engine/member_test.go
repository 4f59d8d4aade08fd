package engine_test

import (
	"testing"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/engine"
)

// TestMemberChanges: who may change members (an admin or a supervisor above the org, not the
// branch nor a supervisor elsewhere), UpsertMember as an importer uses it (a second identical
// upsert writes nothing), a leave dated before the member came to their org and any change of a
// member who left are refused.
func TestMemberChanges(t *testing.T) {
	packWorld(t, func(t *testing.T, w *world) {
		p := func(s string) *string { return &s }
		m := &orglife.Member{ID: "s2025001", Name: "张三", Status: orglife.MemberProbationary, Roles: []string{"committee"}}
		got, changed, err := w.svc.UpsertMember(w.ctx, admin, "b", m)
		if err != nil || !changed || got.OrgID != "b" {
			t.Fatalf("first upsert: %v %v %v", got, changed, err)
		}
		if _, changed, err := w.svc.UpsertMember(w.ctx, admin, "b", &orglife.Member{ID: "s2025001", Name: "张三", Status: orglife.MemberProbationary, Roles: []string{"committee"}}); err != nil || changed {
			t.Fatalf("an identical upsert: changed %v, %v", changed, err)
		}
		if _, changed, err := w.svc.UpsertMember(w.ctx, admin, "b", &orglife.Member{ID: "s2025001", Name: "张三", Roles: []string{"committee", "group_leader"}}); err != nil || !changed {
			t.Fatalf("an upsert with a new post: changed %v, %v", changed, err)
		}
		if _, _, err := w.svc.UpsertMember(w.ctx, admin, "b2", &orglife.Member{ID: "s2025001", Name: "张三"}); orglife.ErrorCode(err) != orglife.ECONFLICT {
			t.Fatalf("an upsert into another org: %v", err)
		}
		for _, a := range []orglife.Actor{brB, supG, supB, supC2} {
			_, err := w.svc.ConfirmMember(w.ctx, a, "b", "s2025001", p("2025-01-10"))
			if a == supG {
				if err != nil {
					t.Fatalf("the supervisor above b confirms: %v", err)
				}
				continue
			}
			if orglife.ErrorCode(err) != orglife.EFORBIDDEN {
				t.Fatalf("%s confirms: %v", a.Name, err)
			}
		}
		// supG is above b but not above b2: a transfer needs both.
		if _, err := w.svc.TransferMember(w.ctx, supG, "b", "s2025001", engine.TransferParams{ToOrgID: "b2"}); orglife.ErrorCode(err) != orglife.EFORBIDDEN {
			t.Fatalf("a transfer out of the supervisor's subtree: %v", err)
		}
		moved, err := w.svc.TransferMember(w.ctx, supC, "b", "s2025001", engine.TransferParams{ToOrgID: "b2", On: p("2025-02-01")})
		if err != nil || moved.OrgID != "b2" || len(moved.Roles) != 0 || *moved.Since != "2025-02-01" {
			t.Fatalf("transfer: %+v %v", moved, err)
		}
		if _, err := w.svc.LeaveMember(w.ctx, supC, "b2", "s2025001", engine.LeaveParams{On: p("2025-01-31"), Reason: "毕业"}); orglife.ErrorCode(err) != orglife.EUNPROCESSABLE {
			t.Fatalf("a leave before the transfer in: %v", err)
		}
		if _, err := w.svc.LeaveMember(w.ctx, supC, "b2", "s2025001", engine.LeaveParams{On: p("2025-02-10"), Reason: "毕业"}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.SetMemberRoles(w.ctx, admin, "b2", "s2025001", engine.RolesParams{Roles: []string{"secretary"}}); orglife.ErrorCode(err) != orglife.EUNPROCESSABLE {
			t.Fatalf("a change after leaving: %v", err)
		}
		h, err := w.svc.MemberHistory(w.ctx, supC, "b2", "s2025001")
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, c := range h {
			kinds = append(kinds, c.Kind)
		}
		want := []string{"join", "roles", "confirm", "transfer", "leave"}
		if len(kinds) != len(want) {
			t.Fatalf("history %v, want %v", kinds, want)
		}
		for i := range want {
			if kinds[i] != want[i] {
				t.Fatalf("history %v, want %v", kinds, want)
			}
		}
		if h[2].Actor != supG.Name || *h[3].FromOrgID != "b" || !h[4].Left || h[4].Reason != "毕业" {
			t.Fatalf("history entries: %+v %+v %+v", h[2], h[3], h[4])
		}
		if _, err := w.svc.MemberHistory(w.ctx, brB, "b2", "s2025001"); orglife.ErrorCode(err) != orglife.EFORBIDDEN {
			t.Fatalf("b's branch reads b2's member: %v", err)
		}
	})
}
