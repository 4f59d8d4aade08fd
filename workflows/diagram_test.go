package workflows

import "testing"

func TestMermaid(t *testing.T) {
	want := `stateDiagram-v2
    %% 年度三会一课计划
    state "起草中" as draft
    state "已报送" as submitted
    state "已退回" as returned
    state "已备案" as filed
    [*] --> draft
    draft --> submitted : submit
    returned --> submitted : submit
    submitted --> returned : return
    submitted --> filed : file
    filed --> [*]
    classDef complete font-weight:bold,stroke-width:3px
    class filed complete
`
	if got := def(t, "plan").Mermaid(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestDot(t *testing.T) {
	want := `digraph "plan" {
  label="年度三会一课计划";
  rankdir=LR;
  node [shape=box, style=rounded];
  "__start" [shape=point, label=""];
  "draft" [label="起草中"];
  "submitted" [label="已报送"];
  "returned" [label="已退回"];
  "filed" [label="已备案", peripheries=2, style="rounded,filled", fillcolor=lightgrey];
  "__start" -> "draft";
  "draft" -> "submitted" [label="submit"];
  "returned" -> "submitted" [label="submit"];
  "submitted" -> "returned" [label="return"];
  "submitted" -> "filed" [label="file"];
}
`
	if got := def(t, "plan").Dot(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if got, want := dotID(`a "b" \c`), `"a \"b\" \\c"`; got != want {
		t.Errorf("dotID: %s", got)
	}
}
