package storage_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/engine"
	"github.com/orglife/orglife/storage"
	"github.com/orglife/orglife/storage/storagetest"
)

var _ engine.Store = (*storage.DB)(nil)

// eachDB runs fn as a subtest on a fresh migrated database of every configured dialect.
func eachDB(t *testing.T, fn func(t *testing.T, db *storage.DB)) {
	t.Helper()
	for name, db := range storagetest.Databases(t) {
		t.Run(name, func(t *testing.T) { fn(t, db) })
	}
}

func ptr[T any](v T) *T { return &v }

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := orglife.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

var t0 = time.Date(2025, 3, 1, 10, 0, 0, 123456789, time.FixedZone("CST", 8*3600))

func newOrg(id string, parent *string) *orglife.Org {
	return &orglife.Org{
		ID: id, Name: "Org " + id, Kind: orglife.KindBranch, ParentID: parent,
		Attributes: map[string]string{"category": "student"}, CreatedAt: t0, UpdatedAt: t0,
	}
}

func seedTree(t *testing.T, db *storage.DB) {
	t.Helper()
	ctx := context.Background()
	must(t, db.CreateOrg(ctx, newOrg("root", nil)))
	must(t, db.CreateOrg(ctx, newOrg("b", ptr("root"))))
	must(t, db.CreateOrg(ctx, newOrg("a", ptr("root"))))
	must(t, db.CreateOrg(ctx, newOrg("a1", ptr("a"))))
	must(t, db.CreateOrg(ctx, newOrg("other", nil)))
}

func TestMigrateIdempotent(t *testing.T) {
	for name, dsn := range storagetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			db, err := storage.Open(ctx, dsn, nil)
			must(t, err)
			defer db.Close()
			if db.Dialect() != name {
				t.Fatalf("Dialect() = %q, want %q", db.Dialect(), name)
			}
			// Concurrent migrations apply each version once.
			var (
				wg  sync.WaitGroup
				mu  sync.Mutex
				all []string
			)
			for range 3 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					applied, err := db.Migrate(ctx)
					if err != nil {
						t.Error(err)
					}
					mu.Lock()
					all = append(all, applied...)
					mu.Unlock()
				}()
			}
			wg.Wait()
			if len(all) == 0 || all[0] != "0001_core" || len(all) != len(uniq(all)) {
				t.Fatalf("concurrent Migrate applied %v", all)
			}
			applied, err := db.Migrate(ctx)
			must(t, err)
			if len(applied) != 0 {
				t.Fatalf("second Migrate applied %v", applied)
			}
			must(t, db.Ping(ctx))
		})
	}
}

func uniq(ss []string) map[string]bool {
	m := map[string]bool{}
	for _, s := range ss {
		m[s] = true
	}
	return m
}

// TestInstantOrder: instants compare and sort chronologically in SQL on both databases (on SQLite
// they are text), whatever their fraction of a second.
func TestInstantOrder(t *testing.T) {
	eachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		seedTree(t, db)
		base := time.Date(2025, 1, 31, 23, 59, 59, 0, time.UTC)
		offsets := map[string]time.Duration{
			"i0": 0, "i1": 450 * time.Millisecond, "i2": 500 * time.Millisecond,
			"i3": time.Second, "i4": time.Second + time.Microsecond, "i5": 10 * time.Second,
		}
		var ins []*orglife.Instance
		for id, off := range offsets {
			in := newInstance(id, "a", "meeting", "recorded", `{}`)
			in.RecordedAt = ptr(base.Add(off))
			ins = append(ins, in)
		}
		must(t, db.InsertInstances(ctx, ins))
		var ids []string
		err := db.Bun().NewRaw("SELECT id FROM instances WHERE recorded_at < ? ORDER BY recorded_at DESC",
			base.Add(time.Second+time.Microsecond)).Scan(ctx, &ids)
		must(t, err)
		if !reflect.DeepEqual(ids, []string{"i3", "i2", "i1", "i0"}) {
			t.Fatalf("ids = %v", ids)
		}
	})
}

func TestOpenRejectsUnknownDSN(t *testing.T) {
	if _, err := storage.Open(context.Background(), "mysql://x", nil); err == nil {
		t.Fatal("want error")
	}
}

