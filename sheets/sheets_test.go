package sheets

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

func sample() *Table {
	return &Table{Title: "问题清单", About: []Field{{"筛选条件", "status=open"}},
		Header: []string{"规则", "党支部"}, Rows: [][]string{{"每月开展一次主题党日", "博士生第一党支部"}, {"x", "y"}}}
}

// A table written as .xlsx reads back through Read with its header, rows and places; the sheet
// 说明 carries the filter.
func TestTableXLSXRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	g, err := Read("a.xlsx", buf.Bytes(), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if g.Sheet != "问题清单" || len(g.Rows) != 3 || g.Rows[1][1].Value != "博士生第一党支部" || g.Rows[1][1].At != "问题清单!B2" {
		t.Fatalf("read back %+v", g)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := f.GetCellValue("说明", "B2"); v != "status=open" {
		t.Errorf("说明!B2 = %q", v)
	}
}

// CSV starts with a BOM and the description; a GBK file is detected and decoded.
func TestCSV(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCSV(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), "\ufeff问题清单\n筛选条件,status=open\n") {
		t.Fatalf("csv starts %q", buf.String()[:40])
	}
	g, err := Read("a.csv", buf.Bytes(), Limits{})
	if err != nil || g.Encoding != "UTF-8" {
		t.Fatal(g, err)
	}
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String("姓名,学工号\n张三,2023001\n")
	g, err = Read("a.CSV", []byte(gbk), Limits{})
	if err != nil || g.Encoding != "GBK" || g.Rows[1][0].Value != "张三" || g.Rows[1][1].At != "2:2" {
		t.Fatalf("%+v %v", g, err)
	}
	if _, err := Read("a.csv", []byte("\xff\xfe\xff"), Limits{}); err == nil {
		t.Error("an undecodable file was read")
	}
}

// Limits refuse large files, many rows and other formats.
func TestLimits(t *testing.T) {
	if _, err := Read("a.csv", []byte("a\nb\nc\n"), Limits{MaxRows: 2}); err == nil || !strings.Contains(err.Error(), "行数过多") {
		t.Errorf("rows: %v", err)
	}
	if _, err := Read("a.csv", make([]byte, 100), Limits{MaxBytes: 10}); err == nil || !strings.Contains(err.Error(), "文件过大") {
		t.Errorf("bytes: %v", err)
	}
	if _, err := Read("a.xls", nil, Limits{}); err != ErrUnknownFormat {
		t.Errorf("xls: %v", err)
	}
}

// A report has its merged title, two-row header, rates kept exact, and the sheet 说明.
func TestWorkbook(t *testing.T) {
	var buf bytes.Buffer
	wb := &Workbook{Reports: []*Report{{Sheet: "组织生活开展情况统计表", Title: "2025年度组织生活开展情况统计表", Unit: "填报单位：研究生院党委",
		Fixed: []string{"序号", "党支部"}, Groups: []Group{{Title: "主题党日", Sub: []string{"1月", "2月", "完成率"}}},
		Rows: [][]any{{1, "第一支部", "✓", "✗", Rate(0.5)}}, Totals: []any{"合计", nil, "1/1", "0/1", Rate(0.5)}}},
		Tables: []*Table{sample()}, AboutTitle: "说明", About: []Field{{"范围", "研究生院党委"}}}
	if err := WriteWorkbook(&buf, wb); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.GetSheetList(); strings.Join(got, ",") != "组织生活开展情况统计表,问题清单,说明" {
		t.Errorf("sheets %v", got)
	}
	sh := "组织生活开展情况统计表"
	for cell, want := range map[string]string{"A1": "2025年度组织生活开展情况统计表", "C3": "主题党日", "C4": "1月", "A5": "1", "D5": "✗", "E5": "50.0%", "A6": "合计"} {
		if v, _ := f.GetCellValue(sh, cell); v != want {
			t.Errorf("%s = %q, want %q", cell, v, want)
		}
	}
	if v, _ := f.GetCellValue(sh, "E5", excelize.Options{RawCellValue: true}); v != "0.5" {
		t.Errorf("raw rate %q", v)
	}
	merged, _ := f.GetMergeCells(sh)
	if len(merged) < 4 {
		t.Errorf("merged cells %v", merged)
	}
}

// A workbook with an empty row and a short row keeps every cell's true place.
func TestReadGaps(t *testing.T) {
	f := excelize.NewFile()
	_ = f.SetCellStr("Sheet1", "A1", "姓名")
	_ = f.SetCellStr("Sheet1", "B1", "学工号")
	_ = f.SetCellStr("Sheet1", "B4", "S1")
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	g, err := Read("g.xlsx", buf.Bytes(), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	last := len(g.Rows) - 1
	if g.Lines[last] != 4 || g.Rows[last][1].At != "Sheet1!B4" || g.At(last, 2) != "Sheet1!C4" || g.At(0, 0) != "Sheet1!A1" {
		t.Fatalf("lines %v rows %v", g.Lines, g.Rows)
	}
}
