package web

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/compliance"
	"github.com/orglife/orglife/rules"
)

// maxRuleBytes caps the rule files of one form, like the API's body limit.
const maxRuleBytes = 1 << 20

// maxPreviewChanges caps the status changes a preview page lists.
const maxPreviewChanges = 500

// ruleRow is one active rule of the 规则 page.
type ruleRow struct {
	ID, Title, Source, Strength, Severity, Frequency, Due, Mode, File string
	Line                                                              int
}

// versionRow is one stored rule-set version.
type versionRow struct {
	Version, Author, Note, CreatedAt, ActivatedAt, ActivatedBy string
	Active                                                     bool
}

// rulesPage is the data of 规则.
type rulesPage struct {
	Version  string
	Rules    []ruleRow
	Versions []versionRow
	// VersionsPager pages Versions.
	VersionsPager *pager
	Admin         bool
	Notice        string
	Error         string
	// Calendar warns that the holiday calendar lacks this year, or from November next year.
	Calendar string
}

// ruleProblem is one problem of a rule file, with the line it points at.
type ruleProblem struct {
	File         string
	Line, Column int
	Message      string
	Text         string // the line's text ("" when unknown)
}

// ruleFileBox is one rule file of the edit form.
type ruleFileBox struct {
	Index    int
	Name     string
	Content  string
	Rows     int
	Problems []ruleProblem
}

// previewChange is one subject whose status would change.
type previewChange struct {
	Org, Subject, From, To string
	FromClass, ToClass     string
}

// previewRuleRow lists the changes of one rule in one period.
type previewRuleRow struct {
	Rule, Period string
	Changes      []previewChange
}

// previewViolation is a violation that would open, clear or reopen.
type previewViolation struct {
	Rule, Org, Period, Kind, Severity string
}

// previewDue is a row whose due date would change.
type previewDue struct {
	Rule, Org, Subject, Period, From, To string
}

// previewView is the result of 预览.
type previewView struct {
	ActiveVersion, CandidateVersion, From, To string
	Added, Removed                            []string
	Rules                                     []previewRuleRow
	Truncated                                 bool
	Opened, Cleared, Reopened                 []previewViolation
	Due                                       []previewDue
	DueTotal                                  int
	Totals                                    []compliance.PreviewTotal
	Empty                                     bool
}

// rulesEditPage is the data of 编辑规则.
type rulesEditPage struct {
	Files    []ruleFileBox
	Problems []ruleProblem // problems of no shown file
	Error    string
	Notice   string
	From, To string
	OrgID    string
	Note     string
	Preview  *previewView
	Removal  []string // the rules a PUT would remove: ask for confirmation
	Versions []versionRow
	// VersionsPager pages Versions.
	VersionsPager *pager
	Valid         bool
}

// frequencyLabel is the Chinese of a rule's period kind (or its timing when it has none).
func frequencyLabel(r *rules.Rule) string {
	switch r.Every {
	case "month":
		return "每月"
	case "quarter":
		return "每季度"
	case "half_year":
		return "每半年"
	case "year":
		return "每年"
	case "":
		if r.Timing() == rules.TimingInstance {
			return "每次记录"
		}
		return "限期一次"
	}
	return r.Every
}

// ruleDueLabel describes when a rule is due; the expression of a deadline rule is shown to
// administrators only (admin), others read that the rule sets the date.
func ruleDueLabel(r *rules.Rule, admin bool) string {
	var parts []string
	switch {
	case r.Due != "" && admin:
		parts = append(parts, "期限："+r.Due)
	case r.Due != "":
		parts = append(parts, "期限：按记录中的日期计算（如任期届满日、整改时限）")
	case r.Every != "" && r.Grace > 0:
		parts = append(parts, fmt.Sprintf("期满后 %d 天内", r.Grace))
	case r.Every != "":
		parts = append(parts, "期末前")
	}
	if r.Warn > 0 {
		parts = append(parts, fmt.Sprintf("到期前 %d 天预警", r.Warn))
	}
	return strings.Join(parts, "；")
}

