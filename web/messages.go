package web

import (
	"errors"
	"regexp"
	"strings"

	"github.com/orglife/orglife"
)

// fieldMessages turn the engine's messages about a field (English, for API clients) into the
// Chinese a secretary reads next to the field. A message that matches none (the date checks are
// Chinese already) is kept as it is.
var fieldMessages = []struct {
	re   *regexp.Regexp
	repl string
}{
	{regexp.MustCompile(`^is required$`), "必填"},
	{regexp.MustCompile(`^must have at least (\d+) characters$`), "至少 $1 个字"},
	{regexp.MustCompile(`^must have at most (\d+) characters.*$`), "至多 $1 个字"},
	{regexp.MustCompile(`^must have at least (\d+) items$`), "至少 $1 项"},
	{regexp.MustCompile(`^must have at most (\d+) items.*$`), "至多 $1 项"},
	{regexp.MustCompile(`^must be at least (\S+)$`), "不能小于 $1"},
	{regexp.MustCompile(`^must be at most (\S+)$`), "不能大于 $1"},
	{regexp.MustCompile(`^must be an integer$`), "须为整数"},
	{regexp.MustCompile(`^must be a number$`), "须为数字"},
	{regexp.MustCompile(`^must be a date \(YYYY-MM-DD\)$`), "须为日期"},
	{regexp.MustCompile(`^must be a date and time \(RFC 3339\)$`), "须为日期和时间"},
	{regexp.MustCompile(`^must be one of: (.*)$`), "须为以下之一：$1"},
	{regexp.MustCompile(`^must be true or false$`), "须选择是或否"},
	{regexp.MustCompile(`^unknown field$`), "不是本表的栏目"},
	{regexp.MustCompile(`^checked by the guard: .*$`), "请检查此项"},
}

// chineseDetails returns the details with their messages in Chinese.
func chineseDetails(details []orglife.Detail) []orglife.Detail {
	out := make([]orglife.Detail, len(details))
	for i, d := range details {
		out[i] = d
		for _, m := range fieldMessages {
			if m.re.MatchString(d.Message) {
				out[i].Message = m.re.ReplaceAllString(d.Message, m.repl)
				break
			}
		}
	}
	return out
}

// formError is the sentence above a form that the engine refused: the guard's own message (the
// pack writes them in Chinese), or a request to fix the marked fields.
func formError(e *orglife.Error) string {
	switch {
	case e.Code == orglife.ECONFLICT, len(e.Details) == 0:
		return e.Message
	case e.Code == orglife.EUNPROCESSABLE && !asciiOnly(e.Message):
		return e.Message
	}
	return "未能保存：请按标红处的提示修改后重试"
}

func asciiOnly(s string) bool {
	for _, r := range s {
		if r > 127 {
			return false
		}
	}
	return true
}

// filterLabels name the filters of the list pages in Chinese, with the form a value must take.
var filterLabels = map[string]string{
	"period":   "期间须写作 2025年3月、2025年第一季度、2025年上半年或 2025年度",
	"status":   "状态不在可选范围内",
	"kind":     "类型不在可选范围内",
	"severity": "严重程度不在可选范围内",
	"rule":     "没有这条规则",
	"org_id":   "没有这个组织或无权查看",
	"cursor":   "翻页位置无效，请从第一页重新查看",
}

// filterError is the Chinese sentence for a refused list filter (400 invalid naming it).
func filterError(err error) string {
	var oe *orglife.Error
	if errors.As(err, &oe) {
		for _, d := range oe.Details {
			if l, ok := filterLabels[d.Field]; ok {
				return "筛选条件有误：" + l
			}
		}
	}
	return "筛选条件有误，请检查后重试"
}

// decisionFields say in Chinese what a refused decision on a violation needs, by the field the
// checker named (its own messages are English, for API clients).
var decisionFields = map[string]string{
	"reason":     "豁免须写明原因",
	"expires_at": "豁免有效期须为将来的日期（如 2026-03-01，含当天）或时刻，且不超过规定的最长期限",
	"note":       "须填写办理说明",
}

// decisionError is the Chinese sentence for a refused decision on a violation: no English of the
// checker, no field keys.
func decisionError(err error) string {
	switch orglife.ErrorCode(err) {
	case orglife.ECONFLICT:
		return "该问题的当前状态不允许此操作（可能已被他人办理），请刷新后重试"
	case orglife.EFORBIDDEN:
		return "无权办理"
	case orglife.ENOTFOUND:
		return "问题不存在"
	case orglife.EUNPROCESSABLE, orglife.EINVALID:
		var msgs []string
		seen := map[string]bool{}
		for _, d := range orglife.ErrorDetails(err) {
			m, ok := decisionFields[d.Field]
			if !ok {
				m = "请检查填写的内容"
			}
			if !seen[m] {
				seen[m] = true
				msgs = append(msgs, m)
			}
		}
		if len(msgs) == 0 {
			return "请检查填写的内容"
		}
		return strings.Join(msgs, "；")
	}
	return "服务器出错，请稍后重试"
}
