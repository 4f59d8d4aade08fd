package api

import (
	"errors"
	"io"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/orglife/orglife/storage/storagetest"
)

// TestEvaluationMetrics: after an evaluation (packAPI runs one through POST /v1/evaluations),
// /metrics shows the keys evaluated, the rows changed, the scan's duration by trigger, the
// failure counters and the connection pool, on both databases.
func TestEvaluationMetrics(t *testing.T) {
	for name, dsn := range storagetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			h, _ := packAPI(t, dsn)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
			b, _ := io.ReadAll(w.Body)
			text := string(b)
			value := func(series string) float64 {
				t.Helper()
				m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`).FindStringSubmatch(text)
				if m == nil {
					t.Fatalf("/metrics has no %s:\n%s", series, text)
				}
				v, err := strconv.ParseFloat(m[1], 64)
				if err != nil {
					t.Fatal(err)
				}
				return v
			}
			if v := value("orglife_evaluation_keys_total"); v <= 0 {
				t.Errorf("keys evaluated = %v", v)
			}
			if v := value("orglife_evaluation_rows_changed_total"); v <= 0 || v > value("orglife_evaluation_keys_total") {
				t.Errorf("rows changed = %v", v)
			}
			if v := value("orglife_evaluation_status_changes_total"); v <= 0 {
				t.Errorf("status changes = %v", v)
			}
			if v := value(`orglife_evaluation_duration_seconds_count{result="ok",trigger="request"}`); v != 1 {
				t.Errorf("evaluation runs = %v", v)
			}
			if v := value(`orglife_evaluation_batch_duration_seconds_count{stage="persist"}`); v != 1 {
				t.Errorf("persisted batches = %v", v)
			}
			if v := value(`orglife_evaluation_run_keys_total{trigger="request"}`); v != value("orglife_evaluation_keys_total") {
				t.Errorf("keys of request runs = %v", v)
			}
			if v := value("orglife_evaluation_lock_wait_seconds_count"); v != 1 {
				t.Errorf("lock waits = %v", v)
			}
			for _, s := range []string{`orglife_evaluation_failures_total{stage="evaluate"}`, `orglife_evaluation_failures_total{stage="persist"}`,
				"orglife_evaluation_rule_errors_total", "orglife_evaluation_scheduled_skipped_total", "orglife_db_wait_count_total",
				`orglife_evaluation_run_keys_total{trigger="scheduled"}`, `orglife_evaluation_record_cache_total{result="hit"}`} {
				if v := value(s); v != 0 {
					t.Errorf("%s = %v", s, v)
				}
			}
			if v := value("orglife_db_open_connections"); v < 1 || v > value("orglife_db_max_open_connections") {
				t.Errorf("open connections = %v", v)
			}
			value("orglife_db_in_use_connections")
			value("orglife_db_idle_connections")
			value("orglife_db_wait_duration_seconds_total")
		})
	}
}

// TestOutboxHook: RegisterOutbox exports depth and oldest age; a failing read leaves them out.
func TestOutboxHook(t *testing.T) {
	m := NewMetrics()
	fail := false
	m.RegisterOutbox(func() (int, time.Time, error) {
		if fail {
			return 0, time.Time{}, errors.New("down")
		}
		return 3, time.Now().Add(-time.Minute), nil
	})
	scrape := func() string {
		w := httptest.NewRecorder()
		promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{}).ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
		return w.Body.String()
	}
	if s := scrape(); !strings.Contains(s, "orglife_outbox_depth 3") || !regexp.MustCompile(`orglife_outbox_oldest_age_seconds (59|60|61)`).MatchString(s) {
		t.Fatalf("outbox series:\n%s", s)
	}
	fail = true
	if s := scrape(); strings.Contains(s, "orglife_outbox_depth") {
		t.Fatalf("outbox series after a failed read:\n%s", s)
	}
}
