package sheets

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// Rate is a share from 0 to 1, written as a percentage cell (the cell keeps the exact number).
type Rate float64

// Group is a band of columns under one merged heading (a rule and its months).
type Group struct {
	Title string
	Sub   []string
}

// Report is a printed table in the style of owip's 组织生活开展情况统计表: a merged title row, a
// line naming the unit, a two-row header (Fixed columns merged over both rows, each Group's
// title over its Sub columns, Tail columns merged over both rows), the rows and a totals row.
// Cells are string, int, Rate or nil (empty).
type Report struct {
	Sheet  string
	Title  string
	Unit   string
	Fixed  []string
	Groups []Group
	Tail   []string
	Rows   [][]any
	Totals []any
}

// Workbook is an export of several sheets: reports in the order given, then tables, then the
// sheet 说明 with About.
type Workbook struct {
	Reports []*Report
	Tables  []*Table
	// AboutTitle heads the sheet 说明.
	AboutTitle string
	About      []Field
}

// HeaderRows is the number of rows above a report's first data row (title, unit, two header rows).
const HeaderRows = 4

// WriteWorkbook writes wb as .xlsx.
func WriteWorkbook(w io.Writer, wb *Workbook) error {
	f := excelize.NewFile()
	defer func() { _ = f.Close() }()
	first := true
	for _, r := range wb.Reports {
		name := sheetName(r.Sheet)
		if first {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return err
			}
			first = false
		} else if _, err := f.NewSheet(name); err != nil {
			return err
		}
		if err := writeReport(f, name, r); err != nil {
			return fmt.Errorf("sheet %s: %w", name, err)
		}
	}
	for _, t := range wb.Tables {
		name := sheetName(t.Title)
		if first {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return err
			}
			first = false
		} else if _, err := f.NewSheet(name); err != nil {
			return err
		}
		if err := writePlain(f, name, t); err != nil {
			return fmt.Errorf("sheet %s: %w", name, err)
		}
	}
	if err := writeAbout(f, wb.AboutTitle, wb.About); err != nil {
		return err
	}
	if first {
		_ = f.DeleteSheet("Sheet1")
	}
	f.SetActiveSheet(0)
	return f.Write(w)
}