func strengthLabel(s string) string {
	switch s {
	case "HARD":
		return "刚性（中央规定）"
	case "DEFAULT":
		return "一般要求"
	case "LOCAL":
		return "本地规定"
	case "SEED":
		return "示例"
	case "":
		return "—"
	}
	return s
}

// ruleRoutes registers 规则: the list (admins and supervisors), the editor, validate, preview,
// activate and rollback (admins).
func (s *server) ruleRoutes(g gin.IRoutes) {
	g.GET("/rules", s.rulesList)
	g.GET("/rules/edit", s.rulesEdit)
	g.POST("/rules/edit", s.rulesPost)
	g.POST("/rules/versions/:version/activate", s.rulesRollback)
}

var errNotAdmin = orglife.Errorf(orglife.EFORBIDDEN, "admins only")

func (s *server) versionRows(c *gin.Context) ([]versionRow, error) {
	vs, err := s.chk.RuleVersions(c.Request.Context())
	if err != nil {
		return nil, err
	}
	loc := s.svc.Location()
	at := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.In(loc).Format("2006-01-02 15:04")
	}
	out := make([]versionRow, 0, len(vs))
	for _, v := range vs {
		out = append(out, versionRow{Version: v.Version, Author: v.Author, Note: v.Note, CreatedAt: at(&v.CreatedAt),
			ActivatedAt: at(v.ActivatedAt), ActivatedBy: v.ActivatedBy, Active: v.Active})
	}
	return out, nil
}

func (s *server) rulesList(c *gin.Context) {
	s.showRules(c, http.StatusOK, c.Query("notice"), "")
}

func (s *server) showRules(c *gin.Context, status int, notice, failure string) {
	u := userOf(c)
	if u.Role != orglife.RoleAdmin && u.Role != orglife.RoleSupervisor {
		s.failPage(c, errNotAdmin)
		return
	}
	rp := &rulesPage{Admin: u.Role == orglife.RoleAdmin, Error: failure}
	switch notice {
	case "activated":
		rp.Notice = "新规则已启用。"
	case "rolledback":
		rp.Notice = "已回滚到所选版本。"
	}
	if rs := s.chk.RuleSet(); rs != nil {
		rp.Version = rs.Version
		rp.Calendar = rs.Calendar.Warning(s.chk.Now().In(s.chk.Location()))
		for _, r := range rs.Rules {
			rp.Rules = append(rp.Rules, ruleRow{ID: r.ID, Title: cmp.Or(r.Title, r.ID), Source: r.Source, Strength: strengthLabel(r.Strength),
				Severity: orglife.SeverityLabel(r.Severity), Frequency: frequencyLabel(r), Due: ruleDueLabel(r, rp.Admin), Mode: modeLabel(r.Mode), File: r.File, Line: r.Line})
		}
	}
	if rp.Admin {
		vs, err := s.versionRows(c)
		if err != nil {
			s.failPage(c, err)
			return
		}
		rp.VersionsPager = newPager(c, "/rules", nil, 20)
		rp.Versions = pageSlice(rp.VersionsPager, vs, func(v versionRow) string { return v.Version })
	}
	s.render(c, status, "rules", s.pageWith(c, "规则", func(p *page) { p.Data = rp }))
}

func modeLabel(m string) string {
	if m == rules.ModeShadow {
		return "试运行（不产生问题）"
	}
	return "执行"
}

func (s *server) rulesEdit(c *gin.Context) {
	if userOf(c).Role != orglife.RoleAdmin {
		s.failPage(c, errNotAdmin)
		return
	}
	ep := &rulesEditPage{}
	if rs := s.chk.RuleSet(); rs != nil {
		for _, name := range slices.Sorted(maps.Keys(rs.Files)) {
			ep.Files = append(ep.Files, ruleFileBox{Name: name, Content: string(rs.Files[name])})
		}
	}
	s.showRulesEdit(c, http.StatusOK, ep)
}

