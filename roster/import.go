package roster

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/engine"
	"github.com/orglife/orglife/sheets"
)

// Kinds of import.
const (
	KindOrgs    = "orgs"
	KindMembers = "members"
)

// Reader reads the current orgs and members to compare the file with; storage.DB implements it.
type Reader interface {
	Orgs(ctx context.Context, ids []string) ([]*orglife.Org, error)
	Members(ctx context.Context, orgIDs []string) ([]*orglife.Member, error)
	MembersByID(ctx context.Context, ids []string) ([]*orglife.Member, error)
}

// Writer applies a plan. All calls of one import run inside one InTx; an error rolls all back.
type Writer interface {
	InTx(ctx context.Context, fn func(ctx context.Context) error) error
	CreateOrg(ctx context.Context, actor orglife.Actor, o *orglife.Org) (*orglife.Org, error)
	UpdateOrg(ctx context.Context, actor orglife.Actor, id string, p engine.OrgPatch) (*orglife.Org, error)
	CreateMember(ctx context.Context, actor orglife.Actor, orgID string, m *orglife.Member) (*orglife.Member, error)
	// UpdateMember brings a stored member to the file's row (org, name, status, joining and
	// 转正 dates, roles, leader flag), the changes effective on the day on; an equal member is
	// not written.
	UpdateMember(ctx context.Context, actor orglife.Actor, m *MemberRow, on string) error
	// LeaveMember records that a member of orgID left on a day, for a reason.
	LeaveMember(ctx context.Context, actor orglife.Actor, orgID, id, on, reason string) error
}

// LeaveReason is the reason recorded for a member who left because a full roster (with Leave)
// leaves them out.
const LeaveReason = "名册导入：不在名册中"

// Params are the inputs of one import.
type Params struct {
	Kind string
	// Name is the file's name; its extension (.xlsx or .csv) decides how it is read.
	Name string
	Data []byte
	// DryRun plans without writing.
	DryRun bool
	// Full says the file is the whole roster of each org it names: stored members of those orgs
	// absent from it are reported as missing. Leave (with Full) also records that they left.
	Full, Leave bool
	Limits      sheets.Limits
}

// FieldChange is one field that an import changes.
type FieldChange struct {
	Field string `json:"field"`
	From  string `json:"from"`
	To    string `json:"to"`
}

// Change is one org or member an import creates, changes, leaves alone or finds missing.
type Change struct {
	At     string        `json:"at,omitempty"`
	ID     string        `json:"id"`
	Name   string        `json:"name"`
	OrgID  string        `json:"org_id,omitempty"`
	Fields []FieldChange `json:"fields,omitempty"`
}

// Result is what an import found and did.
type Result struct {
	Kind     string `json:"kind"`
	Format   string `json:"format"`
	Encoding string `json:"encoding,omitempty"`
	Sheet    string `json:"sheet,omitempty"`
	Rows     int    `json:"rows"`
	DryRun   bool   `json:"dry_run"`
	// Written is true when the plan was applied.
	Written   bool     `json:"written"`
	Created   []Change `json:"created"`
	Changed   []Change `json:"changed"`
	Unchanged []Change `json:"unchanged"`
	// Missing are stored members of the file's orgs that the file leaves out (with Full).
	Missing []Change `json:"missing"`
	// Left are the missing members recorded as having left (with Full and Leave).
	Left     []Change  `json:"left"`
	Ignored  []string  `json:"ignored_columns"`
	Problems []Problem `json:"problems"`
}

// Importer imports spreadsheets.
type Importer struct {
	Read     Reader
	Write    Writer
	Now      func() time.Time
	Location *time.Location
}

