package roster_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/compliance"
	"github.com/orglife/orglife/engine"
	"github.com/orglife/orglife/roster"
	"github.com/orglife/orglife/sheets"
	"github.com/orglife/orglife/storage"
	"github.com/orglife/orglife/storage/storagetest"
	"github.com/orglife/orglife/workflows"
)

var admin = orglife.Actor{Role: orglife.RoleAdmin, Name: "admin"}

// world is an importer on a real database with the org c → b1 → … created.
type world struct {
	db  *storage.DB
	svc *engine.Service
	im  roster.Importer
}

func newWorld(t *testing.T, db *storage.DB) *world {
	t.Helper()
	set, ps := workflows.NewSet(nil)
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	now := func() time.Time { return time.Date(2025, 9, 1, 10, 0, 0, 0, time.UTC) }
	chk := compliance.New(compliance.Config{Store: db, Workflows: set, Now: now})
	svc := engine.New(engine.Config{Store: db, Workflows: set, Evaluations: chk, Now: now})
	w := &world{db: db, svc: svc}
	w.im = roster.Importer{Read: db, Now: now, Write: roster.EngineWriter{Svc: svc, Store: db}}
	ctx := context.Background()
	for _, o := range []*orglife.Org{{ID: "c", Name: "研究生院党委", Kind: "committee"}, {ID: "b1", Name: "博士生第一党支部", Kind: "branch", ParentID: ptr("c")},
		{ID: "b2", Name: "硕士生第二党支部", Kind: "branch", ParentID: ptr("c")}} {
		if _, err := svc.CreateOrg(ctx, admin, o); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

func ptr(s string) *string { return &s }

// roster30 is a roster of 30 members of b1 with the documented headers.
func roster30() *sheets.Table {
	t := &sheets.Table{Title: "花名册", Header: roster.MemberColumns}
	for i := 1; i <= 30; i++ {
		status, full, roles := "正式党员", fmt.Sprintf("2021-%02d-15", i%12+1), ""
		if i%5 == 0 {
			status, full = "预备党员", ""
		}
		switch i {
		case 1:
			roles = "书记"
		case 2:
			roles = "副书记、组织委员"
		case 3:
			roles = "宣传委员"
		}
		t.Rows = append(t.Rows, []string{"b1", fmt.Sprintf("党员%02d", i), fmt.Sprintf("S2020%03d", i), status,
			fmt.Sprintf("2020/%d/1", i%12+1), full, roles, "否"})
	}
	return t
}

func xlsx(t *testing.T, tb *sheets.Table) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := sheets.WriteXLSX(&b, tb); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func members(t *testing.T, db *storage.DB, org string) []*orglife.Member {
	t.Helper()
	ms, err := db.Members(context.Background(), []string{org})
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

func TestMemberImport(t *testing.T) {
	for name, db := range storagetest.Databases(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			w := newWorld(t, db)
			file := xlsx(t, roster30())

			// a dry run plans 30 creations and writes nothing
			res, err := w.im.Import(ctx, admin, roster.Params{Kind: roster.KindMembers, Name: "花名册.xlsx", Data: file, DryRun: true})
			if err != nil || len(res.Problems) > 0 || len(res.Created) != 30 || res.Written {
				t.Fatalf("dry run: %+v %v", res, err)
			}
			if n := len(members(t, db, "b1")); n != 0 {
				t.Fatalf("a dry run wrote %d members", n)
			}
			res, err = w.im.Import(ctx, admin, roster.Params{Kind: roster.KindMembers, Name: "花名册.xlsx", Data: file})
			if err != nil || !res.Written || len(res.Created) != 30 || res.Format != "xlsx" {
				t.Fatalf("import: %+v %v", res, err)
			}
			ms := members(t, db, "b1")
			if len(ms) != 30 || ms[0].ID != "s2020001" || ms[0].Name != "党员01" || ms[0].Roles[0] != "secretary" || *ms[0].JoinedOn != "2020-02-01" {
				t.Fatalf("stored: %d %+v", len(ms), ms[0])
			}
			if ms[1].Roles[0] != "committee" || ms[1].Roles[1] != "deputy_secretary" || ms[4].Status != "probationary" {
				t.Errorf("roles or status: %+v %+v", ms[1], ms[4])
			}

			// the same file again changes nothing
			res, err = w.im.Import(ctx, admin, roster.Params{Kind: roster.KindMembers, Name: "花名册.xlsx", Data: file})
			if err != nil || len(res.Created) != 0 || len(res.Changed) != 0 || len(res.Unchanged) != 30 {
				t.Fatalf("again: created %d changed %+v unchanged %d %v", len(res.Created), res.Changed, len(res.Unchanged), err)
			}
			if n := len(members(t, db, "b1")); n != 30 {
				t.Fatalf("again: %d members", n)
			}

			// three bad cells: refused whole, naming the three cells
			bad := roster30()
			bad.Rows[3][3] = "党员"         // D5: status
			bad.Rows[9][4] = "2020-13-01" // E11: joined
			bad.Rows[20][2] = ""          // C22: id
			bad.Rows[0][1] = "改名的书记"      // a valid change that must not be written
			res, err = w.im.Import(ctx, admin, roster.Params{Kind: roster.KindMembers, Name: "bad.xlsx", Data: xlsx(t, bad)})
			if err != nil || res.Written {
				t.Fatalf("bad file: %+v %v", res, err)
			}
			var at []string
			for _, p := range res.Problems {
				at = append(at, p.At)
			}
			if got := strings.Join(at, " "); got != "花名册!D5 花名册!E11 花名册!C22" {
				t.Fatalf("problems at %s: %v", got, res.Problems)
			}
			if !strings.Contains(res.Problems[0].Message, "党籍状态") || !strings.Contains(res.Problems[1].Message, "入党日期") {
				t.Errorf("messages: %v", res.Problems)
			}
			if ms := members(t, db, "b1"); ms[0].Name != "党员01" {
				t.Errorf("a refused file changed %s", ms[0].Name)
			}

			// a change and a full roster with two people missing
			next := roster30()
			next.Rows[4][3] = "正式党员" // 转正 of 党员05
			next.Rows[4][5] = "2025-06-01"
			next.Rows = next.Rows[:28]
			res, err = w.im.Import(ctx, admin, roster.Params{Kind: roster.KindMembers, Name: "next.xlsx", Data: xlsx(t, next), Full: true})
			if err != nil || len(res.Changed) != 1 || res.Changed[0].ID != "s2020005" || res.Changed[0].Fields[0].To != "正式党员" ||
				len(res.Missing) != 2 || res.Missing[0].ID != "s2020029" || len(res.Left) != 0 {
				t.Fatalf("full roster: %+v %v", res, err)
			}
			if ms := members(t, db, "b1"); len(ms) != 30 || ms[4].Status != "full" {
				t.Errorf("after the change: %d %+v", len(ms), ms[4])
			}
			// leaving is recorded for the two missing members
			res, err = w.im.Import(ctx, admin, roster.Params{Kind: roster.KindMembers, Name: "next.xlsx", Data: xlsx(t, next), Full: true, Leave: true})
			if err != nil || !res.Written || len(res.Problems) != 0 || len(res.Left) != 2 || len(res.Changed) != 0 {
				t.Errorf("leave: %+v %v", res, err)
			}
			if ms := members(t, db, "b1"); len(ms) != 28 {
				t.Errorf("after leaving: %d members", len(ms))
			}

			// a GBK CSV imports with its Chinese intact
			csv := "所在党组织编码,姓名,学工号,党籍状态,入党日期,职务\r\nb2,欧阳娜娜,M2023001,预备党员,2024年6月1日,\r\nb2,张伟,M2023002,正式党员,2019.7.1,党小组长\r\n"
			gbk, _ := simplifiedchinese.GBK.NewEncoder().String(csv)
			res, err = w.im.Import(ctx, admin, roster.Params{Kind: roster.KindMembers, Name: "roster.csv", Data: []byte(gbk)})
			if err != nil || !res.Written || res.Encoding != "GBK" || len(res.Created) != 2 {
				t.Fatalf("GBK csv: %+v %v", res, err)
			}
			if ms := members(t, db, "b2"); ms[0].Name != "欧阳娜娜" || ms[1].Name != "张伟" || ms[1].Roles[0] != "group_leader" {
				t.Errorf("GBK names: %+v %+v", ms[0], ms[1])
			}
			// an unknown org and a CSV problem at line:column
			res, _ = w.im.Import(ctx, admin, roster.Params{Kind: roster.KindMembers, Name: "x.csv", Data: []byte("所在党组织编码,姓名,学工号,党籍状态\nzz,甲,1,正式党员\nb2,乙,2,团员\n")})
			if len(res.Problems) != 2 || res.Problems[0].At != "3:4" || res.Problems[1].At != "2:1" {
				t.Errorf("csv problems: %v", res.Problems)
			}
			if _, err := w.im.Import(ctx, orglife.Actor{Role: orglife.RoleBranch, OrgID: "b1"}, roster.Params{Kind: roster.KindMembers, Name: "a.csv"}); orglife.ErrorCode(err) != orglife.EFORBIDDEN {
				t.Errorf("a branch imported: %v", err)
			}
		})
	}
}

func TestOrgImport(t *testing.T) {
	for name, db := range storagetest.Databases(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			w := newWorld(t, db)
			// the child comes before its new parent; b1 gets a term
			csv := "党组织编码,党组织名称,组织类型,上级党组织编码,成立日期,本届任期开始日期,任期年限,支部类型\n" +
				"g2b1,2025级硕士生第一党支部,党支部,g2,2025-09-01,2025-09-01,3,硕士生\n" +
				"g2,硕士生党总支,党总支,c,2025-09-01,,,\n" +
				"b1,博士生第一党支部,党支部,c,,2023-06-01,3,博士生\n"
			res, err := w.im.Import(ctx, admin, roster.Params{Kind: roster.KindOrgs, Name: "orgs.csv", Data: []byte(csv)})
			if err != nil || !res.Written || len(res.Created) != 2 || len(res.Changed) != 1 {
				t.Fatalf("orgs: %+v %v", res, err)
			}
			o, err := db.Org(ctx, "g2b1")
			if err != nil || *o.ParentID != "g2" || o.Attributes["level"] != "master" || o.TermYears != 3 {
				t.Fatalf("g2b1: %+v %v", o, err)
			}
			res, err = w.im.Import(ctx, admin, roster.Params{Kind: roster.KindOrgs, Name: "orgs.csv", Data: []byte(csv)})
			if err != nil || len(res.Created)+len(res.Changed) != 0 || len(res.Unchanged) != 3 {
				t.Fatalf("again: %+v %v", res, err)
			}
			bad := "党组织编码,党组织名称,组织类型,上级党组织编码\nx1,甲,支队,nope\nx1,乙,党支部,\n"
			res, _ = w.im.Import(ctx, admin, roster.Params{Kind: roster.KindOrgs, Name: "bad.csv", Data: []byte(bad)})
			var at []string
			for _, p := range res.Problems {
				at = append(at, p.At)
			}
			if strings.Join(at, " ") != "2:3 3:1 2:4" {
				t.Errorf("org problems: %v", res.Problems)
			}
		})
	}
}