// writeReport lays out one Report in normal (not stream) mode, with styles.
func writeReport(f *excelize.File, sh string, r *Report) error {
	ncol := len(r.Fixed) + len(r.Tail)
	for _, g := range r.Groups {
		ncol += len(g.Sub)
	}
	last, _ := excelize.ColumnNumberToName(ncol)
	font := &excelize.Font{Family: "宋体", Size: 11}
	border := []excelize.Border{{Type: "left", Style: 1, Color: "000000"}, {Type: "right", Style: 1, Color: "000000"},
		{Type: "top", Style: 1, Color: "000000"}, {Type: "bottom", Style: 1, Color: "000000"}}
	center := &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}
	titleStyle, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Family: "宋体", Size: 16, Bold: true}, Alignment: center})
	unitStyle, _ := f.NewStyle(&excelize.Style{Font: font, Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "center"}})
	headStyle, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Family: "宋体", Size: 11, Bold: true}, Alignment: center, Border: border})
	cellStyle, _ := f.NewStyle(&excelize.Style{Font: font, Alignment: center, Border: border})
	pct := "0.0%"
	rateStyle, _ := f.NewStyle(&excelize.Style{Font: font, Alignment: center, Border: border, CustomNumFmt: &pct})

	if err := f.MergeCell(sh, "A1", last+"1"); err != nil {
		return err
	}
	_ = f.SetCellStr(sh, "A1", r.Title)
	_ = f.SetCellStyle(sh, "A1", last+"1", titleStyle)
	_ = f.SetRowHeight(sh, 1, 30)
	_ = f.MergeCell(sh, "A2", last+"2")
	_ = f.SetCellStr(sh, "A2", r.Unit)
	_ = f.SetCellStyle(sh, "A2", last+"2", unitStyle)

	col := 1
	mergeDown := func(label string) {
		c3, _ := excelize.CoordinatesToCellName(col, 3)
		c4, _ := excelize.CoordinatesToCellName(col, 4)
		_ = f.MergeCell(sh, c3, c4)
		_ = f.SetCellStr(sh, c3, label)
		_ = f.SetColWidth(sh, colName(col), colName(col), float64(min(max(displayWidth(label)+2, 6), 30)))
		col++
	}
	for _, h := range r.Fixed {
		mergeDown(h)
	}
	for _, g := range r.Groups {
		a, _ := excelize.CoordinatesToCellName(col, 3)
		b, _ := excelize.CoordinatesToCellName(col+len(g.Sub)-1, 3)
		if len(g.Sub) > 1 {
			_ = f.MergeCell(sh, a, b)
		}
		_ = f.SetCellStr(sh, a, g.Title)
		for _, s := range g.Sub {
			c, _ := excelize.CoordinatesToCellName(col, 4)
			_ = f.SetCellStr(sh, c, s)
			_ = f.SetColWidth(sh, colName(col), colName(col), float64(min(max(displayWidth(s)+1, 5), 16)))
			col++
		}
	}
	for _, h := range r.Tail {
		mergeDown(h)
	}
	_ = f.SetCellStyle(sh, "A3", last+"4", headStyle)
	_ = f.SetColWidth(sh, "B", "C", 24)

	write := func(row int, cells []any) {
		for i, v := range cells {
			c, _ := excelize.CoordinatesToCellName(i+1, row)
			style := cellStyle
			switch v := v.(type) {
			case nil:
			case Rate:
				_ = f.SetCellFloat(sh, c, float64(v), -1, 64)
				style = rateStyle
			case int:
				_ = f.SetCellInt(sh, c, int64(v))
			case string:
				_ = f.SetCellStr(sh, c, v)
			default:
				_ = f.SetCellValue(sh, c, v)
			}
			_ = f.SetCellStyle(sh, c, c, style)
		}
		// cells past the row's end still get borders
		if len(cells) < ncol {
			a, _ := excelize.CoordinatesToCellName(len(cells)+1, row)
			b, _ := excelize.CoordinatesToCellName(ncol, row)
			_ = f.SetCellStyle(sh, a, b, cellStyle)
		}
	}
	row := HeaderRows + 1
	for _, cells := range r.Rows {
		write(row, cells)
		row++
	}
	if r.Totals != nil {
		write(row, r.Totals)
	}
	freeze, _ := excelize.CoordinatesToCellName(len(r.Fixed)+1, HeaderRows+1)
	_ = f.SetPanes(sh, &excelize.Panes{Freeze: true, XSplit: len(r.Fixed), YSplit: HeaderRows, TopLeftCell: freeze, ActivePane: "bottomRight"})
	landscape, a4 := "landscape", 9
	_ = f.SetPageLayout(sh, &excelize.PageLayoutOptions{Orientation: &landscape, Size: &a4})
	return f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", Scope: sh, RefersTo: fmt.Sprintf("'%s'!$3:$4", sh)})
}

// writePlain writes a table on a sheet in normal mode: the header bold, frozen.
func writePlain(f *excelize.File, sh string, t *Table) error {
	if err := f.SetSheetRow(sh, "A1", &[]any{}); err != nil {
		return err
	}
	for i, h := range t.Header {
		c, _ := excelize.CoordinatesToCellName(i+1, 1)
		_ = f.SetCellStr(sh, c, h)
		_ = f.SetColWidth(sh, colName(i+1), colName(i+1), float64(min(max(displayWidth(h)+2, 8), 40)))
	}
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Family: "宋体", Size: 11, Bold: true}})
	if len(t.Header) > 0 {
		_ = f.SetCellStyle(sh, "A1", colName(len(t.Header))+"1", bold)
	}
	for i, r := range t.Rows {
		row := anyRow(r)
		if err := f.SetSheetRow(sh, fmt.Sprintf("A%d", i+2), &row); err != nil {
			return err
		}
	}
	return f.SetPanes(sh, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
}

// colName is the letter name of a 1-based column.
func colName(n int) string {
	s, _ := excelize.ColumnNumberToName(n)
	return s
}