func (s *server) showRulesEdit(c *gin.Context, status int, ep *rulesEditPage) {
	if ep.Versions == nil {
		vs, err := s.versionRows(c)
		if err != nil {
			s.failPage(c, err)
			return
		}
		ep.VersionsPager = newPager(c, "/rules/edit", nil, 20)
		ep.Versions = pageSlice(ep.VersionsPager, vs, func(v versionRow) string { return v.Version })
	}
	for i := range ep.Files {
		f := &ep.Files[i]
		f.Index = i
		f.Rows = min(max(strings.Count(f.Content, "\n")+2, 6), 30)
	}
	s.render(c, status, "rules_edit", s.pageWith(c, "编辑规则", func(p *page) { p.Data = ep }))
}

// editForm reads the edit form: the files of the textareas (a blank one drops its file) and the
// uploaded files (replacing a file of the same name).
func (s *server) editForm(c *gin.Context) (*rulesEditPage, map[string][]byte, string) {
	ep := &rulesEditPage{From: c.PostForm("from"), To: c.PostForm("to"), OrgID: c.PostForm("org_id"), Note: c.PostForm("note")}
	names, contents := c.PostFormArray("name"), c.PostFormArray("content")
	files := map[string][]byte{}
	var order []string
	total := 0
	for i, name := range names {
		name = strings.TrimSpace(name)
		if name == "" || i >= len(contents) {
			continue
		}
		content := strings.ReplaceAll(contents[i], "\r\n", "\n")
		if strings.TrimSpace(content) == "" {
			continue
		}
		if _, dup := files[name]; !dup {
			order = append(order, name)
		}
		files[name] = []byte(content)
		total += len(content)
	}
	if mf, err := c.MultipartForm(); err == nil && mf != nil {
		for _, fh := range mf.File["upload"] {
			f, err := fh.Open()
			if err != nil {
				return ep, nil, "无法读取上传的文件 " + fh.Filename
			}
			b, err := io.ReadAll(io.LimitReader(f, maxRuleBytes+1))
			f.Close()
			if err != nil {
				return ep, nil, "无法读取上传的文件 " + fh.Filename
			}
			name := fh.Filename
			if _, dup := files[name]; !dup {
				order = append(order, name)
			}
			files[name] = []byte(strings.ReplaceAll(string(b), "\r\n", "\n"))
			total += len(b)
		}
	}
	for _, name := range order {
		ep.Files = append(ep.Files, ruleFileBox{Name: name, Content: string(files[name])})
	}
	if total > maxRuleBytes {
		return ep, nil, "规则文件合计不能超过 1 MiB"
	}
	if len(files) == 0 {
		return ep, nil, "没有规则文件：请填写或上传至少一个文件"
	}
	return ep, files, ""
}

