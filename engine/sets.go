package engine

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/workflows"
)

// checkEventData validates an event's data: unknown fields are invalid (400); a field the event
// may not set (its `sets`, or the record's identity when it has none) is unprocessable (422),
// before any value is looked at; then the values are checked as on start (422).
func (s *Service) checkEventData(def *workflows.Definition, ev *workflows.Event, data map[string]any) (map[string]any, error) {
	if err := unknownFields(def, data); err != nil {
		return nil, err
	}
	if err := checkSets(def, ev, data); err != nil {
		return nil, err
	}
	return s.checkData(def, data)
}

// unknownFields refuses data keys that are not top-level fields of the workflow (400).
func unknownFields(def *workflows.Definition, data map[string]any) error {
	var unknown []orglife.Detail
	for _, k := range slices.Sorted(maps.Keys(data)) {
		if def.Field(k) == nil {
			unknown = append(unknown, orglife.Detail{Field: k, Message: "unknown field"})
		}
	}
	if len(unknown) > 0 {
		return &orglife.Error{Code: orglife.EINVALID, Message: "unknown field in data of workflow " + def.ID, Details: unknown}
	}
	return nil
}

// checkSets refuses, naming each field, data for fields the event may not set. A null value
// counts: clearing a field is writing it.
func checkSets(def *workflows.Definition, ev *workflows.Event, data map[string]any) error {
	var details []orglife.Detail
	var titles, names []string
	event := label(ev.Title, ev.Name)
	for _, k := range slices.Sorted(maps.Keys(data)) {
		if def.MaySet(ev, k) {
			continue
		}
		t := label(def.Field(k).Title, k)
		titles, names = append(titles, "“"+t+"”"), append(names, k)
		details = append(details, orglife.Detail{Field: k,
			Message: fmt.Sprintf("“%s”不能修改“%s”（event %s may not set %s）", event, t, ev.Name, k)})
	}
	if len(details) == 0 {
		return nil
	}
	may := def.Settable(ev)
	hint := "it sets no field"
	if len(may) > 0 {
		hint = "it may set " + strings.Join(may, ", ")
	}
	return &orglife.Error{Code: orglife.EUNPROCESSABLE, Details: details,
		Message: fmt.Sprintf("“%s”不能修改%s，记录未作任何改动（event %s may not set %s; %s; nothing was changed）",
			event, strings.Join(titles, "、"), ev.Name, strings.Join(names, ", "), hint)}
}

// label is a display name: the title when there is one, else the id.
func label(title, id string) string {
	if title != "" {
		return title
	}
	return id
}
