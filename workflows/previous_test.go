package workflows

import (
	"reflect"
	"strings"
	"testing"
)

const voidable = `id: note
states:
  draft:          {title: 起草中}
  filed:          {title: 已备案, complete: true}
  void_requested: {title: 申请作废}
  voided:         {title: 已作废, final: true}
initial: draft
events:
  - {name: file, from: [draft], to: filed, by: [branch]}
  - {name: request_void, from: [draft, filed], to: void_requested, by: [branch], comment: required}
  - {name: refuse_void, from: [void_requested], to: "@previous", by: [supervisor]}
  - {name: approve_void, from: [void_requested], to: voided, by: [supervisor]}
`

// TestToPrevious: an event to "@previous" validates, adds no reachability, is drawn to every
// state it may return to, and may not leave the initial state.
func TestToPrevious(t *testing.T) {
	d, ps := Parse("note.yaml", []byte(voidable))
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	if to, ok := d.Transition("void_requested", "refuse_void"); !ok || to != PreviousState {
		t.Fatalf("Transition = %q %v", to, ok)
	}
	if !d.Event("refuse_void").ToPrevious() || d.Event("approve_void").ToPrevious() {
		t.Fatal("ToPrevious")
	}
	if got := d.PreviousStates("void_requested"); !reflect.DeepEqual(got, []string{"draft", "filed"}) {
		t.Fatalf("PreviousStates = %v", got)
	}
	mm := d.Mermaid()
	for _, line := range []string{"void_requested --> draft : refuse_void", "void_requested --> filed : refuse_void"} {
		if !strings.Contains(mm, line) {
			t.Errorf("mermaid lacks %q:\n%s", line, mm)
		}
	}
	if dot := d.Dot(); !strings.Contains(dot, `"void_requested" -> "filed" [label="refuse_void", style=dashed];`) {
		t.Errorf("dot:\n%s", dot)
	}

	bad := strings.Replace(voidable, "from: [void_requested], to: \"@previous\"", "from: [draft, void_requested], to: \"@previous\"", 1)
	_, ps = Parse("note.yaml", []byte(bad))
	if len(ps) != 1 || !strings.Contains(ps[0].Message, `to "@previous" cannot leave the initial state "draft"`) || ps[0].Line != 11 {
		t.Fatalf("from the initial state: %v", ps)
	}
	// only "@previous" is special: another name is still an unknown state
	_, ps = Parse("note.yaml", []byte(strings.Replace(voidable, `"@previous"`, `"@prev"`, 1)))
	if len(ps) != 1 || !strings.Contains(ps[0].Message, `unknown state "@prev"`) {
		t.Fatalf("unknown target: %v", ps)
	}
}