// Import reads p's file, checks it whole and, when it is valid and not a dry run, writes it in
// one transaction. A file with problems returns a Result listing them all and writes nothing
// (err is nil: the problems are data); err is for a refused caller or a failed database.
func (im Importer) Import(ctx context.Context, actor orglife.Actor, p Params) (*Result, error) {
	if !actor.IsAdmin() {
		return nil, orglife.Errorf(orglife.EFORBIDDEN, "only admins import")
	}
	if p.Kind != KindOrgs && p.Kind != KindMembers {
		return nil, orglife.InvalidInput(orglife.BadParam("kind", "orgs or members", p.Kind))
	}
	res := &Result{Kind: p.Kind, DryRun: p.DryRun, Created: []Change{}, Changed: []Change{}, Unchanged: []Change{},
		Missing: []Change{}, Left: []Change{}, Ignored: []string{}, Problems: []Problem{}}
	g, err := sheets.Read(p.Name, p.Data, p.Limits)
	if err != nil {
		res.Problems = append(res.Problems, Problem{At: cmp.Or(p.Name, "文件"), Message: err.Error()})
		return res, nil
	}
	res.Format, res.Encoding, res.Sheet = g.Format, g.Encoding, g.Sheet
	now := time.Now()
	if im.Now != nil {
		now = im.Now()
	}
	loc := cmp.Or(im.Location, time.UTC)
	day := today(now, loc)
	var apply func(ctx context.Context) error
	if p.Kind == KindMembers {
		apply, err = im.planMembers(ctx, actor, g, p, day, res)
	} else {
		apply, err = im.planOrgs(ctx, actor, g, day, res)
	}
	if err != nil || len(res.Problems) > 0 || p.DryRun {
		return res, err
	}
	if err := im.Write.InTx(ctx, apply); err != nil {
		var wp *writeProblem
		if asWriteProblem(err, &wp) {
			res.Problems = append(res.Problems, wp.Problem)
			return res, nil
		}
		return nil, err
	}
	res.Written = true
	return res, nil
}

// writeProblem is a write refused by the engine for one row: the import rolls back and reports it.
type writeProblem struct{ Problem }

func (w *writeProblem) Error() string { return w.Problem.String() }

func asWriteProblem(err error, out **writeProblem) bool {
	for err != nil {
		if wp, ok := err.(*writeProblem); ok {
			*out = wp
			return true
		}
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return false
		}
		err = u.Unwrap()
	}
	return false
}

// refused turns an engine error on a row into a writeProblem (a database failure stays an error).
func refused(at string, err error) error {
	if err == nil {
		return nil
	}
	if c := orglife.ErrorCode(err); c == orglife.EINVALID || c == orglife.ECONFLICT || c == orglife.ENOTFOUND || c == orglife.EUNPROCESSABLE {
		return &writeProblem{Problem{At: at, Message: "写入被拒绝：" + orglife.ErrorMessage(err)}}
	}
	return err
}

