package workflows

import (
	"reflect"
	"testing"
	"testing/fstest"

	"github.com/orglife/orglife"
)

const talkWithMembers = `id: talk
title: 谈心谈话
collection: talks
fields:
  lead:         {type: member, title: 谈话人}
  participants: {type: list, items: {type: member}, title: 参加人员}
  absentees:
    type: list
    title: 缺席人员
    items:
      type: object
      fields:
        member: {type: member, required: true, title: 党员}
        reason: {type: string, title: 缺席原因}
states:
  planned: {title: 已安排}
  recorded: {title: 已记录, complete: true, final: true}
initial: planned
events:
  - {name: record, from: [planned], to: recorded, by: [branch]}
`

// A member field holds an id (trimmed; empty or not text is refused) and MemberRefs lists every
// id with the place and label of its field, at any depth.
func TestMemberFields(t *testing.T) {
	set, ps := Load(fstest.MapFS{"wf/talk.yaml": {Data: []byte(talkWithMembers)}}, "wf", "")
	if len(ps) > 0 {
		t.Fatal(ps.Error())
	}
	d, _ := set.Get("talk")
	if !d.HasMemberFields() {
		t.Fatal("HasMemberFields is false")
	}
	out, details := d.NormalizeData(map[string]any{"lead": " m-1 ", "participants": []any{"m-2", "m-3"},
		"absentees": []any{map[string]any{"member": "m-4", "reason": "出差"}}}, nil)
	if len(details) > 0 {
		t.Fatalf("details: %+v", details)
	}
	want := []MemberRef{{"lead", "谈话人", "m-1"}, {"participants[0]", "参加人员第1项", "m-2"}, {"participants[1]", "参加人员第2项", "m-3"},
		{"absentees[0].member", "缺席人员第1项的党员", "m-4"}}
	if got := d.MemberRefs(out); !reflect.DeepEqual(got, want) {
		t.Fatalf("MemberRefs: got %+v, want %+v", got, want)
	}
	_, details = d.NormalizeData(map[string]any{"lead": "  ", "participants": []any{"m-2", 7.0}}, nil)
	wantDetails := []orglife.Detail{{Field: "lead", Message: "「谈话人」须为名册中党员的编号"}, {Field: "participants[1]", Message: "「参加人员第2项」须为名册中党员的编号"}}
	if !reflect.DeepEqual(details, wantDetails) {
		t.Fatalf("details: got %+v, want %+v", details, wantDetails)
	}
}