func TestOrgs(t *testing.T) {
	eachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		seedTree(t, db)

		o, err := db.Org(ctx, "a1")
		must(t, err)
		want := newOrg("a1", ptr("a"))
		want.CreatedAt = t0.UTC().Truncate(time.Microsecond)
		want.UpdatedAt = want.CreatedAt
		if !reflect.DeepEqual(o, want) {
			t.Fatalf("Org = %+v, want %+v", o, want)
		}
		if o.CreatedAt.Location() != time.UTC {
			t.Fatalf("CreatedAt location = %v", o.CreatedAt.Location())
		}

		wantCode(t, db.CreateOrg(ctx, newOrg("a", nil)), orglife.ECONFLICT)
		wantCode(t, db.CreateOrg(ctx, newOrg("x", ptr("missing"))), orglife.EINVALID)
		_, err = db.Org(ctx, "missing")
		if !errors.Is(err, orglife.ErrNotFound) {
			t.Fatalf("Org(missing) = %v", err)
		}

		o.Name, o.TermStartedOn, o.TermYears, o.Attributes = "Renamed", ptr("2024-01-05"), 3, nil
		must(t, db.UpdateOrg(ctx, o))
		got, err := db.Org(ctx, "a1")
		must(t, err)
		if got.Name != "Renamed" || *got.TermStartedOn != "2024-01-05" || got.TermYears != 3 || got.Attributes != nil {
			t.Fatalf("after update: %+v", got)
		}
		wantCode(t, db.UpdateOrg(ctx, newOrg("missing", nil)), orglife.ENOTFOUND)

		all, err := db.Orgs(ctx, nil)
		must(t, err)
		if ids := orgIDs(all); !reflect.DeepEqual(ids, []string{"a", "a1", "b", "other", "root"}) {
			t.Fatalf("Orgs(nil) = %v", ids)
		}
		some, err := db.Orgs(ctx, []string{"root", "b", "missing"})
		must(t, err)
		if ids := orgIDs(some); !reflect.DeepEqual(ids, []string{"b", "root"}) {
			t.Fatalf("Orgs(ids) = %v", ids)
		}
		none, err := db.Orgs(ctx, []string{})
		must(t, err)
		if none == nil || len(none) != 0 {
			t.Fatalf("Orgs([]) = %v", none)
		}

		path, err := db.OrgPath(ctx, "a1")
		must(t, err)
		if !reflect.DeepEqual(path, []string{"root", "a", "a1"}) {
			t.Fatalf("OrgPath = %v", path)
		}
		lineage, err := db.OrgLineage(ctx, "a1")
		must(t, err)
		a1, err := db.Org(ctx, "a1")
		must(t, err)
		if ids := orgIDs(lineage); !reflect.DeepEqual(ids, []string{"root", "a", "a1"}) || !reflect.DeepEqual(lineage[2], a1) {
			t.Fatalf("OrgLineage = %v (%+v, want %+v last)", ids, lineage, a1)
		}
		sub, err := db.Subtree(ctx, "root")
		must(t, err)
		if !reflect.DeepEqual(sub, []string{"root", "a", "b", "a1"}) {
			t.Fatalf("Subtree = %v", sub)
		}
		sub, err = db.Subtree(ctx, "a1")
		must(t, err)
		if !reflect.DeepEqual(sub, []string{"a1"}) {
			t.Fatalf("Subtree(leaf) = %v", sub)
		}
		_, err = db.OrgPath(ctx, "missing")
		wantCode(t, err, orglife.ENOTFOUND)
		_, err = db.OrgLineage(ctx, "missing")
		wantCode(t, err, orglife.ENOTFOUND)
		_, err = db.Subtree(ctx, "missing")
		wantCode(t, err, orglife.ENOTFOUND)
	})
}

func orgIDs(os []*orglife.Org) []string {
	ids := []string{}
	for _, o := range os {
		ids = append(ids, o.ID)
	}
	return ids
}