// planMembers checks and compares a member file and returns the writes.
func (im Importer) planMembers(ctx context.Context, actor orglife.Actor, g *sheets.Grid, p Params, day string, res *Result) (func(ctx context.Context) error, error) {
	t, ps := readTable(g, MemberColumns, memberRequired)
	res.Problems = append(res.Problems, ps...)
	if t == nil || len(ps) > 0 {
		return nil, nil
	}
	res.Rows, res.Ignored = len(t.rows), append(res.Ignored, t.ignored...)
	rows, ps := readMembers(t, day)
	res.Problems = append(res.Problems, ps...)
	orgIDs := map[string]bool{}
	var ids []string
	for _, m := range rows {
		if m.OrgID != "" {
			orgIDs[m.OrgID] = true
		}
		ids = append(ids, m.ID)
	}
	orgs, err := im.Read.Orgs(ctx, slices.Sorted(maps.Keys(orgIDs)))
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, o := range orgs {
		known[o.ID] = true
	}
	for _, i := range t.rows {
		if v, at := t.cell(i, ColMemberOrg); v != "" && orglife.OrgIDPattern.MatchString(v) && !known[v] {
			res.Problems = append(res.Problems, Problem{At: at, Message: "党组织编码 " + v + " 不存在（请先导入组织）"})
		}
	}
	if len(res.Problems) > 0 {
		return nil, nil
	}
	stored, err := im.Read.MembersByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	byID := map[string]*orglife.Member{}
	for _, m := range stored {
		byID[m.ID] = m
	}
	var creates, updates []*MemberRow
	for i := range rows {
		m := &rows[i]
		ch := Change{At: m.At, ID: m.ID, Name: m.Name, OrgID: m.OrgID}
		old, ok := byID[m.ID]
		switch {
		case !ok:
			creates = append(creates, m)
			res.Created = append(res.Created, ch)
		case old.LeftOn != nil:
			// the engine keeps a left member's record closed: say so now, not at the write
			_, at := t.cell(t.rows[i], ColMemberID)
			res.Problems = append(res.Problems, Problem{At: at, Message: fmt.Sprintf("学工号 %s（%s）已于 %s 离开 %s（%s），记录已关闭，不能通过导入恢复；请删去此行",
				m.ID, old.Name, deref(old.LeftOn), old.OrgID, old.LeftReason)})
		default:
			if ch.Fields = memberDiff(old, m); len(ch.Fields) == 0 {
				res.Unchanged = append(res.Unchanged, ch)
				continue
			}
			if old.OrgID != m.OrgID && old.Since != nil && *old.Since > day {
				_, at := t.cell(t.rows[i], ColMemberOrg)
				res.Problems = append(res.Problems, Problem{At: at, Message: fmt.Sprintf("学工号 %s 自 %s 起才在 %s，今天不能转接", m.ID, *old.Since, old.OrgID)})
			}
			updates = append(updates, m)
			res.Changed = append(res.Changed, ch)
		}
	}
	type leave struct{ orgID, id string }
	var leaving []leave
	if p.Full {
		inFile := map[string]bool{}
		for _, id := range ids {
			inFile[id] = true
		}
		current, err := im.Read.Members(ctx, slices.Sorted(maps.Keys(orgIDs)))
		if err != nil {
			return nil, err
		}
		for _, m := range current {
			if !inFile[m.ID] {
				ch := Change{ID: m.ID, Name: m.Name, OrgID: m.OrgID}
				res.Missing = append(res.Missing, ch)
				if p.Leave {
					if m.Since != nil && *m.Since > day {
						res.Problems = append(res.Problems, Problem{At: "学工号 " + m.ID, Message: fmt.Sprintf("%s 自 %s 起才在 %s，今天不能记为离开", m.Name, *m.Since, m.OrgID)})
					}
					res.Left = append(res.Left, ch)
					leaving = append(leaving, leave{m.OrgID, m.ID})
				}
			}
		}
	}
	return func(ctx context.Context) error {
		for _, m := range creates {
			nm := m.Member
			if _, err := im.Write.CreateMember(ctx, actor, m.OrgID, &nm); err != nil {
				return refused(m.At, err)
			}
		}
		for _, m := range updates {
			if err := im.Write.UpdateMember(ctx, actor, m, day); err != nil {
				return refused(m.At, err)
			}
		}
		for _, l := range leaving {
			if err := im.Write.LeaveMember(ctx, actor, l.orgID, l.id, day, LeaveReason); err != nil {
				return refused("学工号 "+l.id, err)
			}
		}
		return nil
	}, nil
}

