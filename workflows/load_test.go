package workflows

import (
	"os"
	"testing"
	"testing/fstest"
)

func TestLoadValid(t *testing.T) {
	s, ps := Load(os.DirFS("testdata"), "valid", "pack")
	if len(ps) > 0 {
		t.Fatalf("problems:\n%s", ps.Error())
	}
	var ids []string
	for _, d := range s.List() {
		ids = append(ids, d.ID)
	}
	if got := len(ids); got != 4 || ids[0] != "election" || ids[3] != "rectification" {
		t.Fatalf("ids: %v", ids)
	}
	m, ok := s.Get("meeting")
	if !ok || m.Collection != "meetings" || m.OccursOn != "held_on" || len(m.Fields) != 8 || m.Events[1].Guard == nil || !m.Events[2].CommentRequired {
		t.Fatalf("meeting: %+v", m)
	}
	if a := m.Actions[0]; a.Start != "rectification" || a.ForEach == nil || len(a.Data) != 2 || a.Data[1].Field != "due_on" || a.Data[1].Expr == nil {
		t.Fatalf("action: %+v", a)
	}
	if _, ok := s.Get("nope"); ok {
		t.Fatal("Get(nope)")
	}
}

func TestLoadProblems(t *testing.T) {
	fsys := fstest.MapFS{
		"workflows/a.yaml":   {Data: []byte("id: a\nstates: {s: {final: true}}\ninitial: s\nevents: []\n")},
		"workflows/b.yml":    {Data: []byte("id: [b\n")},
		"workflows/note.txt": {Data: []byte("ignored")},
	}
	_, ps := Load(fsys, "workflows", "pack")
	want := "pack/workflows/a.yaml:4:9: events: at least one event is needed\n" +
		"pack/workflows/b.yml:1:5: yaml: sequence end token ']' not found"
	if ps.Error() != want {
		t.Errorf("got\n%s\nwant\n%s", ps.Error(), want)
	}
	if _, ps := Load(fsys, "nope", ""); len(ps) != 1 || ps[0].File != "nope" {
		t.Errorf("missing dir: %v", ps)
	}
}

func TestParseOne(t *testing.T) {
	src, _ := os.ReadFile("testdata/valid/plan.yaml")
	d, ps := Parse("plan.yaml", src)
	if len(ps) > 0 || d.ID != "plan" || len(d.Version) != 12 || d.File != "plan.yaml" || d.Collection != "plans" {
		t.Fatalf("%+v %v", d, ps)
	}
	if d, ps := Parse("x.yaml", []byte("id: x\n")); d != nil || len(ps) == 0 {
		t.Fatal("invalid file accepted")
	}
}
