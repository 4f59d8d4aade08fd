package packtest

import (
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// TestHostileFiles: test files saved as GBK, nested too deep, or with a byte order mark go
// through the same checks as workflow and rule files.
func TestHostileFiles(t *testing.T) {
	set, rs := loadPack(t)
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String("- name: 用 GBK 保存的用例\n  as_of: 2025-02-20T10:00:00+08:00\n")
	res := RunFiles(map[string][]byte{
		"gbk.yaml":  []byte(gbk),
		"deep.yaml": []byte("- name: deep\n  orgs: " + strings.Repeat("[", 100) + "\n"),
		"bom.yaml":  []byte("\xef\xbb\xbf- name: 有 BOM 的用例\n  as_of: 2025-02-20T10:00:00+08:00\n  orgs: [{id: b1, kind: branch}]\n  expect:\n    - {rule: theme_day_monthly, period: 2025-01, status: overdue}\n"),
	}, set, rs, Options{})
	want := []string{
		"deep.yaml:2:71: YAML nesting deeper than 64 levels",
		"gbk.yaml:1:9: 文件不是有效的 UTF-8 编码（看起来是 GBK）：请用 UTF-8 编码另存后重试 (the file is not valid UTF-8, it looks like GBK: save it as UTF-8 and try again)",
	}
	var got []string
	for _, p := range res.Problems {
		got = append(got, p.String())
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if res.Cases != 1 || len(res.Failures) != 0 {
		t.Errorf("cases %d, failures %v", res.Cases, res.Failures)
	}
}