func TestMembers(t *testing.T) {
	eachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		seedTree(t, db)
		ms := []*orglife.Member{
			{ID: "m2", OrgID: "a", Name: "李四", Status: orglife.MemberFull, Roles: []string{"secretary", "committee"}, Leader: true, JoinedOn: ptr("2010-07-01"), CreatedAt: t0},
			{ID: "m1", OrgID: "a", Name: "张三", Status: orglife.MemberProbationary, CreatedAt: t0},
			{ID: "m0", OrgID: "b", Name: "王五", Status: orglife.MemberFull, Roles: []string{}, CreatedAt: t0},
		}
		for _, m := range ms {
			must(t, db.CreateMember(ctx, m))
		}
		wantCode(t, db.CreateMember(ctx, ms[0]), orglife.ECONFLICT)

		got, err := db.Members(ctx, []string{"a", "b"})
		must(t, err)
		want := []*orglife.Member{ms[1], ms[0], ms[2]}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("Members = %s, want %s", js(got), js(want))
		}
		got, err = db.Members(ctx, []string{"b"})
		must(t, err)
		if len(got) != 1 || got[0].ID != "m0" {
			t.Fatalf("Members(b) = %s", js(got))
		}
		got, err = db.Members(ctx, nil)
		must(t, err)
		if len(got) != 3 {
			t.Fatalf("Members(nil) = %s", js(got))
		}
	})
}

func TestTokens(t *testing.T) {
	eachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		n, err := db.CountTokens(ctx)
		must(t, err)
		if n != 0 {
			t.Fatalf("CountTokens = %d", n)
		}
		tok := &orglife.Token{ID: "t1", Name: "admin", Role: orglife.RoleAdmin, Hash: "h1", CreatedAt: t0}
		must(t, db.CreateToken(ctx, tok))
		must(t, db.CreateToken(ctx, &orglife.Token{ID: "t2", Name: "b", Role: orglife.RoleBranch, OrgID: "a", Hash: "h2", CreatedAt: t0}))
		wantCode(t, db.CreateToken(ctx, &orglife.Token{ID: "t9", Hash: "h1", CreatedAt: t0}), orglife.ECONFLICT)

		got, err := db.TokenByHash(ctx, "h1")
		must(t, err)
		if !reflect.DeepEqual(got, tok) {
			t.Fatalf("TokenByHash = %+v, want %+v", got, tok)
		}
		_, err = db.TokenByHash(ctx, "nope")
		if !errors.Is(err, orglife.ErrNotFound) {
			t.Fatalf("TokenByHash(nope) = %v", err)
		}
		n, err = db.CountTokens(ctx)
		must(t, err)
		if n != 2 {
			t.Fatalf("CountTokens = %d", n)
		}

		// An expiry round-trips in UTC; lists page by id.
		exp := t0.Add(90 * 24 * time.Hour)
		must(t, db.CreateToken(ctx, &orglife.Token{ID: "t3", Name: "c", Role: orglife.RoleAdmin, Hash: "h3", CreatedAt: t0, ExpiresAt: &exp}))
		got, err = db.TokenByHash(ctx, "h3")
		must(t, err)
		if got.ExpiresAt == nil || !got.ExpiresAt.Equal(utcMicro(exp)) || got.ExpiresAt.Location() != time.UTC {
			t.Fatalf("expires_at = %v, want %v", got.ExpiresAt, exp)
		}
		all, err := db.Tokens(ctx, "", 0)
		must(t, err)
		page, err := db.Tokens(ctx, "t1", 1)
		must(t, err)
		if len(all) != 3 || all[0].ID != "t1" || len(page) != 1 || page[0].ID != "t2" {
			t.Fatalf("Tokens = %v, page after t1 = %v", all, page)
		}

		// The last use is written only when the stored one is older than notBefore.
		use := t0.Add(time.Hour)
		must(t, db.TouchToken(ctx, "t1", use, use.Add(-time.Minute)))
		must(t, db.TouchToken(ctx, "t1", use.Add(30*time.Second), use.Add(-30*time.Second)))
		got, _ = db.TokenByHash(ctx, "h1")
		if got.LastUsedAt == nil || !got.LastUsedAt.Equal(utcMicro(use)) {
			t.Fatalf("last_used_at = %v, want %v (a touch within the interval is skipped)", got.LastUsedAt, use)
		}
		must(t, db.TouchToken(ctx, "t1", use.Add(time.Minute), use))
		got, _ = db.TokenByHash(ctx, "h1")
		if !got.LastUsedAt.Equal(utcMicro(use.Add(time.Minute))) {
			t.Fatalf("last_used_at = %v, want %v", got.LastUsedAt, use.Add(time.Minute))
		}

		// Revocation: once, then unchanged; unknown ids are not found.
		changed, err := db.RevokeToken(ctx, "t2", use)
		must(t, err)
		again, err := db.RevokeToken(ctx, "t2", use.Add(time.Hour))
		must(t, err)
		if !changed || again {
			t.Fatalf("RevokeToken changed = %v, again = %v", changed, again)
		}
		got, _ = db.TokenByHash(ctx, "h2")
		if got.RevokedAt == nil || !got.RevokedAt.Equal(utcMicro(use)) {
			t.Fatalf("revoked_at = %v, want %v", got.RevokedAt, use)
		}
		_, err = db.RevokeToken(ctx, "nope", use)
		wantCode(t, err, orglife.ENOTFOUND)
	})
}

