// Package web is the web interface of orglife for people (secretaries, supervisors,
// administrators): server-rendered Chinese pages, logins with sessions stored in the database,
// CSRF-protected forms and embedded assets. It calls engine and compliance like api does and
// imports gin; it never touches the database directly.
package web

import (
	"embed"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/compliance"
	"github.com/orglife/orglife/engine"
	"github.com/orglife/orglife/reminders"
	"github.com/orglife/orglife/roster"
	"github.com/orglife/orglife/rules"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Options configure the handler returned by New.
type Options struct {
	// Logger receives page errors; nil means slog.Default().
	Logger *slog.Logger
	// Now is the clock of the login throttle; nil means time.Now.
	Now func() time.Time
	// Reminders is the reminder job whose webhooks and deliveries the admin pages show (nil: no
	// such pages).
	Reminders *reminders.Job
	// Importer imports rosters (the admin's 导入名册 page); nil: no such page.
	Importer *roster.Importer
}

// server holds what the pages share.
type server struct {
	svc      *engine.Service
	chk      *compliance.Checker
	log      *slog.Logger
	pages    map[string]*template.Template
	throttle *loginThrottle
	rem      *reminders.Job
	importer *roster.Importer
}

// New returns the HTTP handler of the web interface on svc (the workflow side) and chk (the
// compliance side): /login, /logout, / and /static/.
func New(svc *engine.Service, chk *compliance.Checker, opts Options) http.Handler {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &server{svc: svc, chk: chk, log: opts.Logger, pages: parsePages(), throttle: newLoginThrottle(opts.Now), rem: opts.Reminders, importer: opts.Importer}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.ContextWithFallback = true
	// the login throttle counts per TCP peer: X-Forwarded-For is anyone's to forge
	_ = r.SetTrustedProxies(nil)
	r.Use(gin.Recovery(), limitBody)
	static, _ := fs.Sub(staticFS, "static")
	r.StaticFS("/static", http.FS(static))
	r.GET("/login", s.loginPage)
	r.POST("/login", s.login)
	r.POST("/logout", s.requireSession, s.logout)
	r.GET("/", s.requireSession, s.home)
	logged := r.Group("/", s.requireSession)
	for _, routes := range []func(gin.IRoutes){
		s.recordRoutes,
		s.violationRoutes,
		s.reviewRoutes,
		s.handbookRoutes,
		s.matrixRoutes,
		s.ruleRoutes,
		s.accountRoutes,
		s.orgFormRoutes,
		s.memberRoutes,
		s.exportRoutes,
		s.reminderRoutes,
		s.importRoutes,
	} {
		routes(logged)
	}
	r.NoRoute(func(c *gin.Context) { s.render(c, http.StatusNotFound, "notfound", page{Title: "页面不存在"}) })
	return r
}

// parsePages parses each page template (every templates/NAME.html but the shared layout.html,
// form.html and pager.html) together with the shared ones; a page is rendered by its NAME.
func parsePages() map[string]*template.Template {
	out := map[string]*template.Template{}
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if name == "layout" || name == "form" || name == "pager" {
			continue
		}
		out[name] = template.Must(template.New(name).Funcs(templateFuncs()).
			ParseFS(templateFS, "templates/layout.html", "templates/form.html", "templates/pager.html", f))
	}
	return out
}

// templateFuncs are the functions every template may call.
func templateFuncs() template.FuncMap {
	return template.FuncMap{"inputType": inputType, "statusLabel": orglife.StatusLabel, "periodLabel": rules.PeriodTitle, "navLinks": navLinks,
		"inc": func(i int) int { return i + 1 }, "fieldError": fieldError, "exportHref": exportHref}
}

// page is the data every template gets.
type page struct {
	Title     string
	CSRF      string
	Error     string
	Username  string
	User      any
	RoleTitle string
	OrgName   string
	// Secretary is the 工作台 of a branch secretary.
	Secretary *secretaryHome
	// Records is the data of the record pages.
	Records *recordsPage
	// Violations is the data of 问题清单.
	Violations *violationsPage
	// Supervisor is the 工作台 of a supervisor or an admin.
	Supervisor *supervisorHome
	// Data is the data of any other page.
	Data any
}

func (s *server) render(c *gin.Context, status int, name string, p page) {
	c.Header("Content-Type", "text/html; charset=utf-8")
	c.Header("X-Frame-Options", "DENY")
	c.Header("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'")
	c.Status(status)
	if err := s.pages[name].ExecuteTemplate(c.Writer, name+".html", p); err != nil {
		s.log.Error("render page", "page", name, "err", err)
	}
}

// inputType is the HTML input type of a scalar field type.
func inputType(kind string) string {
	switch kind {
	case "int", "number":
		return "number"
	case "date":
		return "date"
	case "datetime":
		return "datetime-local"
	}
	return "text"
}

// maxFormBytes bounds a request body of the web interface (forms, rule files uploaded).
const maxFormBytes = 2 << 20

// limitBody refuses bodies over maxFormBytes: the form parser then fails and the handler answers
// as for a bad form, and nothing is read past the limit.
func limitBody(c *gin.Context) {
	if c.Request.ContentLength > maxFormBytes {
		c.Header("Content-Type", "text/plain; charset=utf-8")
		c.String(http.StatusRequestEntityTooLarge, "提交的内容过大（至多 2 MiB）")
		c.Abort()
		return
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxFormBytes)
	c.Next()
}
