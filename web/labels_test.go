package web

import (
	"testing"

	"github.com/orglife/orglife"
)

func TestDescribeField(t *testing.T) {
	absentees := &orglife.Field{Name: "absentees", Type: orglife.TypeList, Items: &orglife.Field{Type: orglife.TypeObject, Fields: []*orglife.Field{
		{Name: "name", Title: "姓名", Type: orglife.TypeString}, {Name: "reason", Title: "缺席原因", Type: orglife.TypeString}}}}
	got := describeField(absentees, []any{map[string]any{"reason": "出差", "name": "张三"}, map[string]any{"name": "李四"}}, nil)
	if got != "姓名：张三，缺席原因：出差\n姓名：李四" {
		t.Errorf("describeField = %q", got)
	}
	kind := &orglife.Field{Type: orglife.TypeEnum, Values: []string{"theme_day"}, Labels: map[string]string{"theme_day": "主题党日"}}
	if got := describeField(kind, "theme_day", nil); got != "主题党日" {
		t.Errorf("enum = %q", got)
	}
}

func TestFilterError(t *testing.T) {
	err := &orglife.Error{Code: orglife.EINVALID, Message: "period must be …", Details: []orglife.Detail{{Field: "period", Message: "x"}}}
	if got := filterError(err); got != "筛选条件有误：期间须写作 2025年3月、2025年第一季度、2025年上半年或 2025年度" {
		t.Errorf("filterError = %q", got)
	}
}

// TestDecisionError: a refused decision reads Chinese, without the checker's English or field keys.
func TestDecisionError(t *testing.T) {
	waiver := &orglife.Error{Code: orglife.EUNPROCESSABLE, Message: "invalid waiver: a waiver needs a reason",
		Details: []orglife.Detail{{Field: "reason", Message: "a waiver needs a reason"}, {Field: "expires_at", Message: "expires_at must be in the future, not 2020-01-01"}}}
	for err, want := range map[error]string{
		waiver: "豁免须写明原因；豁免有效期须为将来的日期（如 2026-03-01，含当天）或时刻，且不超过规定的最长期限",
		orglife.Errorf(orglife.ECONFLICT, "only an open violation can be acknowledged (it is waived)"):                                                   "该问题的当前状态不允许此操作（可能已被他人办理），请刷新后重试",
		&orglife.Error{Code: orglife.EUNPROCESSABLE, Message: "resolving needs a note", Details: []orglife.Detail{{Field: "note", Message: "required"}}}: "须填写办理说明",
	} {
		if got := decisionError(err); got != want {
			t.Errorf("decisionError(%v) = %q, want %q", err, got, want)
		}
	}
}