func utcMicro(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// newInstance returns an instance of org with data decoded from JSON (so numbers are float64,
// as they read back).
func newInstance(id, org, workflow, state string, data string) *orglife.Instance {
	var m map[string]any
	if err := json.Unmarshal([]byte(data), &m); err != nil {
		panic(err)
	}
	in := &orglife.Instance{
		ID: id, Workflow: workflow, WorkflowVersion: "v1", OrgID: org, State: state, Version: 1,
		Data: m, CreatedData: m, CreatedAt: t0, UpdatedAt: t0, CreatedBy: "tester",
	}
	in.CreationHash = orglife.CreationHash(in)
	return in
}

func TestInstances(t *testing.T) {
	eachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		seedTree(t, db)
		data := `{"type":"theme_day","held_on":"2025-03-01","present":7,"ratio":0.1,"topic":"学习<二十大>","absentees":[{"name":"张三","reason":"病假"}],"nothing":null,"ok":true}`
		i1 := newInstance("i1", "a", "meeting", "recorded", data)
		i1.Complete, i1.OccursOn, i1.RecordedAt, i1.UniqueKey = true, ptr("2025-03-01"), ptr(t0.Add(time.Hour)), ptr("theme_day|2025-03-01")
		i2 := newInstance("i2", "a", "meeting", "planned", `{"type":"lecture"}`)
		i2.OccursOn = ptr("2025-04-10")
		i3 := newInstance("i3", "b", "rectification", "open", `{"problem":"p1"}`)
		i3.ParentID, i3.ParentAction, i3.ParentKey = ptr("i1"), "rectify", "p1"
		i4 := newInstance("i4", "b", "rectification", "open", `{"problem":"p2"}`)
		i4.ParentID, i4.ParentAction, i4.ParentKey = ptr("i1"), "rectify", "p2"
		i5 := newInstance("i5", "a", "meeting", "cancelled", `{}`)
		i5.CreatedData, i5.Data = nil, map[string]any{}
		i5.CreationHash = orglife.CreationHash(i5)
		must(t, db.InsertInstances(ctx, []*orglife.Instance{i1, i2, i3, i4, i5}))
		must(t, db.InsertInstances(ctx, nil))

		got, err := db.Instance(ctx, "i1", false)
		must(t, err)
		if !reflect.DeepEqual(got, i1) {
			t.Fatalf("Instance = %#v\nwant %#v", *got, *i1)
		}
		if got.CreatedAt.Nanosecond() != 123456000 || got.CreatedAt.Location() != time.UTC || got.RecordedAt.Location() != time.UTC {
			t.Fatalf("instants not UTC microseconds: %v %v", got.CreatedAt, got.RecordedAt)
		}
		if orglife.CreationHash(got) != i1.CreationHash {
			t.Fatal("creation hash does not recompute")
		}
		got5, err := db.Instance(ctx, "i5", false)
		must(t, err)
		if got5.CreatedData != nil || got5.Data == nil || orglife.CreationHash(got5) != i5.CreationHash {
			t.Fatalf("nil/empty maps do not round-trip: %s", js(got5))
		}
		_, err = db.Instance(ctx, "missing", false)
		if !errors.Is(err, orglife.ErrNotFound) {
			t.Fatalf("Instance(missing) = %v", err)
		}

		// Unique keys: a clash is a conflict and nothing of the statement is inserted; NULLs and
		// other orgs or workflows do not clash.
		dup := newInstance("i6", "a", "meeting", "planned", `{}`)
		dup.UniqueKey = ptr("theme_day|2025-03-01")
		okOne := newInstance("i7", "a", "meeting", "planned", `{}`)
		wantCode(t, db.InsertInstances(ctx, []*orglife.Instance{okOne, dup}), orglife.ECONFLICT)
		_, err = db.Instance(ctx, "i7", false)
		wantCode(t, err, orglife.ENOTFOUND)
		other := newInstance("i8", "b", "meeting", "planned", `{}`)
		other.UniqueKey = ptr("theme_day|2025-03-01")
		must(t, db.InsertInstances(ctx, []*orglife.Instance{other}))
		wantCode(t, db.InsertInstances(ctx, []*orglife.Instance{newInstance("i1", "a", "meeting", "planned", `{}`)}), orglife.ECONFLICT)

		list := func(f orglife.InstanceFilter) []string {
			t.Helper()
			ins, err := db.Instances(ctx, f)
			must(t, err)
			ids := []string{}
			for _, in := range ins {
				ids = append(ids, in.ID)
			}
			return ids
		}
		for _, tc := range []struct {
			f    orglife.InstanceFilter
			want []string
		}{
			{orglife.InstanceFilter{}, []string{"i1", "i2", "i3", "i4", "i5", "i8"}},
			{orglife.InstanceFilter{Workflow: "meeting", OrgIDs: []string{"a"}}, []string{"i1", "i2", "i5"}},
			{orglife.InstanceFilter{OrgIDs: []string{"b", "zzz"}}, []string{"i3", "i4", "i8"}},
			{orglife.InstanceFilter{OrgIDs: []string{}}, []string{"i1", "i2", "i3", "i4", "i5", "i8"}},
			{orglife.InstanceFilter{IDs: []string{"i4", "i2", "nope"}}, []string{"i2", "i4"}},
			{orglife.InstanceFilter{State: "open"}, []string{"i3", "i4"}},
			{orglife.InstanceFilter{ParentID: "i1"}, []string{"i3", "i4"}},
			{orglife.InstanceFilter{From: "2025-03-01", To: "2025-03-31"}, []string{"i1"}},
			{orglife.InstanceFilter{From: "2025-03-02"}, []string{"i2"}},
			{orglife.InstanceFilter{To: "2025-04-10"}, []string{"i1", "i2"}},
			{orglife.InstanceFilter{Cursor: "i2", Limit: 2}, []string{"i3", "i4"}},
		} {
			if got := list(tc.f); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Instances(%+v) = %v, want %v", tc.f, got, tc.want)
			}
		}
		// A long org list stays one query.
		many := make([]string, 5000)
		for i := range many {
			many[i] = fmt.Sprintf("org-%05d", i)
		}
		many[4321] = "b"
		if got := list(orglife.InstanceFilter{OrgIDs: many}); !reflect.DeepEqual(got, []string{"i3", "i4", "i8"}) {
			t.Errorf("Instances(5000 orgs) = %v", got)
		}

		keys, err := db.ChildKeys(ctx, "i1")
		must(t, err)
		if !reflect.DeepEqual(keys, map[string]bool{"rectify\x00p1": true, "rectify\x00p2": true}) {
			t.Fatalf("ChildKeys = %v", keys)
		}
		keys, err = db.ChildKeys(ctx, "i2")
		must(t, err)
		if keys == nil || len(keys) != 0 {
			t.Fatalf("ChildKeys(none) = %v", keys)
		}
	})
}

