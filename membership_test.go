package orglife

import (
	"fmt"
	"testing"
)

func day(s string) *string { return &s }

// TestTenures: a member's history becomes the stretches in which they belonged to an org; a
// confirmation or a roles change inside one org does not split a stretch; changes effective after
// the as-of day are not seen; a stretch ended before it began (same-day correction) vanishes.
func TestTenures(t *testing.T) {
	h := []*MemberChange{
		{MemberID: "m", Seq: 1, Kind: ChangeJoin, OrgID: "b1", Name: "张三", Status: MemberProbationary},
		{MemberID: "m", Seq: 2, Kind: ChangeConfirm, On: day("2025-03-01"), OrgID: "b1", Name: "张三", Status: MemberFull},
		{MemberID: "m", Seq: 3, Kind: ChangeTransfer, On: day("2025-06-28"), OrgID: "b2", Name: "张三", Status: MemberFull},
		{MemberID: "m", Seq: 4, Kind: ChangeLeave, On: day("2026-07-01"), OrgID: "b2", Name: "张三", Status: MemberFull, Left: true, Reason: "毕业"},
	}
	show := func(ts []Tenure) string {
		s := ""
		for _, t := range ts {
			s += fmt.Sprintf("[%s %s..%s next=%s %s] ", t.OrgID, t.From, t.Until, t.Next, t.Member.Status)
		}
		return s
	}
	for _, tt := range []struct{ asOf, want string }{
		{"", "[b1 ..2025-06-27 next=b2 full] [b2 2025-06-28..2026-06-30 next= full] "},
		{"2025-03-31", "[b1 .. next= full] "},
		{"2025-02-28", "[b1 .. next= probationary] "},
		{"2025-06-28", "[b1 ..2025-06-27 next=b2 full] [b2 2025-06-28.. next= full] "},
	} {
		if got := show(Tenures(h, tt.asOf)); got != tt.want {
			t.Errorf("as of %q: %s, want %s", tt.asOf, got, tt.want)
		}
	}
	// Joined and moved on the same day: the first stretch is empty and dropped.
	same := []*MemberChange{
		{MemberID: "m", Seq: 1, Kind: ChangeJoin, On: day("2025-09-01"), OrgID: "b1", Status: MemberFull},
		{MemberID: "m", Seq: 2, Kind: ChangeTransfer, On: day("2025-09-01"), OrgID: "b2", Status: MemberFull},
	}
	if got := show(Tenures(same, "")); got != "[b2 2025-09-01.. next= full] " {
		t.Errorf("same-day move: %s", got)
	}
	if !(Tenure{From: "2025-01-01", Until: "2025-06-30"}).Contains("2025-06-30") || (Tenure{From: "2025-01-01"}).Contains("2024-12-31") {
		t.Error("Contains is wrong at the bounds")
	}
}

// TestOrgAsOf: an org's parent and term are those of the latest change effective on the day.
func TestOrgAsOf(t *testing.T) {
	o := &Org{ID: "b", Name: "支部", ParentID: day("g2"), TermStartedOn: day("2025-09-15"), TermYears: 3}
	h := []*OrgChange{
		{OrgID: "b", Seq: 1, ParentID: day("g1"), TermStartedOn: day("2022-09-01"), TermYears: 3},
		{OrgID: "b", Seq: 2, On: day("2025-09-15"), ParentID: day("g1"), TermStartedOn: day("2025-09-15"), TermYears: 3},
		{OrgID: "b", Seq: 3, On: day("2025-01-01"), ParentID: day("g2"), TermStartedOn: day("2022-09-01"), TermYears: 3},
	}
	for _, tt := range []struct{ day, parent, term string }{
		{"2024-06-01", "g1", "2022-09-01"},
		{"2025-03-01", "g2", "2022-09-01"},
		{"2025-09-15", "g1", "2025-09-15"}, // seq 2 is effective last (by day), whatever its seq
	} {
		got := o.AsOf(h, tt.day)
		if *got.ParentID != tt.parent || *got.TermStartedOn != tt.term || got.Name != "支部" {
			t.Errorf("as of %s: parent %s term %s, want %s %s", tt.day, *got.ParentID, *got.TermStartedOn, tt.parent, tt.term)
		}
	}
	if *o.ParentID != "g2" {
		t.Error("AsOf changed the org")
	}
	if got := o.AsOf(nil, "2020-01-01"); got.TermStartedOn != o.TermStartedOn {
		t.Error("an org without history is not itself")
	}
}

// TestTenurePosts: a roles change dates the roles it adds; a role held since joining has no date;
// a later roles change keeps the date of a role still held; a transfer ends the posts.
func TestTenurePosts(t *testing.T) {
	h := []*MemberChange{
		{MemberID: "m", Seq: 1, Kind: ChangeJoin, On: day("2020-09-01"), OrgID: "b1", Status: MemberFull, Roles: []string{"committee"}},
		{MemberID: "m", Seq: 2, Kind: ChangeRoles, On: day("2025-03-15"), OrgID: "b1", Status: MemberFull, Roles: []string{"committee", "secretary"}},
		{MemberID: "m", Seq: 3, Kind: ChangeRoles, On: day("2025-09-01"), OrgID: "b1", Status: MemberFull, Roles: []string{"secretary"}},
		{MemberID: "m", Seq: 4, Kind: ChangeTransfer, On: day("2026-03-01"), OrgID: "b2", Status: MemberFull, Roles: []string{}},
	}
	show := func(asOf string) string {
		s := ""
		for _, t := range Tenures(h, asOf) {
			s += fmt.Sprintf("[%s %v] ", t.OrgID, t.Member.Posts)
		}
		return s
	}
	for asOf, want := range map[string]string{
		"2025-01-01": "[b1 []] ",
		"2025-04-01": "[b1 [{secretary 2025-03-15}]] ",
		"2025-10-01": "[b1 [{secretary 2025-03-15}]] ",
		"":           "[b1 [{secretary 2025-03-15}]] [b2 []] ",
	} {
		if got := show(asOf); got != want {
			t.Errorf("as of %q: %s, want %s", asOf, got, want)
		}
	}
}
