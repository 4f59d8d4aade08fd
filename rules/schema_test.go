package rules

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/orglife/orglife"
)

func TestSchemaValue(t *testing.T) {
	loc := shanghai(t)
	fields := append(meetingFields(),
		&orglife.Field{Name: "score", Type: orglife.TypeNumber},
		&orglife.Field{Name: "online", Type: orglife.TypeBool},
		&orglife.Field{Name: "signed_at", Type: orglife.TypeDatetime},
		&orglife.Field{Name: "venue", Type: orglife.TypeObject, Fields: []*orglife.Field{
			{Name: "room", Type: orglife.TypeString},
			{Name: "seats", Type: orglife.TypeInt},
		}},
		&orglife.Field{Name: "rounds", Type: orglife.TypeList, Items: &orglife.Field{Type: orglife.TypeList, Items: &orglife.Field{Type: orglife.TypeDate}}},
	)
	s := NewSchema(fields)
	var data map[string]any
	err := json.Unmarshal([]byte(`{
		"type": "theme_day", "held_on": "2025-03-10", "expected": 20, "present": 18.0,
		"absentees": [{"name": "张三", "reason": "出差"}, {"name": "李四"}],
		"problems": ["学习不深入"], "score": 4.5, "online": true,
		"signed_at": "2025-03-10T01:30:00Z", "venue": {"room": "301"},
		"rounds": [["2025-01-02", "2025-01-03"], []]
	}`), &data)
	if err != nil {
		t.Fatal(err)
	}
	v := reflect.ValueOf(s.Value(data, loc))
	field := func(name string) any { return v.FieldByName(goFieldName(name)).Interface() }

	if got := field("type"); got != "theme_day" {
		t.Errorf("type = %v", got)
	}
	if got := field("held_on").(time.Time); !got.Equal(time.Date(2025, 3, 10, 0, 0, 0, 0, loc)) || got.Location() != loc {
		t.Errorf("held_on = %v", got)
	}
	if field("expected") != 20 || field("present") != 18 || field("score") != 4.5 || field("online") != true {
		t.Errorf("numbers = %v %v %v %v", field("expected"), field("present"), field("score"), field("online"))
	}
	if got := field("signed_at").(time.Time); got.Hour() != 9 || got.Location() != loc {
		t.Errorf("signed_at = %v, want 09:30 in Shanghai", got)
	}
	if field("minutes") != "" {
		t.Errorf("unset text = %q", field("minutes"))
	}
	ab := v.FieldByName("Absentees")
	if ab.Len() != 2 || ab.Index(0).Field(1).String() != "出差" || ab.Index(1).Field(1).String() != "" {
		t.Errorf("absentees = %#v", ab.Interface())
	}
	venue := v.FieldByName("Venue")
	if venue.Field(0).String() != "301" || venue.Field(1).Int() != 0 {
		t.Errorf("venue = %#v", venue.Interface())
	}
	rounds := field("rounds").([][]time.Time)
	if len(rounds) != 2 || len(rounds[0]) != 2 || rounds[0][1].Day() != 3 || len(rounds[1]) != 0 {
		t.Errorf("rounds = %v", rounds)
	}
}

func TestSchemaZeroInExpressions(t *testing.T) {
	loc := shanghai(t)
	s := NewSchema(append(meetingFields(), &orglife.Field{Name: "venue", Type: orglife.TypeObject, Fields: []*orglife.Field{
		{Name: "room", Type: orglife.TypeString},
	}}))
	vars := guardVars(s, map[string]any{"type": "theme_day"}, time.Now(), loc)
	for _, src := range []string{
		"data.present * 10 >= data.expected * 7",
		"len(data.absentees) == 0 && len(data.problems) == 0",
		"data.held_on.IsZero()",
		"data.venue.room == '' && data.minutes == ''",
		"count(data.absentees, .reason == '') == 0",
		"org.attributes.category == '' && instance.recorded_at.IsZero()",
	} {
		p, err := Compile(src, GuardEnv(s), KindBool)
		if err != nil {
			t.Errorf("%q: %v", src, err)
			continue
		}
		if ok, err := p.Bool(vars); !ok || err != nil {
			t.Errorf("%q = %v, %v; want true", src, ok, err)
		}
	}
	if !reflect.DeepEqual(s.Zero(), reflect.Zero(s.Type()).Interface()) {
		t.Errorf("Zero is not the zero value")
	}
}

func TestViews(t *testing.T) {
	loc := shanghai(t)
	start, parent := "2023-06-01", "c1"
	o := &orglife.Org{ID: "b1", Name: "一支部", Kind: orglife.KindBranch, ParentID: &parent, TermStartedOn: &start, TermYears: 3}
	v := NewOrgView(o, 12, loc)
	if !v.TermEndsOn.Equal(time.Date(2026, 6, 1, 0, 0, 0, 0, loc)) || v.ParentID != "c1" || v.MemberCount != 12 || v.Attributes == nil || !v.EstablishedOn.IsZero() {
		t.Errorf("org view = %+v", v)
	}
	at := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	in := NewInstanceView(&orglife.Instance{ID: "i1", Workflow: "meeting", State: "recorded", OrgID: "b1", Complete: true, RecordedAt: &at})
	if !in.RecordedAt.Equal(at) || !in.Complete || in.OrgID != "b1" {
		t.Errorf("instance view = %+v", in)
	}
	if a := NewActorView(orglife.Actor{Role: "branch", OrgID: "b1", Name: "sec"}); a.Name != "sec" || a.Role != "branch" {
		t.Errorf("actor view = %+v", a)
	}
}