func (s *server) rulesPost(c *gin.Context) {
	if userOf(c).Role != orglife.RoleAdmin {
		s.failPage(c, errNotAdmin)
		return
	}
	ep, files, failure := s.editForm(c)
	if failure != "" {
		ep.Error = failure
		s.showRulesEdit(c, http.StatusBadRequest, ep)
		return
	}
	ctx, actor := c.Request.Context(), actorOf(c)
	var err error
	switch action := c.PostForm("action"); action {
	case "validate":
		var rs *rules.RuleSet
		if rs, err = s.chk.ValidateRules(ctx, actor, files); err == nil {
			ep.Valid = true
			ep.Notice = fmt.Sprintf("校验通过：共 %d 条规则（版本 %s）。", len(rs.Rules), rs.Version)
		}
	case "preview":
		var res *compliance.PreviewResult
		if res, err = s.chk.Preview(ctx, actor, compliance.PreviewParams{Files: files, From: ep.From, To: ep.To, OrgID: ep.OrgID}); err == nil {
			ep.Valid = true
			ep.Preview = s.previewView(res, s.scopeOrgNames(c))
			if ep.Preview.Empty {
				ep.Notice = "预览完成：这次修改不会改变任何状态或问题。"
			} else {
				ep.Notice = "预览完成：以下是启用后将发生的变化（尚未保存）。"
			}
		}
	case "activate", "activate_removal":
		var v *orglife.RuleSetVersion
		v, err = s.chk.PutRulesWith(ctx, actor, compliance.PutRulesParams{Files: files, Note: ep.Note, AllowRemoval: action == "activate_removal" && c.PostForm("allow_removal") == "true"})
		if err == nil {
			c.Redirect(http.StatusSeeOther, "/rules?notice=activated&version="+v.Version)
			return
		}
	default:
		ep.Error = "未知操作"
		s.showRulesEdit(c, http.StatusBadRequest, ep)
		return
	}
	if err != nil {
		var oe *orglife.Error
		if !errors.As(err, &oe) || (oe.Code != orglife.EINVALID && oe.Code != orglife.EUNPROCESSABLE && oe.Code != orglife.ECONFLICT) {
			s.failPage(c, err)
			return
		}
		status := http.StatusUnprocessableEntity
		switch oe.Code {
		case orglife.EINVALID:
			status = http.StatusBadRequest
		case orglife.ECONFLICT:
			status = http.StatusConflict
		}
		s.explainRuleError(ep, oe)
		s.showRulesEdit(c, status, ep)
		return
	}
	s.showRulesEdit(c, http.StatusOK, ep)
}

// explainRuleError puts the engine's refusal on the edit page: the problems next to their files,
// the rules a removal would drop.
func (s *server) explainRuleError(ep *rulesEditPage, oe *orglife.Error) {
	switch oe.Code {
	case orglife.ECONFLICT:
		ep.Error = "这次修改将删除现行规则集中的规则（见下），尚未启用。如确需删除，请确认后再启用。"
		for _, d := range oe.Details {
			ep.Removal = append(ep.Removal, d.Message)
		}
		return
	case orglife.EINVALID:
		ep.Error = "请求有误：" + oe.Message
		for _, d := range chineseDetails(oe.Details) {
			ep.Error += "；" + cmp.Or(d.Field, d.File) + "：" + d.Message
		}
		return
	}
	byName := map[string]int{}
	for i, f := range ep.Files {
		byName[f.Name] = i
	}
	for _, d := range oe.Details {
		p := ruleProblem{File: d.File, Line: d.Line, Column: d.Column, Message: d.Message}
		if p.File == "" && d.Field != "" {
			p.Message = d.Field + "：" + d.Message
		}
		if i, ok := byName[d.File]; ok {
			if lines := strings.Split(ep.Files[i].Content, "\n"); d.Line >= 1 && d.Line <= len(lines) {
				p.Text = lines[d.Line-1]
			}
			ep.Files[i].Problems = append(ep.Files[i].Problems, p)
			continue
		}
		ep.Problems = append(ep.Problems, p)
	}
	n := len(oe.Details)
	switch {
	case n > 0:
		ep.Error = fmt.Sprintf("规则文件有 %d 处问题，尚未保存：请按各文件下标出的行列修改（%s）。", n, oe.Message)
	default:
		ep.Error = "未能保存：" + oe.Message
	}
}

