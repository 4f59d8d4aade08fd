package engine_test

import (
	"strings"
	"testing"

	"github.com/orglife/orglife"
)

// The pack's meeting records attendance as lists of member ids; the numbers are typed only by a
// record without the lists, and nobody both attends and is absent.
func TestMeetingAttendanceLists(t *testing.T) {
	packWorld(t, func(t *testing.T, w *world) {
		w.roster(t, "b", "m1", "m2", "m3")
		start := func(day string) *orglife.Instance {
			return w.start(t, branchOfB, "meeting", "b", map[string]any{"type": "theme_day", "held_on": day, "topic": "学习党章"})
		}
		m := start("2025-01-20")
		if _, err := w.fire(branchOfB, m.ID, "record", map[string]any{"minutes": "学习党章并交流心得。"}, ""); !guardFailed(err, "请列出出席人员") {
			t.Fatalf("record with neither lists nor numbers: %v", err)
		}
		both := map[string]any{"minutes": "学习党章并交流心得。", "attendees": []any{"m1", "m2"},
			"absentees": []any{map[string]any{"member": "m2", "reason": "出差"}}}
		if _, err := w.fire(branchOfB, m.ID, "record", both, ""); !guardFailed(err, "同一党员不能既出席又缺席") {
			t.Fatalf("record with a member both present and absent: %v", err)
		}
		ok := map[string]any{"minutes": "学习党章并交流心得。", "attendees": []any{"m1", "m2"},
			"absentees": []any{map[string]any{"member": "m3", "reason": "出差"}}}
		if r := w.mustFire(t, branchOfB, m.ID, "record", ok, ""); r.State != "recorded" {
			t.Fatalf("recorded with the lists: %+v", r)
		}
		old := start("2025-01-25")
		if _, err := w.fire(branchOfB, old.ID, "record", map[string]any{"minutes": "学习党章。", "expected": 8.0, "present": 9.0}, ""); !guardFailed(err, "到会人数不能超过应到人数") {
			t.Fatalf("record with more present than expected: %v", err)
		}
		w.mustFire(t, branchOfB, old.ID, "record", map[string]any{"minutes": "学习党章。", "expected": 8.0, "present": 7.0}, "")
	})
}

// A 民主生活会 is held only after its topic was reported, with two thirds of the 班子 present; its
// 谈话函询 outcomes are data recorded on the filed record, which stays filed.
func TestDemocraticLife(t *testing.T) {
	packWorld(t, func(t *testing.T, w *world) {
		committee := orglife.Actor{Role: orglife.RoleBranch, OrgID: "c", Name: "党委"}
		w.roster(t, "c", "m1", "m2", "m3")
		d := w.start(t, committee, "democratic_life", "c", map[string]any{"year": 2024.0})
		hold := map[string]any{"held_on": "2024-12-20", "attendees": []any{"m1", "m2", "m3"}, "minutes": "开展批评与自我批评。",
			"problems": []any{"调查研究不够深入"}}
		if _, err := w.fire(committee, d.ID, "hold", hold, ""); err == nil {
			t.Fatalf("hold before the topic was reported: %v", err)
		}
		w.mustFire(t, committee, d.ID, "report_topic", map[string]any{"topic": "学习贯彻全会精神", "topic_reported_on": "2024-12-01"}, "")
		few := map[string]any{"held_on": "2024-12-20", "attendees": []any{"m1"}, "minutes": "开展批评与自我批评。", "problems": []any{"调查研究不够深入"},
			"absentees": []any{map[string]any{"member": "m2", "reason": "出差"}}}
		if _, err := w.fire(committee, d.ID, "hold", few, ""); !guardFailed(err, "三分之二以上到会") {
			t.Fatalf("hold with fewer than two thirds: %v", err)
		}
		w.mustFire(t, committee, d.ID, "hold", hold, "")
		if got := w.problemsOf(t, committee, d.ID); len(got) != 1 {
			t.Fatalf("rectification items after hold: %v", got)
		}
		f := w.mustFire(t, committee, d.ID, "file", map[string]any{"rectification_plan": "班子成员每学期调研两次。"}, "")
		inq := []any{map[string]any{"member": "m2", "outcome": "cleared", "decided_by": "纪委书记", "decided_on": "2025-01-05"}}
		g := w.mustFire(t, committee, d.ID, "record_inquiry", map[string]any{"inquiries": inq}, "")
		if g.State != "filed" || g.RecordedAt == nil || f.RecordedAt == nil || !g.RecordedAt.Equal(*f.RecordedAt) {
			t.Fatalf("after record_inquiry: state %s, recorded_at %v (filed at %v)", g.State, g.RecordedAt, f.RecordedAt)
		}
	})
}

// guardFailed reports whether err is the refusal of an event whose message says want.
func guardFailed(err error, want string) bool {
	return code(err) == orglife.EUNPROCESSABLE && strings.Contains(orglife.ErrorMessage(err), want)
}