func TestUpdateInstance(t *testing.T) {
	eachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		seedTree(t, db)
		in := newInstance("i1", "a", "meeting", "planned", `{"type":"lecture"}`)
		in.UniqueKey = ptr("k1")
		in2 := newInstance("i2", "a", "meeting", "planned", `{}`)
		in2.UniqueKey = ptr("k2")
		must(t, db.InsertInstances(ctx, []*orglife.Instance{in, in2}))

		in.State, in.Complete, in.Version = "recorded", true, 2
		in.Data = map[string]any{"type": "lecture", "minutes": "写了纪要"}
		in.OccursOn, in.RecordedAt, in.UpdatedAt = ptr("2025-03-02"), ptr(t0.Add(2*time.Hour)), t0.Add(2*time.Hour)
		must(t, db.UpdateInstance(ctx, in, 1))
		got, err := db.Instance(ctx, "i1", false)
		must(t, err)
		if !reflect.DeepEqual(got, in) {
			t.Fatalf("after update: %s\nwant %s", js(got), js(in))
		}

		in.Version = 3
		wantCode(t, db.UpdateInstance(ctx, in, 1), orglife.ECONFLICT)
		wantCode(t, db.UpdateInstance(ctx, newInstance("nope", "a", "meeting", "planned", `{}`), 1), orglife.ENOTFOUND)
		in.UniqueKey = ptr("k2")
		wantCode(t, db.UpdateInstance(ctx, in, 2), orglife.ECONFLICT)
		in.UniqueKey = nil
		must(t, db.UpdateInstance(ctx, in, 2))
	})
}

