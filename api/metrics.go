package api

import (
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/orglife/orglife/compliance"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds the Prometheus collectors of one handler, on a registry of its own (never the
// global one, so several handlers can live in one process): HTTP requests, transitions, and —
// as the compliance.Observer handed to compliance.Config — evaluations; RegisterDBStats adds the
// connection pool. Create it with NewMetrics and pass it in Options.Metrics; a handler created
// without one has its own, without evaluation or pool series.
type Metrics struct {
	registry    *prometheus.Registry
	requests    *prometheus.CounterVec
	latency     *prometheus.HistogramVec
	transitions *prometheus.CounterVec

	evalKeys       prometheus.Counter
	evalChanged    prometheus.Counter
	evalStatus     prometheus.Counter
	evalRuleErrors prometheus.Counter
	evalFailures   *prometheus.CounterVec
	evalRuns       *prometheus.HistogramVec
	evalBatches    *prometheus.HistogramVec
	evalSkipped    prometheus.Counter
	evalRunKeys    *prometheus.CounterVec
	evalLockWait   prometheus.Histogram
	evalCache      *prometheus.CounterVec
}

var _ compliance.Observer = (*Metrics)(nil)

// evalBuckets span a one-org re-evaluation (milliseconds) to a full scan of a province (many
// minutes).
var evalBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800}

// NewMetrics returns the collectors on a new registry.
func NewMetrics() *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "orglife_http_requests_total",
			Help: "HTTP requests by method, route template and status.",
		}, []string{"method", "route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "orglife_http_request_duration_seconds",
			Help:    "HTTP request latency by method and route template.",
			Buckets: prometheus.DefBuckets,
		}, []string{"method", "route"}),
		transitions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "orglife_transitions_total",
			Help: "Committed workflow transitions by workflow and event.",
		}, []string{"workflow", "event"}),
		evalKeys: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "orglife_evaluation_keys_total",
			Help: "Rule × subject × period keys evaluated (ledger rows computed), by every evaluation path.",
		}),
		evalChanged: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "orglife_evaluation_rows_changed_total",
			Help: "Ledger rows written because their content changed.",
		}),
		evalStatus: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "orglife_evaluation_status_changes_total",
			Help: "Ledger rows whose status changed (timeline rows appended).",
		}),
		evalRuleErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "orglife_evaluation_rule_errors_total",
			Help: "Keys whose rule failed at run time (ledger status error).",
		}),
		evalFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "orglife_evaluation_failures_total",
			Help: "Failed evaluation batches by stage (evaluate: reading or evaluating; persist: writing).",
		}, []string{"stage"}),
		evalRuns: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "orglife_evaluation_duration_seconds",
			Help:    "Duration of whole evaluation runs (scans) by trigger (request, scheduled, check) and result (ok, error).",
			Buckets: evalBuckets,
		}, []string{"trigger", "result"}),
		evalBatches: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "orglife_evaluation_batch_duration_seconds",
			Help:    "Duration of one batch of orgs by stage (evaluate: read and evaluate; persist: diff and write), every evaluation path.",
			Buckets: evalBuckets,
		}, []string{"stage"}),
		evalSkipped: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "orglife_evaluation_scheduled_skipped_total",
			Help: "Scheduled evaluations skipped because another server held the scheduler lock.",
		}),
		evalRunKeys: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "orglife_evaluation_run_keys_total",
			Help: "Keys evaluated by whole evaluation runs, by trigger (request, scheduled, check); the outbox worker's are in orglife_evaluation_keys_total.",
		}, []string{"trigger"}),
		evalLockWait: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "orglife_evaluation_lock_wait_seconds",
			Help:    "Time an evaluating transaction waited for the evaluation locks of its orgs.",
			Buckets: evalBuckets,
		}),
		evalCache: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "orglife_evaluation_record_cache_total",
			Help: "Outbox evaluations that read the org's records through the record cache (hit) or in full (miss).",
		}, []string{"result"}),
	}
	m.registry.MustRegister(m.requests, m.latency, m.transitions,
		m.evalKeys, m.evalChanged, m.evalStatus, m.evalRuleErrors, m.evalFailures, m.evalRuns, m.evalBatches, m.evalSkipped,
		m.evalRunKeys, m.evalLockWait, m.evalCache,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for _, stage := range []string{"evaluate", "persist"} {
		m.evalFailures.WithLabelValues(stage) // exported at 0 from the start
	}
	for _, trigger := range []string{compliance.TriggerRequest, compliance.TriggerScheduled, compliance.TriggerCheck} {
		m.evalRunKeys.WithLabelValues(trigger)
	}
	for _, result := range []string{"hit", "miss"} {
		m.evalCache.WithLabelValues(result)
	}
	return m
}

// BatchEvaluated implements compliance.Observer.
func (m *Metrics) BatchEvaluated(b compliance.BatchEvaluation) {
	m.evalBatches.WithLabelValues("evaluate").Observe(b.Duration.Seconds())
	if b.Err != nil {
		m.evalFailures.WithLabelValues("evaluate").Inc()
		return
	}
	m.evalKeys.Add(float64(b.Keys))
	m.evalRuleErrors.Add(float64(b.RuleErrors))
}

// BatchPersisted implements compliance.Observer.
func (m *Metrics) BatchPersisted(b compliance.BatchPersist) {
	m.evalBatches.WithLabelValues("persist").Observe(b.Duration.Seconds())
	if b.Err != nil {
		m.evalFailures.WithLabelValues("persist").Inc()
		return
	}
	m.evalChanged.Add(float64(b.Changed))
	m.evalStatus.Add(float64(b.StatusChanges))
}

// EvaluationFinished implements compliance.Observer.
func (m *Metrics) EvaluationFinished(r compliance.EvaluationRun) {
	result := "ok"
	if r.Err != nil {
		result = "error"
	}
	m.evalRuns.WithLabelValues(r.Trigger, result).Observe(r.Duration.Seconds())
	m.evalRunKeys.WithLabelValues(r.Trigger).Add(float64(r.Keys))
}

// RecordCache implements compliance.Observer.
func (m *Metrics) RecordCache(hit bool) {
	result := "miss"
	if hit {
		result = "hit"
	}
	m.evalCache.WithLabelValues(result).Inc()
}

// LockWaited implements compliance.Observer.
func (m *Metrics) LockWaited(d time.Duration) { m.evalLockWait.Observe(d.Seconds()) }

// ScheduledSkipped implements compliance.Observer.
func (m *Metrics) ScheduledSkipped() { m.evalSkipped.Inc() }

// middleware counts and times every request by its route template (e.g. /v1/orgs/:id), so ids
// never become label values; unmatched paths share the route "unmatched".
func (m *Metrics) middleware(c *gin.Context) {
	start := time.Now()
	c.Next()
	route := c.FullPath()
	if route == "" {
		route = "unmatched"
	}
	method := c.Request.Method
	m.requests.WithLabelValues(method, route, strconv.Itoa(c.Writer.Status())).Inc()
	m.latency.WithLabelValues(method, route).Observe(time.Since(start).Seconds())
}

// transition counts one committed transition.
func (m *Metrics) transition(workflow, event string) {
	m.transitions.WithLabelValues(workflow, event).Inc()
}

// routes registers GET /metrics (Prometheus text format; no authentication).
func (m *Metrics) routes(r gin.IRoutes) {
	h := promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Registry: m.registry})
	r.GET("/metrics", gin.WrapH(h))
}
