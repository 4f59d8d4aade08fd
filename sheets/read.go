package sheets

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// Limits bound what Read accepts.
type Limits struct {
	// MaxBytes is the largest file (default 5 MiB).
	MaxBytes int
	// MaxRows is the most rows, header included (default 10 000).
	MaxRows int
	// MaxCells is the most non-empty cells (default 200 000).
	MaxCells int
}

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = 5 << 20
	}
	if l.MaxRows <= 0 {
		l.MaxRows = 10000
	}
	if l.MaxCells <= 0 {
		l.MaxCells = 200000
	}
	return l
}

// Cell is one value of a sheet with its place: "花名册!C5" in a workbook, "5:3" (line 5, the
// third field) in a CSV file.
type Cell struct {
	At    string
	Value string
}

// Grid is the first sheet of a workbook or a whole CSV file, as rows of trimmed texts.
type Grid struct {
	// Format is "xlsx" or "csv".
	Format string
	// Encoding is how a CSV file was decoded: "UTF-8" or "GBK" (empty for a workbook).
	Encoding string
	// Sheet is the name of the sheet read (empty for CSV).
	Sheet string
	// Rows are the rows in order; Rows[i][j] is column j+1 of row or line Lines[i].
	Rows [][]Cell
	// Lines are the row numbers (a workbook) or line numbers (CSV) of Rows.
	Lines []int
}

// At names column j (0-based) of Rows[i], whether or not the row has that many cells.
func (g *Grid) At(i, j int) string {
	if g.Format == "csv" {
		return fmt.Sprintf("%d:%d", g.Lines[i], j+1)
	}
	ref, _ := excelize.CoordinatesToCellName(j+1, g.Lines[i])
	return g.Sheet + "!" + ref
}

// ErrUnknownFormat is returned for a file that is neither .xlsx nor .csv.
var ErrUnknownFormat = errors.New("只支持 .xlsx 和 .csv 文件")

// Read reads a spreadsheet named name (its extension decides the format) within lim.
func Read(name string, data []byte, lim Limits) (*Grid, error) {
	lim = lim.withDefaults()
	if len(data) > lim.MaxBytes {
		return nil, fmt.Errorf("文件过大：%d 字节，最多 %d 字节", len(data), lim.MaxBytes)
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".xlsx":
		return readXLSX(data, lim)
	case ".csv":
		return readCSV(data, lim)
	}
	return nil, ErrUnknownFormat
}

// readXLSX reads the first sheet of a workbook.
func readXLSX(data []byte, lim Limits) (*Grid, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit: int64(lim.MaxBytes) * 20, UnzipXMLSizeLimit: int64(lim.MaxBytes) * 10})
	if err != nil {
		return nil, fmt.Errorf("无法读取 .xlsx 文件：%v", err)
	}
	defer func() { _ = f.Close() }()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, errors.New("工作簿中没有工作表")
	}
	g := &Grid{Format: "xlsx", Sheet: sheets[0]}
	rows, err := f.Rows(g.Sheet)
	if err != nil {
		return nil, fmt.Errorf("无法读取工作表 %s：%v", g.Sheet, err)
	}
	defer func() { _ = rows.Close() }()
	cells, n := 0, 0
	for rows.Next() {
		n++
		if n > lim.MaxRows {
			return nil, fmt.Errorf("行数过多：最多 %d 行", lim.MaxRows)
		}
		cols, err := rows.Columns()
		if err != nil {
			return nil, fmt.Errorf("%s 第 %d 行无法读取：%v", g.Sheet, n, err)
		}
		row := make([]Cell, len(cols))
		for j, v := range cols {
			ref, _ := excelize.CoordinatesToCellName(j+1, n)
			row[j] = Cell{At: g.Sheet + "!" + ref, Value: strings.TrimSpace(v)}
			if row[j].Value != "" {
				cells++
			}
		}
		if cells > lim.MaxCells {
			return nil, fmt.Errorf("单元格过多：最多 %d 个", lim.MaxCells)
		}
		g.Rows, g.Lines = append(g.Rows, row), append(g.Lines, n)
	}
	return g, rows.Error()
}

// readCSV decodes a CSV file (UTF-8 with or without BOM, else GBK) and reads its records.
func readCSV(data []byte, lim Limits) (*Grid, error) {
	g := &Grid{Format: "csv", Encoding: "UTF-8"}
	switch {
	case bytes.HasPrefix(data, []byte("\xef\xbb\xbf")):
		data = data[3:]
	case !utf8.Valid(data):
		dec, err := simplifiedchinese.GBK.NewDecoder().Bytes(data)
		if err != nil || bytes.ContainsRune(dec, utf8.RuneError) {
			return nil, errors.New("无法识别文件编码：既不是 UTF-8 也不是 GBK")
		}
		data, g.Encoding = dec, "GBK"
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	cells := 0
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fmt.Errorf("%d:%d: CSV 格式错误：%v", pe.Line, pe.Column, pe.Err)
			}
			return nil, err
		}
		if len(g.Rows) >= lim.MaxRows {
			return nil, fmt.Errorf("行数过多：最多 %d 行", lim.MaxRows)
		}
		line, _ := r.FieldPos(0)
		row := make([]Cell, len(rec))
		for j, v := range rec {
			row[j] = Cell{At: fmt.Sprintf("%d:%d", line, j+1), Value: strings.TrimSpace(v)}
			if row[j].Value != "" {
				cells++
			}
		}
		if cells > lim.MaxCells {
			return nil, fmt.Errorf("单元格过多：最多 %d 个", lim.MaxCells)
		}
		g.Rows, g.Lines = append(g.Rows, row), append(g.Lines, line)
	}
	return g, nil
}
