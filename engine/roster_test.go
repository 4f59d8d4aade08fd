package engine_test

import (
	"testing"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/engine"
)

// Fields of type member hold ids of the org's roster: an id of another org's member, or of no
// member, is refused where it is typed, naming the field by its title; a member who has since
// transferred out still counts for the records of their time in the org, and the roster offers
// them as former members.
func TestMemberFieldsCheckTheRoster(t *testing.T) {
	packWorld(t, func(t *testing.T, w *world) {
		w.roster(t, "b", "m1", "m2", "m-moved")
		w.roster(t, "b2", "m-other")
		on := "2025-01-31"
		if _, err := w.svc.TransferMember(w.ctx, admin, "b", "m-moved", engine.TransferParams{ToOrgID: "b2", On: &on, Reason: "毕业转出"}); err != nil {
			t.Fatal(err)
		}
		talk := w.start(t, branchOfB, "talk", "b", map[string]any{"held_on": "2025-01-10", "kind": "member_member"})
		record := func(participants ...any) error {
			_, err := w.fire(branchOfB, talk.ID, "record", map[string]any{"participants": participants, "summary": "交流学习和思想情况，互相提出意见建议。"}, "")
			return err
		}
		if err := record("m1", "m-other"); !fieldRefused(err, "participants[1]", "「参加人员第2项」中的“m-other”不是本组织名册中的党员") {
			t.Fatalf("a member of another org: %v", err)
		}
		if err := record("m1", "张伟同志"); !fieldRefused(err, "participants[1]", "“张伟同志”不是本组织名册中的党员") {
			t.Fatalf("a name instead of an id: %v", err)
		}
		if got, err := w.svc.GetInstance(w.ctx, branchOfB, talk.ID); err != nil || got.State != "planned" || got.Version != 1 {
			t.Fatalf("a refused record wrote something: %+v %v", got, err)
		}
		if err := record("m1", "m-moved"); err != nil {
			t.Fatalf("a member who has transferred out since: %v", err)
		}
		roster, err := w.svc.Roster(w.ctx, branchOfB, "b")
		if err != nil {
			t.Fatal(err)
		}
		want := []engine.RosterEntry{{ID: "m1", Name: "党员m1"}, {ID: "m2", Name: "党员m2"}, {ID: "m-moved", Name: "党员m-moved", Former: true}}
		if len(roster) != len(want) {
			t.Fatalf("roster of b: %+v", roster)
		}
		for i := range want {
			if roster[i] != want[i] {
				t.Fatalf("roster of b: %+v, want %+v", roster, want)
			}
		}
		if _, err := w.svc.Roster(w.ctx, orglife.Actor{Role: orglife.RoleBranch, OrgID: "x", Name: "书记-x"}, "b"); err == nil {
			t.Fatal("a branch of another committee read the roster of b")
		}
	})
}
