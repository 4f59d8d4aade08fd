package api

import (
	"database/sql"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// RegisterDBStats exports the connection pool's statistics (database/sql DBStats) as
// orglife_db_* series, read from stats at every scrape. Call it once, before serving.
func (m *Metrics) RegisterDBStats(stats func() sql.DBStats) {
	m.registry.MustRegister(&poolCollector{stats: stats})
}

// RegisterOutbox exports the depth of the evaluation outbox and the age of its oldest entry
// (orglife_outbox_depth, orglife_outbox_oldest_age_seconds), read from stats at every scrape;
// a scrape at which stats fails leaves the two series out. Call it once, before serving (serve
// registers the database's outbox).
func (m *Metrics) RegisterOutbox(stats func() (depth int, oldest time.Time, err error)) {
	m.registry.MustRegister(&outboxCollector{stats: stats})
}

var (
	poolOpen = prometheus.NewDesc("orglife_db_open_connections", "Connections open in the pool (in use and idle).", nil, nil)
	poolUse  = prometheus.NewDesc("orglife_db_in_use_connections", "Connections in use.", nil, nil)
	poolIdle = prometheus.NewDesc("orglife_db_idle_connections", "Idle connections.", nil, nil)
	poolMax  = prometheus.NewDesc("orglife_db_max_open_connections", "The pool's limit on open connections.", nil, nil)
	poolWait = prometheus.NewDesc("orglife_db_wait_count_total", "Times a query waited for a free connection.", nil, nil)
	poolDur  = prometheus.NewDesc("orglife_db_wait_duration_seconds_total", "Total time queries waited for a free connection.", nil, nil)

	outboxDepth = prometheus.NewDesc("orglife_outbox_depth", "Entries waiting in the evaluation outbox.", nil, nil)
	outboxAge   = prometheus.NewDesc("orglife_outbox_oldest_age_seconds", "Age of the oldest entry of the evaluation outbox (0 when empty).", nil, nil)
)

// poolCollector reads DBStats at each scrape.
type poolCollector struct{ stats func() sql.DBStats }

func (c *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{poolOpen, poolUse, poolIdle, poolMax, poolWait, poolDur} {
		ch <- d
	}
}

func (c *poolCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.stats()
	ch <- prometheus.MustNewConstMetric(poolOpen, prometheus.GaugeValue, float64(s.OpenConnections))
	ch <- prometheus.MustNewConstMetric(poolUse, prometheus.GaugeValue, float64(s.InUse))
	ch <- prometheus.MustNewConstMetric(poolIdle, prometheus.GaugeValue, float64(s.Idle))
	ch <- prometheus.MustNewConstMetric(poolMax, prometheus.GaugeValue, float64(s.MaxOpenConnections))
	ch <- prometheus.MustNewConstMetric(poolWait, prometheus.CounterValue, float64(s.WaitCount))
	ch <- prometheus.MustNewConstMetric(poolDur, prometheus.CounterValue, s.WaitDuration.Seconds())
}

// outboxCollector reads the outbox's depth and oldest entry at each scrape.
type outboxCollector struct {
	stats func() (int, time.Time, error)
}

func (c *outboxCollector) Describe(ch chan<- *prometheus.Desc) { ch <- outboxDepth; ch <- outboxAge }

func (c *outboxCollector) Collect(ch chan<- prometheus.Metric) {
	depth, oldest, err := c.stats()
	if err != nil {
		return
	}
	age := 0.0
	if depth > 0 && !oldest.IsZero() {
		age = max(0, time.Since(oldest).Seconds())
	}
	ch <- prometheus.MustNewConstMetric(outboxDepth, prometheus.GaugeValue, float64(depth))
	ch <- prometheus.MustNewConstMetric(outboxAge, prometheus.GaugeValue, age)
}
