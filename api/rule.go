package api

import (
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/compliance"
	"github.com/orglife/orglife/rules"
)

// ruleRoutes registers the rule-set routes: the active set, validation, activation of new
// files (PUT), versions and rollback, and previews.
func (s *server) ruleRoutes(g *gin.RouterGroup) {
	g.GET("/rules", s.getRules)
	g.PUT("/rules", s.putRules)
	g.POST("/rules/validate", s.validateRules)
	g.POST("/rules/preview", s.previewRules)
	g.GET("/rules/versions", s.ruleVersions)
	g.GET("/rules/versions/:version", s.ruleVersion)
	g.POST("/rules/versions/:version/activate", s.activateRules)
}

// ruleJSON is one rule as GET /v1/rules shows it.
type ruleJSON struct {
	ID             string      `json:"id"`
	Title          string      `json:"title"`
	Description    string      `json:"description,omitempty"`
	Source         string      `json:"source"`
	Strength       string      `json:"strength,omitempty"`
	Severity       string      `json:"severity"`
	Scope          string      `json:"scope"`
	Timing         string      `json:"timing"`
	Every          string      `json:"every,omitempty"`
	Grace          int         `json:"grace_days"`
	Warn           int         `json:"warn_days"`
	Workflow       string      `json:"workflow,omitempty"`
	Where          string      `json:"where,omitempty"`
	Due            string      `json:"due,omitempty"`
	Require        string      `json:"require"`
	Message        string      `json:"message"`
	Mode           string      `json:"mode"`
	EffectiveFrom  *string     `json:"effective_from"`
	EffectiveUntil *string     `json:"effective_until"`
	Shallow        []checkJSON `json:"shallow"`
	File           string      `json:"file"`
	Line           int         `json:"line"`
}

type checkJSON struct {
	ID       string `json:"id"`
	When     string `json:"when"`
	Message  string `json:"message"`
	Severity string `json:"severity"`
}

func dateOf(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.Format("2006-01-02")
	return &s
}

func rulesJSON(rs *rules.RuleSet) []ruleJSON {
	out := []ruleJSON{}
	for _, r := range rs.Rules {
		j := ruleJSON{ID: r.ID, Title: r.Title, Description: r.Description, Source: r.Source, Strength: r.Strength,
			Severity: r.Severity, Scope: r.Scope, Timing: r.Timing(), Every: r.Every, Grace: r.Grace, Warn: r.Warn,
			Workflow: r.Workflow, Where: r.Where, Due: r.Due, Require: r.Require, Message: r.Message, Mode: r.Mode,
			EffectiveFrom: dateOf(r.EffectiveFrom), EffectiveUntil: dateOf(r.EffectiveUntil), Shallow: []checkJSON{},
			File: r.File, Line: r.Line}
		for _, c := range r.Shallow {
			j.Shallow = append(j.Shallow, checkJSON{ID: c.ID, When: c.When, Message: c.Message, Severity: c.Severity})
		}
		out = append(out, j)
	}
	return out
}

func (s *server) getRules(c *gin.Context) {
	rs := s.chk.RuleSet()
	if rs == nil {
		c.JSON(http.StatusOK, gin.H{"version": nil, "rules": []ruleJSON{}})
		return
	}
	c.JSON(http.StatusOK, gin.H{"version": rs.Version, "rules": rulesJSON(rs)})
}

// maxFileNameLength bounds the name of an uploaded rule file, in characters.
const maxFileNameLength = 255

