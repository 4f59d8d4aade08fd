package main

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/orglife/orglife/exports"
	"github.com/orglife/orglife/sheets"
	"github.com/orglife/orglife/storage/storagetest"
)

// download GETs path with a bearer token and returns the status, headers and body; the answer
// must be what api/openapi.json describes (a download: its status, content type, headers and a
// body of that type; an error: the error body).
func (s *testServer) download(t *testing.T, path, token string) (int, http.Header, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", s.base+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if s.answers != nil {
		s.answers.Check(t, req, resp.StatusCode, resp.Header, raw)
	}
	return resp.StatusCode, resp.Header, raw
}

// cliToken creates a token with `orglife token create` and returns its secret.
func cliToken(t *testing.T, dsn, role, org string) string {
	t.Helper()
	args := []string{"token", "create", "--db", dsn, "--name", role + org, "--role", role}
	if org != "" {
		args = append(args, "--org", org)
	}
	code, out, errs := runCmd(t, args...)
	if code != 0 {
		t.Fatalf("token create: %d %s", code, errs)
	}
	return strings.TrimSpace(strings.SplitN(out, "\n", 2)[0])
}

// TestAssessmentExportEndToEnd: the assessment workbook of a general branch and of a committee
// for 2025 opens with excelize; each branch's 全部规则完成率 equals the summary API's
// compliance_rate for the same scope and year; the marks of January are there; 说明 states scope,
// as-of and the rule-set version; a branch is refused; the list exports carry their filter.
func TestAssessmentExportEndToEnd(t *testing.T) {
	for name, dsn := range storagetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			s := matrixTree(t, dsn)
			admin := cliToken(t, dsn, "admin", "")
			sup := s.must(t, 201, "POST", "/v1/tokens", admin, obj{"name": "组织员", "role": "supervisor", "org_id": "c"})["token"].(string)
			branch := s.must(t, 201, "POST", "/v1/tokens", admin, obj{"name": "b1", "role": "branch", "org_id": "b1"})["token"].(string)

			for _, scope := range []struct {
				org      string
				branches []string // in the sheet's order
				parents  map[string]string
			}{
				{"g1", []string{"博士生第一党支部", "博士生第二党支部"}, map[string]string{"博士生第一党支部": "g1", "博士生第二党支部": "g1"}},
				{"c", []string{"机关第二党支部", "博士生第一党支部", "博士生第二党支部"}, map[string]string{"机关第二党支部": "c", "博士生第一党支部": "g1", "博士生第二党支部": "g1"}},
			} {
				st, h, body := s.download(t, "/v1/exports/assessment.xlsx?org_id="+scope.org+"&year=2025", sup)
				if st != 200 {
					t.Fatalf("assessment %s: %d %s", scope.org, st, body)
				}
				if cd := h.Get("Content-Disposition"); !strings.Contains(cd, "filename=\"assessment-"+scope.org+"-2025.xlsx\"") || !strings.Contains(cd, "filename*=UTF-8''") {
					t.Errorf("Content-Disposition %q", cd)
				}
				f, err := excelize.OpenReader(bytes.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				if got := strings.Join(f.GetSheetList(), ","); got != "组织生活开展情况统计表,问题清单,说明" {
					t.Fatalf("sheets %s", got)
				}
				sh := exports.AssessmentSheet
				rows, _ := f.GetRows(sh, excelize.Options{RawCellValue: true})
				header := rows[sheets.HeaderRows-2]
				sub := rows[sheets.HeaderRows-1]
				col := map[string]int{}
				for i, v := range header {
					if v != "" {
						col[v] = i
					}
				}
				for _, want := range []string{"序号", "上级党组织", "党支部", "支部类型", "每月开展一次主题党日", exports.OverallRateColumn} {
					if _, ok := col[want]; !ok {
						t.Errorf("%s: no column %s in %v", scope.org, want, header)
					}
				}
				theme := col["每月开展一次主题党日"]
				if sub[theme] != "1月" || sub[theme+11] != "12月" || sub[theme+12] != "按时开展月份数" || sub[theme+13] != "完成率" {
					t.Errorf("%s: month columns %v", scope.org, sub[theme:theme+14])
				}
				summaries := map[string]map[string]obj{}
				for _, parent := range []string{"g1", "c"} {
					summaries[parent] = map[string]obj{}
					for _, r := range items(t, s.must(t, 200, "GET", "/v1/compliance/summary?org_id="+parent+"&from=2025-01-01&to=2025-12-31", sup, nil)) {
						summaries[parent][r["name"].(string)] = r
					}
				}
				data := rows[sheets.HeaderRows : sheets.HeaderRows+len(scope.branches)]
				for i, want := range scope.branches {
					r := data[i]
					if r[0] != strconv.Itoa(i+1) || r[col["党支部"]] != want {
						t.Fatalf("%s row %d: %v", scope.org, i, r)
					}
					sum := summaries[scope.parents[want]][want]
					rate, _ := sum["compliance_rate"].(float64)
					got, err := strconv.ParseFloat(r[col[exports.OverallRateColumn]], 64)
					if err != nil || math.Abs(got-rate) > 1e-12 || sum["compliance_rate"] == nil { // Excel keeps 15 significant digits
						t.Errorf("%s %s: workbook rate %v, summary %v", scope.org, want, r[col[exports.OverallRateColumn]], sum["compliance_rate"])
					}
				}
				jan := map[string]string{"博士生第一党支部": "✓", "博士生第二党支部": "✗", "机关第二党支部": "✗"}
				for i, b := range scope.branches {
					if got := data[i][theme]; got != jan[b] {
						t.Errorf("%s %s January: %q, want %q", scope.org, b, got, jan[b])
					}
				}
				if tot := rows[sheets.HeaderRows+len(scope.branches)]; tot[0] != "合计" || tot[theme] != "1" {
					t.Errorf("%s totals %v", scope.org, tot)
				}
				about, _ := f.GetRows("说明")
				text := fmt.Sprint(about)
				for _, want := range []string{"统计范围", "台账截至 2025-02-12", "规则集版本", "生成时间", "✓ 按期完成", "✗ 逾期未办"} {
					if !strings.Contains(text, want) {
						t.Errorf("%s: 说明 lacks %q: %s", scope.org, want, text)
					}
				}
				problems, _ := f.GetRows(exports.ProblemsSheet)
				if len(problems) < 2 || !strings.Contains(fmt.Sprint(problems), "博士生第二党支部") {
					t.Errorf("%s: 问题清单 %v", scope.org, problems)
				}
			}
			if st, _, _ := s.download(t, "/v1/exports/assessment.xlsx?org_id=b1&year=2025", branch); st != 403 {
				t.Errorf("a branch got the assessment: %d", st)
			}
			if st, _, _ := s.download(t, "/v1/exports/assessment.xlsx?org_id=g1&year=x", sup); st != 400 {
				t.Errorf("a bad year: %d", st)
			}

			// lists: the filtered view with its filter in the file
			st, h, body := s.download(t, "/v1/exports/violations.csv?org_id=g1&status=open", sup)
			if st != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") {
				t.Fatalf("violations.csv: %d %s", st, body)
			}
			g, err := sheets.Read("v.csv", body, sheets.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if g.Rows[1][1].Value != "org_id=g1&status=open" {
				t.Errorf("violations.csv filter line: %v", g.Rows[1])
			}
			orgs := map[string]int{}
			for _, r := range g.Rows[7:] {
				orgs[r[1].Value]++
			}
			// g1's subtree: both branches, and the 总支 itself (its plans and 优秀党员 are its own
			// duties since the pack's second edition); never x2, which is outside it
			if orgs["b1"] == 0 || orgs["b2"] == 0 || len(orgs) != 2+min(orgs["g1"], 1) {
				t.Errorf("violations.csv orgs: %v", orgs)
			}
			st, _, body = s.download(t, "/v1/exports/compliance.xlsx?org_id=b1&rule=theme_day_monthly", branch)
			if st != 200 {
				t.Fatalf("compliance.xlsx: %d %s", st, body)
			}
			f, err := excelize.OpenReader(bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			rows, _ := f.GetRows("合规台账")
			about, _ := f.GetRows("说明")
			if len(rows) < 2 || rows[1][0] != "b1" || !strings.Contains(fmt.Sprint(about), "org_id=b1&rule=theme_day_monthly") {
				t.Errorf("compliance.xlsx: %v %v", rows, about)
			}
			if st, _, _ := s.download(t, "/v1/exports/compliance.xlsx?org_id=b2", branch); st != 403 {
				t.Errorf("a branch exported another branch's ledger: %d", st)
			}
			st, _, body = s.download(t, "/v1/exports/records.csv?org_id=g1", sup)
			if st != 200 || !strings.Contains(string(body), "主题党日") {
				t.Errorf("records.csv: %d %s", st, body)
			}
		})
	}
}
