package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/storage"
)

// TestMemberHistory: a member's changes get consecutive seqs and come back in order; a left
// member is out of Members but still readable; OrgMemberChanges returns the whole histories of
// everyone who ever was in the orgs (a member who moved away included), in one query.
func TestMemberHistory(t *testing.T) {
	eachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		seedTree(t, db)
		m := &orglife.Member{ID: "m1", OrgID: "a", Name: "张三", Status: orglife.MemberProbationary, Roles: []string{"committee"}, CreatedAt: t0}
		must(t, db.CreateMember(ctx, m))
		must(t, db.CreateMember(ctx, &orglife.Member{ID: "m2", OrgID: "b", Name: "李四", Status: orglife.MemberFull, Roles: []string{}, CreatedAt: t0}))
		change := func(c *orglife.MemberChange) {
			t.Helper()
			c.At = t0
			if c.Roles == nil {
				c.Roles = []string{}
			}
			must(t, db.AppendMemberChange(ctx, c))
		}
		change(&orglife.MemberChange{MemberID: "m1", Kind: orglife.ChangeJoin, OrgID: "a", Name: "张三", Status: orglife.MemberProbationary, Roles: []string{"committee"}, Actor: "admin"})
		change(&orglife.MemberChange{MemberID: "m1", Kind: orglife.ChangeTransfer, On: ptr("2025-06-28"), OrgID: "b", FromOrgID: ptr("a"), Name: "张三", Status: orglife.MemberProbationary, Actor: "sup", Reason: "转入"})
		change(&orglife.MemberChange{MemberID: "m2", Kind: orglife.ChangeJoin, OrgID: "b", Name: "李四", Status: orglife.MemberFull, Actor: "admin"})
		change(&orglife.MemberChange{MemberID: "m2", Kind: orglife.ChangeLeave, On: ptr("2025-07-01"), OrgID: "b", Name: "李四", Status: orglife.MemberFull, Left: true, Reason: "毕业", Actor: "admin"})

		m.OrgID, m.Since, m.Roles = "b", ptr("2025-06-28"), []string{}
		must(t, db.UpdateMember(ctx, m))
		left, err := db.Member(ctx, "m2", true)
		must(t, err)
		left.LeftOn, left.LeftReason = ptr("2025-07-01"), "毕业"
		must(t, db.UpdateMember(ctx, left))
		wantCode(t, db.UpdateMember(ctx, &orglife.Member{ID: "nobody", OrgID: "a", Roles: []string{}}), orglife.ENOTFOUND)

		roster, err := db.Members(ctx, []string{"a", "b"})
		must(t, err)
		if len(roster) != 1 || roster[0].ID != "m1" || roster[0].OrgID != "b" || *roster[0].Since != "2025-06-28" {
			t.Fatalf("roster: %s", js(roster))
		}
		got, err := db.Member(ctx, "m2", false)
		must(t, err)
		if got.LeftOn == nil || *got.LeftOn != "2025-07-01" || got.LeftReason != "毕业" {
			t.Fatalf("left member: %s", js(got))
		}

		h, err := db.MemberChanges(ctx, []string{"m1"})
		must(t, err)
		if len(h) != 2 || h[0].Seq != 1 || h[1].Seq != 2 || h[1].Kind != orglife.ChangeTransfer || *h[1].FromOrgID != "a" ||
			*h[1].On != "2025-06-28" || h[1].Reason != "转入" || h[1].Actor != "sup" || len(h[0].Roles) != 1 || !h[1].At.Equal(t0.Truncate(time.Microsecond)) {
			t.Fatalf("history of m1: %s", js(h))
		}
		all, err := db.OrgMemberChanges(ctx, []string{"a"})
		must(t, err)
		if len(all) != 2 || all[0].MemberID != "m1" || all[1].OrgID != "b" {
			t.Fatalf("histories of a's members: %s", js(all))
		}
		all, err = db.OrgMemberChanges(ctx, []string{"b"})
		must(t, err)
		if len(all) != 4 || all[2].MemberID != "m2" || !all[3].Left {
			t.Fatalf("histories of b's members: %s", js(all))
		}
	})
}

// TestOrgHistory: an org's changes get consecutive seqs and come back in order, per org.
func TestOrgHistory(t *testing.T) {
	eachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		seedTree(t, db)
		for _, c := range []*orglife.OrgChange{
			{OrgID: "a", ParentID: ptr("root"), Actor: "admin", At: t0},
			{OrgID: "a", On: ptr("2025-09-15"), ParentID: ptr("root"), TermStartedOn: ptr("2025-09-15"), TermYears: 3, Actor: "branch", At: t0},
			{OrgID: "b", Actor: "admin", At: t0},
		} {
			must(t, db.AppendOrgChange(ctx, c))
		}
		h, err := db.OrgChanges(ctx, []string{"a", "b"})
		must(t, err)
		if len(h) != 3 || h[0].OrgID != "a" || h[1].Seq != 2 || *h[1].TermStartedOn != "2025-09-15" || h[1].TermYears != 3 ||
			h[2].OrgID != "b" || h[2].Seq != 1 || h[2].ParentID != nil {
			t.Fatalf("histories: %s", js(h))
		}
	})
}

// TestBulkLoadHistories: orgs and members loaded in bulk start their histories, so evaluations
// (which read the roster from the histories) see them.
func TestBulkLoadHistories(t *testing.T) {
	eachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		o := newOrg("g1", nil)
		m := &orglife.Member{ID: "m9", OrgID: "g1", Name: "王五", Status: orglife.MemberFull, Roles: []string{"secretary"}, Since: ptr("2024-09-01"), CreatedAt: t0}
		must(t, db.BulkLoad(ctx, &storage.Bulk{Orgs: []*orglife.Org{o}, Members: []*orglife.Member{m}}))
		h, err := db.OrgMemberChanges(ctx, []string{"g1"})
		must(t, err)
		if len(h) != 1 || h[0].Kind != orglife.ChangeJoin || *h[0].On != "2024-09-01" || h[0].Roles[0] != "secretary" {
			t.Fatalf("bulk member history: %s", js(h))
		}
		oh, err := db.OrgChanges(ctx, []string{"g1"})
		must(t, err)
		if len(oh) != 1 || oh[0].On != nil || oh[0].ParentID != nil {
			t.Fatalf("bulk org history: %s", js(oh))
		}
	})
}
