package web

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/orglife/orglife/roster"
	"github.com/orglife/orglife/sheets"
)

// maxWebImportBytes bounds a roster uploaded through the page: the confirmation carries the file
// back (base64) inside the 2 MiB form limit.
const maxWebImportBytes = 1 << 20

// importRoutes registers the admin's 导入名册: upload, preview (a dry run), confirm.
func (s *server) importRoutes(g gin.IRoutes) {
	if s.importer == nil {
		return
	}
	g.GET("/admin/import", s.adminOnly(s.importPage))
	g.POST("/admin/import", s.adminOnly(s.importPreview))
	g.POST("/admin/import/confirm", s.adminOnly(s.importConfirm))
}

// importPage is the data of 导入名册.
type importPage struct {
	Kind   string
	Full   bool
	Result *roster.Result
	// Name, Data and Sum carry a previewed file to the confirmation.
	Name, Data, Sum string
	Error           string
	Done            bool
}

func (s *server) importPage(c *gin.Context) {
	s.render(c, http.StatusOK, "import", s.pageWith(c, "导入名册", func(p *page) { p.Data = &importPage{Kind: roster.KindMembers} }))
}

// importPreview dry-runs the uploaded file and shows what would change, with the confirmation.
func (s *server) importPreview(c *gin.Context) {
	ip := &importPage{Kind: c.PostForm("kind"), Full: c.PostForm("full") == "on"}
	fh, err := c.FormFile("upload")
	var data []byte
	if err == nil {
		f, ferr := fh.Open()
		if ferr == nil {
			data, err = io.ReadAll(io.LimitReader(f, maxWebImportBytes+1))
			_ = f.Close()
		} else {
			err = ferr
		}
	}
	switch {
	case err != nil:
		ip.Error = "请选择要导入的 .xlsx 或 .csv 文件。"
	case len(data) > maxWebImportBytes:
		ip.Error = "文件过大：网页上传最多 1 MiB，更大的文件请用命令 orglife import 或 API 导入。"
	}
	if ip.Error != "" {
		s.render(c, http.StatusBadRequest, "import", s.pageWith(c, "导入名册", func(p *page) { p.Data = ip }))
		return
	}
	ip.Name = fh.Filename
	s.runImport(c, ip, data, true)
}

// importConfirm imports the previewed file (the same bytes: its checksum is checked).
func (s *server) importConfirm(c *gin.Context) {
	ip := &importPage{Kind: c.PostForm("kind"), Full: c.PostForm("full") == "on", Name: c.PostForm("name")}
	data, err := base64.StdEncoding.DecodeString(c.PostForm("data"))
	if sum := sha256.Sum256(data); err != nil || hex.EncodeToString(sum[:]) != c.PostForm("sum") {
		ip.Error = "确认的文件与预览的不一致，请重新上传。"
		s.render(c, http.StatusBadRequest, "import", s.pageWith(c, "导入名册", func(p *page) { p.Data = ip }))
		return
	}
	s.runImport(c, ip, data, false)
}

// runImport imports (or dry-runs) data and renders the outcome.
func (s *server) runImport(c *gin.Context, ip *importPage, data []byte, dry bool) {
	res, err := s.importer.Import(c.Request.Context(), actorOf(c), roster.Params{Kind: ip.Kind, Name: ip.Name, Data: data, DryRun: dry,
		Full: ip.Full, Limits: sheets.Limits{MaxBytes: maxWebImportBytes}})
	if err != nil {
		s.failPage(c, err)
		return
	}
	ip.Result, ip.Done = res, res.Written
	status := http.StatusOK
	if len(res.Problems) > 0 {
		status = http.StatusUnprocessableEntity
	} else if dry {
		sum := sha256.Sum256(data)
		ip.Data, ip.Sum = base64.StdEncoding.EncodeToString(data), hex.EncodeToString(sum[:])
	}
	s.render(c, status, "import", s.pageWith(c, "导入名册", func(p *page) { p.Data = ip }))
}