// planOrgs checks and compares an org file and returns the writes, parents first.
func (im Importer) planOrgs(ctx context.Context, actor orglife.Actor, g *sheets.Grid, day string, res *Result) (func(ctx context.Context) error, error) {
	t, ps := readTable(g, OrgColumns, orgRequired)
	res.Problems = append(res.Problems, ps...)
	if t == nil || len(ps) > 0 {
		return nil, nil
	}
	res.Rows, res.Ignored = len(t.rows), append(res.Ignored, t.ignored...)
	rows, ps := readOrgs(t, day)
	res.Problems = append(res.Problems, ps...)
	all, err := im.Read.Orgs(ctx, nil)
	if err != nil {
		return nil, err
	}
	stored := map[string]*orglife.Org{}
	parent := map[string]string{}
	for _, o := range all {
		stored[o.ID] = o
		parent[o.ID] = deref(o.ParentID)
	}
	inFile := map[string]*OrgRow{}
	for i := range rows {
		inFile[rows[i].ID] = &rows[i]
		parent[rows[i].ID] = deref(rows[i].ParentID)
	}
	for _, o := range rows {
		if o.ParentID != nil && stored[*o.ParentID] == nil && inFile[*o.ParentID] == nil {
			res.Problems = append(res.Problems, Problem{At: o.ParentAt, Message: "上级党组织 " + *o.ParentID + " 不存在，也不在本文件中"})
		}
		if old := stored[o.ID]; old != nil && o.Kind != "" && old.Kind != o.Kind {
			_, at := t.cell(t.rows[slices.IndexFunc(rows, func(r OrgRow) bool { return r.ID == o.ID })], ColOrgKind)
			res.Problems = append(res.Problems, Problem{At: at, Message: "组织类型不能通过导入更改（" + o.ID + " 现为 " + old.Kind + "）"})
		}
		// a cycle: walking up from o comes back to o
		seen := map[string]bool{o.ID: true}
		for up := parent[o.ID]; up != ""; up = parent[up] {
			if seen[up] {
				res.Problems = append(res.Problems, Problem{At: o.ParentAt, Message: "上级党组织形成循环（" + o.ID + "）"})
				break
			}
			seen[up] = true
		}
	}
	if len(res.Problems) > 0 {
		return nil, nil
	}
	// parents first: an org after every org of the file above it
	depth := func(id string) int {
		n := 0
		for up := parent[id]; up != "" && n < len(parent); up = parent[up] {
			n++
		}
		return n
	}
	order := make([]*OrgRow, len(rows))
	for i := range rows {
		order[i] = &rows[i]
	}
	slices.SortStableFunc(order, func(a, b *OrgRow) int { return cmp.Compare(depth(a.ID), depth(b.ID)) })
	type update struct {
		o     *OrgRow
		patch engine.OrgPatch
	}
	var creates []*OrgRow
	var updates []update
	for _, o := range rows {
		ch := Change{At: o.At, ID: o.ID, Name: o.Name, OrgID: deref(o.ParentID)}
		old := stored[o.ID]
		if old == nil {
			res.Created = append(res.Created, ch)
			continue
		}
		if ch.Fields = orgDiff(old, &o); len(ch.Fields) == 0 {
			res.Unchanged = append(res.Unchanged, ch)
			continue
		}
		res.Changed = append(res.Changed, ch)
	}
	for _, o := range order {
		old := stored[o.ID]
		if old == nil {
			creates = append(creates, o)
			continue
		}
		if len(orgDiff(old, o)) == 0 {
			continue
		}
		attrs := maps.Clone(old.Attributes)
		if attrs == nil {
			attrs = map[string]string{}
		}
		maps.Copy(attrs, o.Attributes)
		p := engine.OrgPatch{Name: &o.Name, Attributes: &attrs, EstablishedOn: o.EstablishedOn, TermStartedOn: o.TermStartedOn}
		parentID := deref(o.ParentID)
		p.ParentID = &parentID
		if o.TermYears != 0 {
			p.TermYears = &o.TermYears
		}
		updates = append(updates, update{o, p})
	}
	return func(ctx context.Context) error {
		// creates and updates in depth order, so that a new parent exists before its children
		ci, ui := 0, 0
		for _, o := range order {
			switch {
			case ci < len(creates) && creates[ci] == o:
				org := o.Org
				if _, err := im.Write.CreateOrg(ctx, actor, &org); err != nil {
					return refused(o.At, err)
				}
				ci++
			case ui < len(updates) && updates[ui].o == o:
				if _, err := im.Write.UpdateOrg(ctx, actor, o.ID, updates[ui].patch); err != nil {
					return refused(o.At, err)
				}
				ui++
			}
		}
		return nil
	}, nil
}

// Summary is a one-line Chinese account of a result.
func (r *Result) Summary() string {
	verb := "已写入"
	if r.DryRun {
		verb = "试运行，未写入"
	}
	if len(r.Problems) > 0 {
		return fmt.Sprintf("文件有 %d 处问题，未写入任何数据", len(r.Problems))
	}
	return fmt.Sprintf("%s：新增 %d，修改 %d，不变 %d，名册中缺少 %d，转出 %d（%s%s）", verb, len(r.Created), len(r.Changed),
		len(r.Unchanged), len(r.Missing), len(r.Left), r.Format, encodingNote(r.Encoding))
}

func encodingNote(e string) string {
	if e == "" {
		return ""
	}
	return "，编码 " + e
}
