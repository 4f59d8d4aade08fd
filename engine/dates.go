package engine

import (
	"fmt"
	"slices"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/workflows"
)

func (s *Service) minRecordDate() time.Time {
	t, _ := time.ParseInLocation(orglife.DateLayout, orglife.MinRecordDate, s.loc)
	return t
}

// checkDates refuses implausible dates in a record's data (a start's data, or an event's patch
// merged into the record; only the keys of changed are checked, all when changed is nil): every
// date and datetime lies in the window; the field that places the record (occurs_on) is not
// before the go-live date since (zero: none) or the org's establishment, and not after today when
// the record is complete. The error is 422 with one detail per field, named by its title.
func (s *Service) checkDates(def *workflows.Definition, org *orglife.Org, since time.Time, data, changed map[string]any, complete bool) error {
	today := s.instant().In(s.loc)
	today = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, s.loc)
	lo := s.minRecordDate()
	hi := today.AddDate(orglife.MaxRecordYears, 0, 0)
	var details []orglife.Detail
	fail := func(path string, f *orglife.Field, format string, args ...any) {
		details = append(details, orglife.Detail{Field: path, Message: fieldTitle(f) + "：" + fmt.Sprintf(format, args...)})
	}
	var walk func(fields []*orglife.Field, m map[string]any, prefix string, top bool)
	var value func(f *orglife.Field, x any, path string, top bool)
	value = func(f *orglife.Field, x any, path string, top bool) {
		switch f.Type {
		case orglife.TypeDate, orglife.TypeDatetime:
			t, ok := parseRecordTime(x, s.loc)
			if !ok {
				return
			}
			d := time.Date(t.In(s.loc).Year(), t.In(s.loc).Month(), t.In(s.loc).Day(), 0, 0, 0, 0, s.loc)
			switch {
			case d.Before(lo) || d.After(hi):
				fail(path, f, "%s 不在合理范围内（%s 至 %s），请检查是否输入有误", d.Format(orglife.DateLayout), orglife.MinRecordDate, hi.Format(orglife.DateLayout))
			case top && f.Name == def.OccursOn && !since.IsZero() && d.Before(since):
				fail(path, f, "%s 早于系统启用日期 %s", d.Format(orglife.DateLayout), since.Format(orglife.DateLayout))
			case top && f.Name == def.OccursOn && org.EstablishedOn != nil && d.Format(orglife.DateLayout) < *org.EstablishedOn:
				fail(path, f, "%s 早于本组织成立日期 %s", d.Format(orglife.DateLayout), *org.EstablishedOn)
			case top && f.Name == def.OccursOn && complete && d.After(today):
				fail(path, f, "%s 尚未到来：未来的活动可以先计划，召开后再记录", d.Format(orglife.DateLayout))
			}
		case orglife.TypeObject:
			if m, ok := x.(map[string]any); ok {
				walk(f.Fields, m, path+".", false)
			}
		case orglife.TypeList:
			if l, ok := x.([]any); ok && f.Items != nil {
				for i, e := range l {
					value(f.Items, e, fmt.Sprintf("%s[%d]", path, i), false)
				}
			}
		}
	}
	walk = func(fields []*orglife.Field, m map[string]any, prefix string, top bool) {
		for _, f := range fields {
			if x, ok := m[f.Name]; ok && x != nil {
				value(f, x, prefix+f.Name, top)
			}
		}
	}
	fields := def.Fields
	if changed != nil {
		fields = slices.DeleteFunc(slices.Clone(fields), func(f *orglife.Field) bool {
			_, ok := changed[f.Name]
			return !ok && !(complete && f.Name == def.OccursOn)
		})
	}
	walk(fields, data, "", true)
	if len(details) == 0 {
		return nil
	}
	return &orglife.Error{Code: orglife.EUNPROCESSABLE, Message: details[0].Message, Details: details}
}

// fieldTitle names a field for a person: its title, or its name.
func fieldTitle(f *orglife.Field) string {
	if f.Title != "" {
		return f.Title
	}
	return f.Name
}

// parseRecordTime reads a normalized date ("YYYY-MM-DD", midnight in loc) or datetime (RFC 3339).
func parseRecordTime(x any, loc *time.Location) (time.Time, bool) {
	s, ok := x.(string)
	if !ok {
		return time.Time{}, false
	}
	if t, err := time.ParseInLocation(orglife.DateLayout, s, loc); err == nil {
		return t, true
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil
}

// parseSince reads a stored go-live date (orglife.OrgContext.Since) as midnight in the
// deployment time zone; zero when none is set (compliance.Checker.SetSince sets it).
func (s *Service) parseSince(v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	d, err := time.ParseInLocation(orglife.DateLayout, v, s.loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("engine: stored go-live date %q: %w", v, err)
	}
	return d, nil
}