func (s *server) previewView(res *compliance.PreviewResult, orgs map[string]string) *previewView {
	active := s.chk.RuleSet()
	org := func(id string) string { return cmp.Or(orgs[id], id) }
	title := func(id string) string {
		if r := active.Rule(id); r != nil && r.Title != "" {
			return r.Title + "（" + id + "）"
		}
		return id
	}
	loc := s.svc.Location()
	day := func(t *time.Time) string {
		if t == nil {
			return "—"
		}
		lt := t.In(loc)
		if lt.Hour() == 0 && lt.Minute() == 0 && lt.Second() == 0 {
			return lt.AddDate(0, 0, -1).Format("2006-01-02") + " 24:00"
		}
		return lt.Format("2006-01-02 15:04")
	}
	// the subject of an org rule is the org itself: shown once
	subject := func(orgID, subjectID string) string {
		if subjectID == orgID {
			return ""
		}
		return subjectID
	}
	pv := &previewView{ActiveVersion: res.ActiveVersion, CandidateVersion: res.CandidateVersion, From: res.From, To: res.To,
		Added: res.AddedRules, DueTotal: res.DueChangesTotal}
	for _, t := range res.Totals {
		t.OrgID = org(t.OrgID)
		pv.Totals = append(pv.Totals, t)
	}
	for _, id := range res.RemovedRules {
		pv.Removed = append(pv.Removed, title(id))
	}
	n := 0
	for _, r := range res.Rules {
		row := previewRuleRow{Rule: title(r.Rule), Period: rules.PeriodTitle(r.Period)}
		for _, ch := range r.Changes {
			if n >= maxPreviewChanges {
				pv.Truncated = true
				break
			}
			n++
			from := "（尚无）"
			if ch.From != "" {
				from = orglife.StatusLabel(ch.From)
			}
			row.Changes = append(row.Changes, previewChange{Org: org(ch.OrgID), Subject: subject(ch.OrgID, ch.SubjectID), From: from, To: orglife.StatusLabel(ch.To),
				FromClass: string(ch.From), ToClass: string(ch.To)})
		}
		if len(row.Changes) > 0 {
			pv.Rules = append(pv.Rules, row)
		}
	}
	refs := func(list []compliance.ViolationRef) []previewViolation {
		var out []previewViolation
		for _, v := range list {
			pr := previewViolation{Rule: title(v.Rule), Org: org(v.OrgID), Kind: orglife.ViolationKindLabel(v.Kind), Severity: orglife.SeverityLabel(v.Severity)}
			if v.Period != nil {
				pr.Period = rules.PeriodTitle(*v.Period)
			}
			if v.Check != "" {
				pr.Kind += "（" + v.Check + "）"
			}
			out = append(out, pr)
		}
		return out
	}
	pv.Opened, pv.Cleared, pv.Reopened = refs(res.Opened), refs(res.Cleared), refs(res.Reopened)
	for _, d := range res.DueChanges {
		pv.Due = append(pv.Due, previewDue{Rule: title(d.Rule), Org: org(d.OrgID), Subject: subject(d.OrgID, d.SubjectID), Period: rules.PeriodTitle(d.Period), From: day(d.From), To: day(d.To)})
	}
	pv.Empty = len(pv.Rules) == 0 && len(pv.Opened) == 0 && len(pv.Cleared) == 0 && len(pv.Reopened) == 0 && pv.DueTotal == 0 &&
		len(pv.Added) == 0 && len(pv.Removed) == 0
	return pv
}

func (s *server) rulesRollback(c *gin.Context) {
	if userOf(c).Role != orglife.RoleAdmin {
		s.failPage(c, errNotAdmin)
		return
	}
	_, err := s.chk.ActivateVersion(c.Request.Context(), actorOf(c), c.Param("version"), c.PostForm("note"))
	var oe *orglife.Error
	switch {
	case err == nil:
		c.Redirect(http.StatusSeeOther, "/rules?notice=rolledback")
	case errors.As(err, &oe) && (oe.Code == orglife.EINVALID || oe.Code == orglife.EUNPROCESSABLE || oe.Code == orglife.ENOTFOUND):
		status := http.StatusUnprocessableEntity
		if oe.Code == orglife.ENOTFOUND {
			status = http.StatusNotFound
		}
		s.showRules(c, status, "", "未能回滚到版本 "+c.Param("version")+"："+oe.Message)
	default:
		s.failPage(c, err)
	}
}

// scopeOrgNames maps the ids of the orgs in the user's scope to their names (empty when they
// cannot be read: the pages then show ids).
func (s *server) scopeOrgNames(c *gin.Context) map[string]string {
	names, err := s.orgNames(c.Request.Context(), actorOf(c))
	if err != nil {
		s.log.Warn("org names", "err", err)
	}
	return names
}
