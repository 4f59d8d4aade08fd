package sheets

import (
	"encoding/csv"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Field is one line of a file's description: a label and its value (筛选条件 org_id=g1, 导出时间 …).
type Field struct {
	Label, Value string
}

// Table is a list exported as a file: a title, the lines that describe it (the filter, the
// instant, the cut), a header and rows of texts.
type Table struct {
	// Title names the list (问题清单); it is the name of the data sheet of an .xlsx.
	Title string
	// About describes the export: the filter, when it was made, by whom, and whether it was cut.
	About  []Field
	Header []string
	Rows   [][]string
}

// aboutSheet is the name of the sheet that describes an export.
const aboutSheet = "说明"

// WriteXLSX writes t as a workbook: the data sheet (header frozen) and the sheet 说明 with t.About.
func WriteXLSX(w io.Writer, t *Table) error {
	f := excelize.NewFile()
	defer func() { _ = f.Close() }()
	name := sheetName(t.Title)
	if err := f.SetSheetName("Sheet1", name); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	widths := make([]int, len(t.Header))
	measure := func(row []string) {
		for i, v := range row {
			if i < len(widths) {
				widths[i] = max(widths[i], displayWidth(v))
			}
		}
	}
	measure(t.Header)
	for _, r := range t.Rows {
		measure(r)
	}
	for i, wd := range widths {
		if err := sw.SetColWidth(i+1, i+1, float64(min(max(wd+2, 6), 60))); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := sw.SetRow("A1", anyRow(t.Header)); err != nil {
		return err
	}
	for i, r := range t.Rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, anyRow(r)); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	if err := writeAbout(f, t.Title, t.About); err != nil {
		return err
	}
	return f.Write(w)
}

// writeAbout adds the sheet 说明: the title and one label–value line per field.
func writeAbout(f *excelize.File, title string, about []Field) error {
	if _, err := f.NewSheet(aboutSheet); err != nil {
		return err
	}
	if err := f.SetCellStr(aboutSheet, "A1", title); err != nil {
		return err
	}
	for i, a := range about {
		if err := f.SetSheetRow(aboutSheet, fmt.Sprintf("A%d", i+2), &[]any{a.Label, a.Value}); err != nil {
			return err
		}
	}
	_ = f.SetColWidth(aboutSheet, "A", "A", 16)
	return f.SetColWidth(aboutSheet, "B", "B", 80)
}

// WriteCSV writes t as UTF-8 CSV with a byte-order mark (so that Excel shows Chinese): first the
// title and the About lines, an empty line, then the header and the rows.
func WriteCSV(w io.Writer, t *Table) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{t.Title})
	for _, a := range t.About {
		_ = cw.Write([]string{a.Label, a.Value})
	}
	_ = cw.Write([]string{""})
	_ = cw.Write(t.Header)
	for _, r := range t.Rows {
		_ = cw.Write(r)
	}
	cw.Flush()
	return cw.Error()
}

// anyRow converts texts for excelize's row writers.
func anyRow(r []string) []any {
	out := make([]any, len(r))
	for i, v := range r {
		out[i] = v
	}
	return out
}

// displayWidth counts a text's width in columns: two for a wide (CJK) rune, one otherwise.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x1100 && utf8.RuneLen(r) >= 3 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// sheetName makes a valid sheet name of a title: at most 31 runes, none of []:*?/\.
func sheetName(title string) string {
	out := make([]rune, 0, 31)
	for _, r := range title {
		switch r {
		case '[', ']', ':', '*', '?', '/', '\\':
			r = '_'
		}
		if len(out) == 31 {
			break
		}
		out = append(out, r)
	}
	if len(out) == 0 {
		return "Sheet1"
	}
	return string(out)
}
