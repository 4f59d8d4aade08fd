package api

import (
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics holds the Prometheus collectors of one handler, on a registry of its own (never the
// global one, so several handlers can live in one process).
type metrics struct {
	registry    *prometheus.Registry
	requests    *prometheus.CounterVec
	latency     *prometheus.HistogramVec
	transitions *prometheus.CounterVec
}

func newMetrics() *metrics {
	m := &metrics{
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
	}
	m.registry.MustRegister(m.requests, m.latency, m.transitions,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// middleware counts and times every request by its route template (e.g. /v1/orgs/:id), so ids
// never become label values; unmatched paths share the route "unmatched".
func (m *metrics) middleware(c *gin.Context) {
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
func (m *metrics) transition(workflow, event string) {
	m.transitions.WithLabelValues(workflow, event).Inc()
}

// routes registers GET /metrics (Prometheus text format; no authentication).
func (m *metrics) routes(r gin.IRoutes) {
	h := promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Registry: m.registry})
	r.GET("/metrics", gin.WrapH(h))
}