func TestTransitionsAndChains(t *testing.T) {
	eachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		seedTree(t, db)
		var ins []*orglife.Instance
		for i := range 1203 { // more than two ScanChains batches
			ins = append(ins, newInstance(fmt.Sprintf("i%04d", i), "a", "meeting", "planned", `{"n":1}`))
		}
		must(t, db.InsertInstances(ctx, ins))

		first := ins[7]
		prev := first.CreationHash
		var want []*orglife.Transition
		for seq := 1; seq <= 3; seq++ {
			tr := &orglife.Transition{
				InstanceID: first.ID, Seq: seq, Event: "hold", From: "planned", To: "held",
				Actor: "branch a", ActorRole: orglife.RoleBranch, At: t0.Add(time.Duration(seq) * time.Minute),
				Data: map[string]any{"present": float64(seq), "note": "第" + fmt.Sprint(seq) + "次"}, Comment: "c",
				PrevHash: prev,
			}
			if seq == 2 {
				tr.Data, tr.Comment = nil, ""
			}
			tr.Hash = orglife.TransitionHash(prev, tr)
			prev = tr.Hash
			want = append(want, tr)
		}
		// Insert out of order; read back by seq.
		for _, i := range []int{2, 0, 1} {
			must(t, db.InsertTransition(ctx, want[i]))
		}
		wantCode(t, db.InsertTransition(ctx, want[0]), orglife.ECONFLICT)
		wantCode(t, db.InsertTransition(ctx, &orglife.Transition{InstanceID: "missing", Seq: 1, At: t0}), orglife.EINVALID)

		got, err := db.Transitions(ctx, first.ID)
		must(t, err)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("Transitions = %s\nwant %s", js(got), js(want))
		}
		prev = first.CreationHash
		for _, tr := range got {
			if orglife.TransitionHash(prev, tr) != tr.Hash {
				t.Fatalf("hash of seq %d does not recompute", tr.Seq)
			}
			prev = tr.Hash
		}
		none, err := db.Transitions(ctx, "missing")
		must(t, err)
		if none == nil || len(none) != 0 {
			t.Fatalf("Transitions(missing) = %v", none)
		}

		var seen []string
		err = db.ScanChains(ctx, func(in *orglife.Instance, ts []*orglife.Transition) error {
			seen = append(seen, in.ID)
			if in.ID == first.ID && len(ts) != 3 || in.ID != first.ID && len(ts) != 0 {
				return fmt.Errorf("%s: %d transitions", in.ID, len(ts))
			}
			return nil
		})
		must(t, err)
		if len(seen) != len(ins) || !sort.StringsAreSorted(seen) {
			t.Fatalf("ScanChains saw %d instances (sorted %v)", len(seen), sort.StringsAreSorted(seen))
		}
		stop := errors.New("stop")
		calls := 0
		err = db.ScanChains(ctx, func(*orglife.Instance, []*orglife.Transition) error { calls++; return stop })
		if !errors.Is(err, stop) || calls != 1 {
			t.Fatalf("ScanChains error = %v after %d calls", err, calls)
		}
	})
}