// history returns the kinds of a member's history entries, oldest first.
func history(t *testing.T, w *world, org, id string) ([]*orglife.MemberChange, string) {
	t.Helper()
	h, err := w.svc.MemberHistory(context.Background(), admin, org, id)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, c := range h {
		kinds = append(kinds, c.Kind)
	}
	return h, strings.Join(kinds, " ")
}

// changes counts the history entries of all members.
func changes(t *testing.T, db *storage.DB) int {
	t.Helper()
	ms, err := db.MembersByID(context.Background(), []string{"s2020001", "s2020002", "s2020003", "s2020004", "s2020005"})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, m := range ms {
		ids = append(ids, m.ID)
	}
	h, err := db.MemberChanges(context.Background(), ids)
	if err != nil {
		t.Fatal(err)
	}
	return len(h)
}

// TestMemberImportHistory: imports write through the engine's member operations, so a member's
// history shows the transfer, the 转正 and the leaving an import records; the 转正日期 is kept;
// a re-import writes no history; the dry run reports what the real run does.
func TestMemberImportHistory(t *testing.T) {
	for name, db := range storagetest.Databases(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			w := newWorld(t, db)
			file := roster30()
			file.Rows = file.Rows[:5] // 01 书记 … 05 预备党员
			imp := func(tb *sheets.Table, p roster.Params) *roster.Result {
				t.Helper()
				p.Kind, p.Name, p.Data = roster.KindMembers, "花名册.xlsx", xlsx(t, tb)
				p.DryRun = true
				dry, err := w.im.Import(ctx, admin, p)
				if err != nil || len(dry.Problems) > 0 {
					t.Fatalf("dry run: %+v %v", dry, err)
				}
				p.DryRun = false
				res, err := w.im.Import(ctx, admin, p)
				if err != nil || len(res.Problems) > 0 || !res.Written {
					t.Fatalf("import: %+v %v", res, err)
				}
				ids := func(cs []roster.Change) string {
					var out []string
					for _, c := range cs {
						out = append(out, c.ID)
					}
					return strings.Join(out, ",")
				}
				for _, pair := range [][2][]roster.Change{{dry.Created, res.Created}, {dry.Changed, res.Changed}, {dry.Missing, res.Missing}, {dry.Left, res.Left}} {
					if ids(pair[0]) != ids(pair[1]) {
						t.Errorf("the dry run planned %s, the import did %s", ids(pair[0]), ids(pair[1]))
					}
				}
				return res
			}
			imp(file, roster.Params{})
			m, err := w.svc.GetMember(ctx, admin, "b1", "s2020001")
			if err != nil || m.ConfirmedOn == nil || *m.ConfirmedOn != "2021-02-15" {
				t.Fatalf("转正日期 not stored: %+v %v", m, err)
			}
			n := changes(t, db)
			if n != 5 {
				t.Fatalf("%d history entries after creating 5 members", n)
			}

			// the same file again: nothing changed, no history entry
			if res := imp(file, roster.Params{}); len(res.Changed) != 0 || len(res.Unchanged) != 5 {
				t.Fatalf("again: %+v", res)
			}
			if got := changes(t, db); got != n {
				t.Fatalf("the same file again wrote %d history entries", got-n)
			}

			// 书记 moves to b2 (a transfer, then the post again), 党员05 becomes a full member
			next := roster30()
			next.Rows = next.Rows[:5]
			next.Rows[0][0] = "b2"
			next.Rows[4][3], next.Rows[4][5] = "正式党员", "2025-06-01"
			res := imp(next, roster.Params{})
			if len(res.Changed) != 2 || res.Changed[0].ID != "s2020001" || res.Changed[0].Fields[0].Field != roster.ColMemberOrg {
				t.Fatalf("changes: %+v", res.Changed)
			}
			h, kinds := history(t, w, "b2", "s2020001")
			if kinds != "join transfer roles" || *h[1].FromOrgID != "b1" || h[1].OrgID != "b2" || *h[1].On != "2025-09-01" {
				t.Fatalf("history of the transfer: %s %+v", kinds, h[1])
			}
			if m, _ := w.svc.GetMember(ctx, admin, "b2", "s2020001"); len(m.Roles) != 1 || m.Roles[0] != "secretary" || *m.Since != "2025-09-01" {
				t.Errorf("after the transfer: %+v", m)
			}
			h, kinds = history(t, w, "b1", "s2020005")
			if m, _ := w.svc.GetMember(ctx, admin, "b1", "s2020005"); kinds != "join confirm" || *h[1].On != "2025-06-01" ||
				m.Status != "full" || *m.ConfirmedOn != "2025-06-01" {
				t.Errorf("转正: %s %+v", kinds, m)
			}
			n = changes(t, db)
			if res := imp(next, roster.Params{}); len(res.Changed) != 0 {
				t.Fatalf("again: %+v", res.Changed)
			}
			if got := changes(t, db); got != n {
				t.Fatalf("the changed file again wrote %d history entries", got-n)
			}

			// --full --leave: 党员02 and 党员03 are not in b1's roster any more
			full := roster30()
			full.Rows = [][]string{next.Rows[3], next.Rows[4]}
			res = imp(full, roster.Params{Full: true, Leave: true})
			if len(res.Left) != 2 || res.Left[0].ID != "s2020002" || res.Left[1].ID != "s2020003" {
				t.Fatalf("left: %+v", res.Left)
			}
			h, kinds = history(t, w, "b1", "s2020002")
			if kinds != "join leave" || !h[1].Left || h[1].Reason != roster.LeaveReason || *h[1].On != "2025-09-01" {
				t.Fatalf("history of the leaving: %s %+v", kinds, h[len(h)-1])
			}
			if ms := members(t, db, "b1"); len(ms) != 2 {
				t.Errorf("b1 after leaving: %d members", len(ms))
			}
			n = changes(t, db)
			if res := imp(full, roster.Params{Full: true, Leave: true}); len(res.Left) != 0 || len(res.Missing) != 0 || len(res.Changed) != 0 {
				t.Fatalf("again: %+v", res)
			}
			if got := changes(t, db); got != n {
				t.Fatalf("the full roster again wrote %d history entries", got-n)
			}

			// a member who left cannot come back by an import: a problem at the row, nothing written
			res, err = w.im.Import(ctx, admin, roster.Params{Kind: roster.KindMembers, Name: "back.xlsx", Data: xlsx(t, next)})
			if err != nil || res.Written || len(res.Problems) != 2 || res.Problems[0].At != "花名册!C3" {
				t.Fatalf("a left member again: %+v %v", res, err)
			}
		})
	}
}
