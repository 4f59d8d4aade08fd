package web_test

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/orglife/orglife/storage/storagetest"
)

var pathParam = regexp.MustCompile(`:[a-z_]+`)

// TestEveryFormNeedsCSRF: every POST route of the web interface refuses a logged-in request
// whose form lacks the CSRF token or carries a wrong one (403, nothing done), and every form of
// the templates that posts carries the token.
func TestEveryFormNeedsCSRF(t *testing.T) {
	for name, dsn := range storagetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			w := newMatrixWorld(t, dsn, 1)
			routes := w.handler.(interface{ Routes() gin.RoutesInfo }).Routes()
			posts := 0
			for _, r := range routes {
				if r.Method != http.MethodPost {
					continue
				}
				posts++
				path := pathParam.ReplaceAllString(r.Path, "x")
				for _, form := range []url.Values{{}, {"csrf": {"not-the-token"}}} {
					form.Set("note", "csrf probe")
					req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					req.AddCookie(w.cookie)
					rec := httptest.NewRecorder()
					w.handler.ServeHTTP(rec, req)
					if path == "/login" {
						if rec.Code == http.StatusSeeOther && rec.Header().Get("Location") == "/" {
							t.Errorf("POST /login with csrf %q logged in", form.Get("csrf"))
						}
						continue
					}
					if rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "表单已过期") {
						t.Errorf("POST %s with csrf %q: %d %.200s", r.Path, form.Get("csrf"), rec.Code, rec.Body.String())
					}
				}
			}
			if posts < 10 {
				t.Fatalf("only %d POST routes found", posts)
			}
		})
	}
	formRE := regexp.MustCompile(`(?s)<form\b[^>]*method="post"[^>]*>(.*?)</form>`)
	err := filepath.WalkDir("templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range formRE.FindAllStringSubmatch(string(b), -1) {
			if !strings.Contains(m[1], `name="csrf" value="{{`) {
				t.Errorf("%s: a form without the CSRF token: %.200s", path, m[0])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
