package api

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/roster"
)

// MaxImportBytes bounds an uploaded roster file (the request, multipart envelope included).
const MaxImportBytes = 5 << 20

// importRoutes registers the roster imports when the server has an importer.
func (s *server) importRoutes(g *gin.RouterGroup) {
	if s.importer == nil {
		return
	}
	g.POST("/imports/:kind", s.importRoster)
}

// importRoster answers POST /v1/imports/{orgs,members}?dry_run=&full=&leave=: the file is the
// multipart field "file", or the raw body named by ?filename= (or typed by ?format=xlsx|csv).
// A file with problems answers 422 listing every problem (details: field = the cell) and the
// result; a valid one answers 200 with what was (or, in a dry run, would be) created, changed,
// left and missing.
func (s *server) importRoster(c *gin.Context) {
	kind := c.Param("kind")
	if kind != roster.KindOrgs && kind != roster.KindMembers {
		s.fail(c, errorf(codeNotFound, "no import %s: use /v1/imports/orgs or /v1/imports/members", kind))
		return
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, MaxImportBytes)
	name, data, err := uploaded(c)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			writeError(c, http.StatusRequestEntityTooLarge, codeInvalid, "the file is larger than 5 MiB", nil)
			return
		}
		s.fail(c, &orglife.Error{Code: codeInvalid, Message: err.Error()})
		return
	}
	flag := func(k string) bool { v := c.Query(k); return v == "true" || v == "1" }
	res, err := s.importer.Import(c.Request.Context(), actorOf(c), roster.Params{Kind: kind, Name: name, Data: data,
		DryRun: flag("dry_run"), Full: flag("full"), Leave: flag("leave")})
	if err != nil {
		s.fail(c, err)
		return
	}
	if len(res.Problems) > 0 {
		details := make([]orglife.Detail, len(res.Problems))
		for i, p := range res.Problems {
			details[i] = orglife.Detail{Field: p.At, Message: p.Message}
		}
		c.JSON(http.StatusUnprocessableEntity, gin.H{"error": gin.H{"code": orglife.EUNPROCESSABLE, "message": res.Summary(), "details": details}, "result": res})
		return
	}
	c.JSON(http.StatusOK, res)
}

// uploaded returns the uploaded file's name and bytes.
func uploaded(c *gin.Context) (string, []byte, error) {
	ct, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type"))
	if ct == "multipart/form-data" {
		fh, err := c.FormFile("file")
		if err != nil {
			return "", nil, errors.New("the multipart form has no file field \"file\"")
		}
		f, err := fh.Open()
		if err != nil {
			return "", nil, err
		}
		defer f.Close()
		data, err := io.ReadAll(f)
		return fh.Filename, data, err
	}
	name := c.Query("filename")
	if name == "" {
		switch strings.ToLower(c.Query("format")) {
		case "xlsx":
			name = "upload.xlsx"
		case "csv":
			name = "upload.csv"
		default:
			return "", nil, errors.New("name the file with ?filename=NAME.xlsx|NAME.csv or ?format=xlsx|csv, or upload it as the multipart field \"file\"")
		}
	}
	data, err := io.ReadAll(c.Request.Body)
	return name, data, err
}