func TestIdempotency(t *testing.T) {
	eachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		r := &orglife.IdempotencyRecord{Scope: "t1", Key: "k", RequestHash: "rh", Response: []byte(`{"id":"i1"}`), CreatedAt: t0}
		must(t, db.SaveIdempotency(ctx, r))
		got, err := db.Idempotency(ctx, "t1", "k")
		must(t, err)
		if !reflect.DeepEqual(got, r) {
			t.Fatalf("Idempotency = %+v, want %+v", got, r)
		}
		wantCode(t, db.SaveIdempotency(ctx, r), orglife.ECONFLICT)
		must(t, db.SaveIdempotency(ctx, &orglife.IdempotencyRecord{Scope: "t2", Key: "k", Response: []byte(`{}`), CreatedAt: t0}))
		_, err = db.Idempotency(ctx, "t1", "other")
		if !errors.Is(err, orglife.ErrNotFound) {
			t.Fatalf("Idempotency(missing) = %v", err)
		}
	})
}

func TestInTx(t *testing.T) {
	eachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		boom := errors.New("boom")
		err := db.InTx(ctx, func(ctx context.Context) error {
			tx := db
			must(t, tx.CreateOrg(ctx, newOrg("x", nil)))
			if _, err := tx.Org(ctx, "x"); err != nil {
				return err
			}
			// Nested InTx runs in the same transaction.
			return tx.InTx(ctx, func(ctx context.Context) error {
				tx := db
				if _, err := tx.Org(ctx, "x"); err != nil {
					return err
				}
				return boom
			})
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx = %v, want boom", err)
		}
		_, err = db.Org(ctx, "x")
		wantCode(t, err, orglife.ENOTFOUND)

		must(t, db.InTx(ctx, func(ctx context.Context) error {
			tx := db
			must(t, tx.Ping(ctx))
			return tx.CreateOrg(ctx, newOrg("y", nil))
		}))
		_, err = db.Org(ctx, "y")
		must(t, err)
	})
}

// TestConcurrentAdvance: twenty writers read the instance for update and advance it from the same
// version; exactly one succeeds, the others get conflicts, and history has one row.
func TestConcurrentAdvance(t *testing.T) {
	eachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		seedTree(t, db)
		in := newInstance("i1", "a", "meeting", "planned", `{}`)
		must(t, db.InsertInstances(ctx, []*orglife.Instance{in}))

		const n = 20
		var (
			wg        sync.WaitGroup
			mu        sync.Mutex
			ok, confl int
			others    []error
		)
		for g := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := db.InTx(ctx, func(ctx context.Context) error {
					tx := db
					cur, err := tx.Instance(ctx, "i1", true)
					if err != nil {
						return err
					}
					cur.State, cur.Version, cur.UpdatedAt = "held", 2, t0.Add(time.Duration(g)*time.Second)
					if err := tx.UpdateInstance(ctx, cur, 1); err != nil {
						return err
					}
					tr := &orglife.Transition{
						InstanceID: "i1", Seq: 1, Event: "hold", From: "planned", To: "held",
						Actor: fmt.Sprint("g", g), At: cur.UpdatedAt, PrevHash: cur.CreationHash,
					}
					tr.Hash = orglife.TransitionHash(tr.PrevHash, tr)
					return tx.InsertTransition(ctx, tr)
				})
				mu.Lock()
				defer mu.Unlock()
				switch orglife.ErrorCode(err) {
				case "":
					ok++
				case orglife.ECONFLICT:
					confl++
				default:
					others = append(others, err)
				}
			}()
		}
		wg.Wait()
		if ok != 1 || confl != n-1 || len(others) != 0 {
			t.Fatalf("ok=%d conflicts=%d others=%v", ok, confl, others)
		}
		got, err := db.Instance(ctx, "i1", false)
		must(t, err)
		ts, err := db.Transitions(ctx, "i1")
		must(t, err)
		if got.Version != 2 || len(ts) != 1 {
			t.Fatalf("version %d, %d transitions", got.Version, len(ts))
		}
	})
}

func js(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
