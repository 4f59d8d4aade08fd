// Package api is the HTTP interface of orglife (spec §5): a gin router, bearer-token
// authentication, the handlers of each resource, Prometheus metrics, and the one table that maps
// orglife error codes onto HTTP statuses. It imports orglife, engine and compliance; it never touches the
// database directly. Each resource lives in its own file (org.go, instance.go, …); the
// compliance resources (rules, evaluations, compliance, violations) are added the same way.
package api

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/orglife/orglife/compliance"
	"github.com/orglife/orglife/engine"
	"github.com/orglife/orglife/reminders"
	"github.com/orglife/orglife/roster"
)

// DefaultMaxBodyBytes is the default limit on the size of a request body: 1 MiB.
const DefaultMaxBodyBytes = 1 << 20

// Options configure the handler returned by New.
type Options struct {
	// Logger receives request errors and panics; nil means slog.Default().
	Logger *slog.Logger
	// MaxBodyBytes limits request bodies; 0 means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// AuthFailureLimit is how many failed authentications one client address may make per
	// AuthFailureWindow before further failures answer 429; 0 means DefaultAuthFailureLimit and
	// DefaultAuthFailureWindow.
	AuthFailureLimit  int
	AuthFailureWindow time.Duration
	// Now is the clock of the throttle; nil means time.Now (tests inject one).
	Now func() time.Time
	// Reminders is the reminder job whose webhooks and deliveries the API administers (nil: those
	// routes are absent; GET /v1/todo is always there).
	Reminders *reminders.Job
	// Importer imports rosters (POST /v1/imports/…); nil: those routes are absent.
	Importer *roster.Importer
	// Metrics are the collectors served at /metrics; nil means new ones (without evaluation
	// or pool series: pass the same Metrics as compliance.Config.Observer for those).
	Metrics *Metrics
}

// server holds what the handlers share.
type server struct {
	svc      *engine.Service
	chk      *compliance.Checker
	log      *slog.Logger
	maxBody  int64
	metrics  *Metrics
	throttle *authThrottle
	rem      *reminders.Job
	importer *roster.Importer
}

// New returns the HTTP handler of the orglife API on svc (the workflow side) and chk (the
// compliance side).
func New(svc *engine.Service, chk *compliance.Checker, opts Options) http.Handler {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = DefaultMaxBodyBytes
	}
	gin.SetMode(gin.ReleaseMode)
	if opts.Metrics == nil {
		opts.Metrics = NewMetrics()
	}
	s := &server{svc: svc, chk: chk, log: opts.Logger, maxBody: opts.MaxBodyBytes, metrics: opts.Metrics, rem: opts.Reminders, importer: opts.Importer,
		throttle: newAuthThrottle(opts.AuthFailureLimit, opts.AuthFailureWindow, 0, opts.Now)}

	r := gin.New()
	r.HandleMethodNotAllowed = true
	r.ContextWithFallback = true
	r.Use(s.metrics.middleware, s.recovery)
	r.NoRoute(func(c *gin.Context) {
		s.fail(c, errorf(codeNotFound, "no route %s %s", c.Request.Method, c.Request.URL.Path))
	})
	r.NoMethod(func(c *gin.Context) {
		writeError(c, http.StatusMethodNotAllowed, codeInvalid,
			"method "+c.Request.Method+" is not allowed on "+c.Request.URL.Path, nil)
	})

	s.healthRoutes(r)
	s.metrics.routes(r)
	s.openAPIRoutes(r)

	v1 := r.Group("/v1", s.authenticate, s.checkInput)
	s.tokenRoutes(v1)
	s.userRoutes(v1)
	s.orgRoutes(v1)
	s.memberRoutes(v1)
	s.workflowRoutes(v1)
	s.instanceRoutes(v1)
	s.ruleRoutes(v1)
	s.complianceRoutes(v1)
	s.violationRoutes(v1)
	s.auditRoutes(v1)
	s.exportRoutes(v1)
	s.reminderRoutes(v1)
	s.importRoutes(v1)
	return r
}
