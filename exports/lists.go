package exports

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/compliance"
	"github.com/orglife/orglife/engine"
	"github.com/orglife/orglife/rules"
	"github.com/orglife/orglife/sheets"
)

// MaxRows is the most rows a list export holds; a longer list is cut, and the file says so.
const MaxRows = 10000

// Lists names the lists that export: the path element of /v1/exports/{list}.{xlsx,csv}.
var Lists = []string{"compliance", "violations", "records"}

// Meta is what every list export states besides its rows.
type Meta struct {
	// Filter is the list's filter as the caller gave it (query parameters, empty ones left out).
	Filter   map[string]string
	At       time.Time
	By       string
	Location *time.Location
}

// about describes an export: its filter, instant, author, row count and whether it was cut.
func (m Meta) about(rows int, cut bool) []sheets.Field {
	loc := cmp.Or(m.Location, time.UTC)
	keys := make([]string, 0, len(m.Filter))
	for k, v := range m.Filter {
		if v != "" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + m.Filter[k]
	}
	filter := strings.Join(parts, "&")
	if filter == "" {
		filter = "（无：权限范围内的全部）"
	}
	out := []sheets.Field{{Label: "筛选条件", Value: filter}, {Label: "导出时间", Value: instantLabel(m.At, loc)}, {Label: "导出人", Value: m.By}, {Label: "行数", Value: strconv.Itoa(rows)}}
	if cut {
		out = append(out, sheets.Field{Label: "截断", Value: fmt.Sprintf("结果超过 %d 行，只导出前 %d 行；请缩小筛选范围后再导出其余部分", MaxRows, MaxRows)})
	}
	return out
}

// pages reads pages of at most 500 from next until MaxRows; cut is true when more remained.
func pages[T any](next func(cursor string) (orglife.Page[T], error)) (out []T, cut bool, err error) {
	cursor := ""
	for {
		p, err := next(cursor)
		if err != nil {
			return nil, false, err
		}
		out = append(out, p.Items...)
		if len(out) >= MaxRows {
			return out[:MaxRows], len(out) > MaxRows || p.NextCursor != nil, nil
		}
		if p.NextCursor == nil {
			return out, false, nil
		}
		cursor = *p.NextCursor
	}
}

// Ledger exports the compliance ledger's filtered view (合规台账).
func Ledger(ctx context.Context, chk *compliance.Checker, actor orglife.Actor, p compliance.ComplianceParams, m Meta) (*sheets.Table, error) {
	rows, cut, err := pages(func(cursor string) (orglife.Page[*orglife.LedgerRow], error) {
		q := p
		q.Cursor, q.Limit = cursor, 500
		return chk.Compliance(ctx, actor, q)
	})
	if err != nil {
		return nil, err
	}
	titles := ruleTitles(chk)
	loc := cmp.Or(m.Location, time.UTC)
	t := &sheets.Table{Title: "合规台账", Header: []string{"组织", "规则编号", "规则", "对象", "期间", "截止日期", "状态", "说明", "依据记录", "评估时间"}}
	for _, r := range rows {
		period := "—"
		if r.Period != nil {
			period = rules.PeriodTitle(*r.Period)
		}
		t.Rows = append(t.Rows, []string{r.OrgID, r.Rule, cmp.Or(titles[r.Rule], r.Rule), r.SubjectID, period, orglife.DueLabel(r.Due, loc),
			orglife.StatusLabel(r.Status), r.Explanation.Text, strings.Join(r.Evidence, " "), instantLabel(r.EvaluatedAt, loc)})
	}
	t.About = m.about(len(rows), cut)
	return t, nil
}