// ruleFiles reads rule files from the request: a multipart/form-data body with one part per file
// (named by the part's file name), or a YAML body holding one file, named by the `file` query
// parameter (default rules.yaml).
func (s *server) ruleFiles(c *gin.Context) (map[string][]byte, bool) {
	mt, params, _ := mime.ParseMediaType(c.GetHeader("Content-Type"))
	if mt != "multipart/form-data" {
		raw, ok := s.readBody(c)
		if !ok {
			return nil, false
		}
		if len(strings.TrimSpace(string(raw))) == 0 {
			s.fail(c, errorf(codeInvalid, "request body is empty; a YAML rule file is expected"))
			return nil, false
		}
		name := path.Base(c.DefaultQuery("file", "rules.yaml"))
		if err := orglife.InvalidInput(orglife.CheckText("file", name, maxFileNameLength)); err != nil {
			s.fail(c, err)
			return nil, false
		}
		return map[string][]byte{name: raw}, true
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, s.maxBody)
	mr := multipart.NewReader(c.Request.Body, params["boundary"])
	files := map[string][]byte{}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			s.fail(c, errorf(codeInvalid, "malformed multipart body: %v", err))
			return nil, false
		}
		name := part.FileName()
		if name == "" {
			name = part.FormName()
		}
		b, err := io.ReadAll(part)
		if err != nil {
			s.fail(c, errorf(codeInvalid, "cannot read part %s: %v", name, err))
			return nil, false
		}
		name = path.Base(name)
		if err := orglife.InvalidInput(orglife.CheckText("file", name, maxFileNameLength)); err != nil {
			s.fail(c, err)
			return nil, false
		}
		if _, dup := files[name]; dup {
			s.fail(c, errorf(codeInvalid, "file %s is given twice", name))
			return nil, false
		}
		files[name] = b
	}
	if len(files) == 0 {
		s.fail(c, errorf(codeInvalid, "the multipart body holds no rule file"))
		return nil, false
	}
	return files, true
}

func (s *server) validateRules(c *gin.Context) {
	files, ok := s.ruleFiles(c)
	if !ok {
		return
	}
	rs, err := s.chk.ValidateRules(c.Request.Context(), actorOf(c), files)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"valid": true, "version": rs.Version, "rules": len(rs.Rules)})
}

func (s *server) putRules(c *gin.Context) {
	files, ok := s.ruleFiles(c)
	if !ok {
		return
	}
	allow := false
	switch v := c.Query("allow_removal"); v {
	case "", "false":
	case "true":
		allow = true
	default:
		s.fail(c, &orglife.Error{Code: orglife.EINVALID, Message: "allow_removal must be true or false",
			Details: []orglife.Detail{{Field: "allow_removal", Message: "not true or false: " + v}}})
		return
	}
	v, err := s.chk.PutRulesWith(c.Request.Context(), actorOf(c), compliance.PutRulesParams{Files: files, Note: c.Query("note"), AllowRemoval: allow})
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"version": v.Version, "active": v.Active, "activated_at": v.ActivatedAt,
		"author": v.Author, "note": v.Note, "rules": rulesJSON(s.chk.RuleSet())})
}

func (s *server) ruleVersions(c *gin.Context) {
	if !actorOf(c).IsAdmin() {
		s.fail(c, errorf(orglife.EFORBIDDEN, "only an admin may list rule-set versions"))
		return
	}
	vs, err := s.chk.RuleVersions(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, newPage(vs, nil))
}

func (s *server) ruleVersion(c *gin.Context) {
	if !actorOf(c).IsAdmin() {
		s.fail(c, errorf(orglife.EFORBIDDEN, "only an admin may read rule-set versions"))
		return
	}
	v, err := s.chk.RuleVersion(c.Request.Context(), c.Param("version"))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}

// activateRequest is the optional body of POST /v1/rules/versions/:version/activate.
type activateRequest struct {
	Note string `json:"note"`
}

func (s *server) activateRules(c *gin.Context) {
	var req activateRequest
	raw, ok := s.readBody(c)
	if !ok {
		return
	}
	if len(strings.TrimSpace(string(raw))) > 0 && !s.decodeJSON(c, raw, &req) {
		return
	}
	v, err := s.chk.ActivateVersion(c.Request.Context(), actorOf(c), c.Param("version"), req.Note)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}

func (s *server) previewRules(c *gin.Context) {
	from, to, ok := s.dateRange(c)
	if !ok {
		return
	}
	asOf, ok := s.asOfQuery(c)
	if !ok {
		return
	}
	files, ok := s.ruleFiles(c)
	if !ok {
		return
	}
	res, err := s.chk.Preview(c.Request.Context(), actorOf(c), compliance.PreviewParams{Files: files, From: from, To: to,
		OrgID: c.Query("org_id"), AsOf: asOf})
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, res)
}
