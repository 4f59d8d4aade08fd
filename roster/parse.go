package roster

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/orglife/orglife/sheets"
)

// Problem is one thing wrong with the file, at its place: "花名册!C5" or "5:3" (line 5, field 3).
type Problem struct {
	At      string `json:"at"`
	Message string `json:"message"`
}

// String writes a problem as "place: message".
func (p Problem) String() string { return p.At + ": " + p.Message }

// table is a grid with its header row read: the column of each known header and the data rows.
type table struct {
	grid    *sheets.Grid
	col     map[string]int
	rows    []int // indexes into grid.Rows of the non-empty data rows
	ignored []string
}

// place names column j (0-based) of grid row i.
func (t *table) place(i, j int) string { return t.grid.At(i, j) }

// cell returns the value and place of column name in grid row i ("" and the place of where the
// column would be when the file has no such column).
func (t *table) cell(i int, name string) (value, at string) {
	j, ok := t.col[name]
	if !ok {
		return "", ""
	}
	row := t.grid.Rows[i]
	if j < len(row) {
		return row[j].Value, row[j].At
	}
	return "", t.place(i, j)
}

// readTable finds the header row (the first non-empty row), maps the known headers and checks
// that the required ones are there.
func readTable(g *sheets.Grid, known, required []string) (*table, []Problem) {
	t := &table{grid: g, col: map[string]int{}}
	header := -1
	for i, r := range g.Rows {
		if !emptyRow(r) {
			header = i
			break
		}
	}
	if header < 0 {
		return nil, []Problem{{At: where(g), Message: "文件是空的：第一行应为表头（" + strings.Join(required, "、") + " …）"}}
	}
	var ps []Problem
	for j, c := range g.Rows[header] {
		name := strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(c.Value, "*"), "（必填）"))
		switch {
		case name == "":
		case slices.Contains(known, name):
			if _, dup := t.col[name]; dup {
				ps = append(ps, Problem{At: c.At, Message: "表头“" + name + "”重复"})
				continue
			}
			t.col[name] = j
		default:
			t.ignored = append(t.ignored, name)
		}
	}
	for _, name := range required {
		if _, ok := t.col[name]; !ok {
			ps = append(ps, Problem{At: t.place(header, 0), Message: "缺少必填列“" + name + "”（表头所在行）"})
		}
	}
	for i := header + 1; i < len(g.Rows); i++ {
		if !emptyRow(g.Rows[i]) {
			t.rows = append(t.rows, i)
		}
	}
	if len(ps) == 0 && len(t.rows) == 0 {
		ps = append(ps, Problem{At: t.place(header, 0), Message: "表头下没有数据行"})
	}
	return t, ps
}

// where names a file as a whole: its sheet, or line 1.
func where(g *sheets.Grid) string {
	if g.Format == "csv" {
		return "1:1"
	}
	return g.Sheet + "!A1"
}

func emptyRow(r []sheets.Cell) bool {
	for _, c := range r {
		if c.Value != "" {
			return false
		}
	}
	return true
}

var (
	dateSep  = regexp.MustCompile(`^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$`)
	dateUS   = regexp.MustCompile(`^(\d{1,2})-(\d{1,2})-(\d{2})$`) // excelize's rendering of Excel's built-in date format 14
	dateFlat = regexp.MustCompile(`^(\d{4})(\d{2})(\d{2})$`)
)

// parseDate reads a date as people type it (2021-06-01, 2021/6/1, 2021.6.1, 2021年6月1日,
// 20210601) or as Excel stores it (a serial day number, or 06-01-21); it returns YYYY-MM-DD.
func parseDate(s string) (string, bool) {
	var y, m, d int
	switch {
	case dateSep.MatchString(s):
		p := dateSep.FindStringSubmatch(s)
		y, m, d = atoi(p[1]), atoi(p[2]), atoi(p[3])
	case dateFlat.MatchString(s):
		p := dateFlat.FindStringSubmatch(s)
		y, m, d = atoi(p[1]), atoi(p[2]), atoi(p[3])
	case dateUS.MatchString(s):
		p := dateUS.FindStringSubmatch(s)
		m, d, y = atoi(p[1]), atoi(p[2]), 2000+atoi(p[3])
		if y > time.Now().Year() {
			y -= 100
		}
	default:
		n, err := strconv.ParseFloat(s, 64)
		if err != nil || n < 1 || n > 80000 {
			return "", false
		}
		t := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(n))
		return t.Format("2006-01-02"), true
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Year() != y || int(t.Month()) != m || t.Day() != d || y < 1900 {
		return "", false
	}
	return t.Format("2006-01-02"), true
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

// splitList splits a cell of several values (职务: 书记、组织委员).
func splitList(s string) []string {
	f := strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune("、,，;；/ 　", r) })
	return f
}