// Violations exports the violations' filtered view (问题清单).
func Violations(ctx context.Context, chk *compliance.Checker, actor orglife.Actor, p compliance.ListViolationsParams, m Meta) (*sheets.Table, error) {
	vs, cut, err := pages(func(cursor string) (orglife.Page[*orglife.Violation], error) {
		q := p
		q.Cursor, q.Limit = cursor, 500
		return chk.ListViolations(ctx, actor, q)
	})
	if err != nil {
		return nil, err
	}
	titles := ruleTitles(chk)
	loc := cmp.Or(m.Location, time.UTC)
	t := &sheets.Table{Title: "问题清单", Header: []string{"编号", "组织", "规则", "对象", "期间", "类型", "严重程度", "状态", "豁免原因", "豁免至", "问题说明", "发现时间", "更新时间"}}
	for _, v := range vs {
		period := "—"
		if v.Period != nil {
			period = rules.PeriodTitle(*v.Period)
		}
		reason, until := "", ""
		if v.Waiver != nil {
			reason, until = v.Waiver.Reason, v.Waiver.ExpiresAt.In(loc).Format("2006-01-02")
		}
		t.Rows = append(t.Rows, []string{v.ID, v.OrgID, cmp.Or(titles[v.Rule], v.Rule), v.SubjectID, period, orglife.ViolationKindLabel(v.Kind),
			severityLabel(v.Severity), orglife.ViolationStatusLabel(v.Status), reason, until, v.Message,
			instantLabel(v.OpenedAt, loc), instantLabel(v.UpdatedAt, loc)})
	}
	t.About = m.about(len(vs), cut)
	return t, nil
}

// Records exports the records' (instances') filtered view (工作记录).
func Records(ctx context.Context, svc *engine.Service, actor orglife.Actor, p engine.ListInstancesParams, m Meta) (*sheets.Table, error) {
	ins, cut, err := pages(func(cursor string) (orglife.Page[*orglife.Instance], error) {
		q := p
		q.Cursor, q.Limit = cursor, 500
		return svc.ListInstances(ctx, actor, q)
	})
	if err != nil {
		return nil, err
	}
	loc := cmp.Or(m.Location, time.UTC)
	defs := svc.WorkflowSet()
	t := &sheets.Table{Title: "工作记录", Header: []string{"编号", "组织", "类型", "状态", "日期", "创建人", "创建时间", "记录时间", "内容"}}
	for _, in := range ins {
		kind, state := in.Workflow, in.State
		if def, ok := defs.Get(in.Workflow); ok {
			kind = cmp.Or(def.Title, in.Workflow)
			for _, st := range def.States {
				if st.ID == in.State {
					state = cmp.Or(st.Title, st.ID)
				}
			}
		}
		occurs, recorded := "", ""
		if in.OccursOn != nil {
			occurs = *in.OccursOn
		}
		if in.RecordedAt != nil {
			recorded = instantLabel(*in.RecordedAt, loc)
		}
		data, _ := json.Marshal(in.Data)
		content := string(data)
		if r := []rune(content); len(r) > 2000 {
			content = string(r[:2000]) + "…"
		}
		t.Rows = append(t.Rows, []string{in.ID, in.OrgID, kind, state, occurs, in.CreatedBy, instantLabel(in.CreatedAt, loc), recorded, content})
	}
	t.About = m.about(len(ins), cut)
	return t, nil
}

// ruleTitles maps the active rules' ids to their titles.
func ruleTitles(chk *compliance.Checker) map[string]string {
	out := map[string]string{}
	if rs := chk.RuleSet(); rs != nil {
		for _, r := range rs.Rules {
			out[r.ID] = r.Title
		}
	}
	return out
}

// ContentDisposition is the attachment header of a download: an ASCII filename for old clients
// and the Chinese name as filename* (RFC 6266).
func ContentDisposition(ascii, name string) string {
	return fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, ascii, url.PathEscape(name))
}

// Write writes t in format ("xlsx" or "csv") and returns the content type.
func Write(w io.Writer, format string, t *sheets.Table) (contentType string, err error) {
	if format == "csv" {
		return "text/csv; charset=utf-8", sheets.WriteCSV(w, t)
	}
	return XLSXType, sheets.WriteXLSX(w, t)
}

// XLSXType is the content type of a workbook.
const XLSXType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
