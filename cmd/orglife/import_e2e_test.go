package main

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orglife/orglife/storage/storagetest"
)

// templates is the folder of the shipped import templates.
var templates = filepath.Join("..", "..", "examples", "party-branch", "templates")

// TestImportEndToEnd: the shipped templates import with the CLI (orgs, then members); the
// members' .xlsx template after its .csv changes nothing; the API's dry run over multipart
// shows the plan and a bad file answers 422 naming its cells; a branch may not import; --full
// --leave records the missing members' leaving in their history.
func TestImportEndToEnd(t *testing.T) {
	dsn := storagetest.DSNs(t)["sqlite"]
	if code, _, errs := runCmd(t, "migrate", "--db", dsn); code != 0 {
		t.Fatal(errs)
	}
	code, out, errs := runCmd(t, "import", "orgs", "--db", dsn, filepath.Join(templates, "orgs.xlsx"))
	if code != 0 || !strings.Contains(out, "新增 3") {
		t.Fatalf("import orgs: %d %s %s", code, out, errs)
	}
	code, out, errs = runCmd(t, "import", "members", "--db", dsn, filepath.Join(templates, "members.csv"))
	if code != 0 || !strings.Contains(out, "新增 3") || !strings.Contains(out, "编码 UTF-8") {
		t.Fatalf("import members: %d %s %s", code, out, errs)
	}
	code, out, _ = runCmd(t, "import", "members", "--db", dsn, filepath.Join(templates, "members.xlsx"))
	if code != 0 || !strings.Contains(out, "新增 0，修改 0，不变 3") {
		t.Fatalf("again from xlsx: %d %s", code, out)
	}
	bad := filepath.Join(t.TempDir(), "bad.csv")
	_ = os.WriteFile(bad, []byte("所在党组织编码,姓名,学工号,党籍状态\nphd-1,,x1,正式党员\nphd-1,乙,x2,群众\n"), 0o644)
	code, _, errs = runCmd(t, "import", "members", "--db", dsn, bad)
	if code != 1 || !strings.Contains(errs, "2:2: 姓名不能为空") || !strings.Contains(errs, "3:4: 党籍状态") {
		t.Fatalf("bad file: %d %s", code, errs)
	}

	s := startServer(t, dsn, "--eval-interval=0")
	admin := cliToken(t, dsn, "admin", "")
	branch := cliToken(t, dsn, "branch", "phd-1")
	post := func(token, query, name string, data []byte) (int, obj) {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		fw, _ := mw.CreateFormFile("file", name)
		_, _ = fw.Write(data)
		_ = mw.Close()
		req, _ := http.NewRequest("POST", s.base+"/v1/imports/members"+query, &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		s.answers.Check(t, req, resp.StatusCode, resp.Header, raw)
		var out obj
		_ = json.Unmarshal(raw, &out)
		return resp.StatusCode, out
	}
	csv := []byte("所在党组织编码,姓名,学工号,党籍状态\nphd-1,赵六,B2025009,预备党员\n")
	st, res := post(admin, "?dry_run=true", "new.csv", csv)
	if st != 200 || res["written"] != false || len(res["created"].([]any)) != 1 {
		t.Fatalf("dry run: %d %v", st, res)
	}
	if n := len(items(t, s.must(t, 200, "GET", "/v1/orgs/phd-1/members", admin, nil))); n != 3 {
		t.Fatalf("a dry run wrote: %d members", n)
	}
	raw, _ := os.ReadFile(bad)
	st, res = post(admin, "", "bad.csv", raw)
	if st != 422 || len(res["error"].(obj)["details"].([]any)) != 2 {
		t.Fatalf("bad file: %d %v", st, res)
	}
	if st, _ := post(branch, "", "new.csv", csv); st != 403 {
		t.Fatalf("a branch imported: %d", st)
	}
	st, res = post(admin, "?full=true", "new.csv", csv)
	if st != 200 || res["written"] != true || len(res["missing"].([]any)) != 3 {
		t.Fatalf("import: %d %v", st, res)
	}

	// --full --leave records that the three left, in their history
	file := filepath.Join(t.TempDir(), "new.csv")
	_ = os.WriteFile(file, csv, 0o644)
	code, out, errs = runCmd(t, "import", "members", "--db", dsn, "--full", "--leave", file)
	if code != 0 || !strings.Contains(out, "转出 3") || !strings.Contains(out, "转出\tb2021001\t李明") {
		t.Fatalf("--full --leave: %d %s %s", code, out, errs)
	}
	code, out, errs = runCmd(t, "member", "history", "--db", dsn, "phd-1", "b2021001")
	var h []obj
	if err := json.Unmarshal([]byte(out), &h); code != 0 || err != nil || len(h) != 2 || h[1]["kind"] != "leave" ||
		h[1]["reason"] != "名册导入：不在名册中" || h[0]["confirmed_on"] != "2019-06-01" {
		t.Fatalf("history: %d %s %s", code, out, errs)
	}
	code, out, _ = runCmd(t, "import", "members", "--db", dsn, "--full", "--leave", file)
	if code != 0 || !strings.Contains(out, "不变 1，名册中缺少 0，转出 0") {
		t.Fatalf("--full --leave again: %d %s", code, out)
	}
}
