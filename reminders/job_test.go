package reminders_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/reminders"
	"github.com/orglife/orglife/storage"
	"github.com/orglife/orglife/storage/storagetest"
)

// robot is a loopback group robot: it records each message and fails the first failFirst.
type robot struct {
	mu        sync.Mutex
	failFirst int
	calls     int
	got       []string
}

func (r *robot) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	raw, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	if r.calls <= r.failFirst {
		http.Error(w, "busy", http.StatusInternalServerError)
		return
	}
	var m struct {
		MsgType string `json:"msgtype"`
		Text    struct {
			Content string `json:"content"`
		} `json:"text"`
	}
	if err := json.Unmarshal(raw, &m); err != nil || m.MsgType != "text" || m.Text.Content == "" {
		http.Error(w, "bad message", http.StatusBadRequest)
		return
	}
	r.got = append(r.got, m.Text.Content)
	_, _ = io.WriteString(w, `{"errcode":0,"errmsg":"ok"}`)
}

func (r *robot) messages() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.got...)
}

var (
	shanghai, _ = time.LoadLocation("Asia/Shanghai")
	admin       = orglife.Actor{Role: orglife.RoleAdmin, Name: "admin"}
)

// clock is a settable clock shared by the servers of a test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(s string) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// seed creates an org and an at-risk ledger row of February 2025 due 2025-03-11 (last day 10 March).
func seed(t *testing.T, db *storage.DB, org string) {
	t.Helper()
	ctx := context.Background()
	at := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	if err := db.CreateOrg(ctx, &orglife.Org{ID: org, Name: org + "党支部", Kind: orglife.KindBranch, Attributes: map[string]string{}, CreatedAt: at, UpdatedAt: at}); err != nil {
		t.Fatal(err)
	}
	p, ps, pe := "2025-02", "2025-02-01", "2025-02-28"
	due := time.Date(2025, 3, 11, 0, 0, 0, 0, shanghai)
	if err := db.SaveLedger(ctx, []*orglife.LedgerRow{{Rule: "theme_day_monthly", RuleVersion: "v1", Scope: "org", OrgID: org, SubjectID: org,
		Period: &p, PeriodStart: &ps, PeriodEnd: &pe, Due: &due, Status: orglife.StatusAtRisk, Severity: "major", EvaluatedAt: at, Evidence: []string{}}}, nil); err != nil {
		t.Fatal(err)
	}
}

func newJob(db *storage.DB, c *clock) *reminders.Job {
	return reminders.New(reminders.Config{Store: db, Now: c.now, Location: shanghai, Backoff: time.Minute,
		RuleTitle: func(string) string { return "每月开展一次主题党日" }})
}

// TestOncePerItemAndThreshold: two servers on one database run the job at the same time, then a
// restarted one runs it again: the robot receives exactly one reminder 7 days before the last day
// and one on the last day, nothing before, nothing twice.
func TestOncePerItemAndThreshold(t *testing.T) {
	for name, dsn := range storagetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			dbA, dbB := storagetest.Open(t, dsn), storagetest.Open(t, dsn)
			seed(t, dbA, "b1")
			bot := &robot{}
			srv := httptest.NewServer(bot)
			defer srv.Close()
			c := &clock{}
			c.set("2025-03-03T07:00:00+08:00")
			a, b := newJob(dbA, c), newJob(dbB, c)
			if _, err := a.SetWebhook(ctx, admin, "b1", "ftp://x"); err == nil {
				t.Error("an ftp URL was accepted")
			}
			if _, err := a.SetWebhook(ctx, orglife.Actor{Role: orglife.RoleBranch, OrgID: "b1"}, "b1", srv.URL); err == nil {
				t.Error("a branch configured a webhook")
			}
			if _, err := a.SetWebhook(ctx, admin, "b1", srv.URL+"/cgi-bin/webhook/send?key=k"); err != nil {
				t.Fatal(err)
			}
			both := func() {
				var wg sync.WaitGroup
				for _, j := range []*reminders.Job{a, b} {
					wg.Go(func() {
						if _, _, err := j.RunOnce(ctx); err != nil {
							t.Error(err)
						}
					})
				}
				wg.Wait()
			}
			both() // 7 days before, but before 08:00: nothing yet
			if got := bot.messages(); len(got) != 0 {
				t.Fatalf("sent before the threshold: %v", got)
			}
			c.set("2025-03-03T09:00:00+08:00")
			both()
			restarted := newJob(storagetest.Open(t, dsn), c)
			if _, _, err := restarted.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
			got := bot.messages()
			if len(got) != 1 || !strings.Contains(got[0], "b1党支部") || !strings.Contains(got[0], "2025年3月10日") || !strings.Contains(got[0], "还有7天") {
				t.Fatalf("7 days before: %q", got)
			}
			c.set("2025-03-10T08:30:00+08:00")
			both()
			restarted = newJob(storagetest.Open(t, dsn), c)
			if _, _, err := restarted.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
			c.set("2025-03-10T20:00:00+08:00")
			both()
			got = bot.messages()
			if len(got) != 2 || !strings.Contains(got[1], "今天（2025年3月10日）是最后期限") {
				t.Fatalf("on the last day: %q", got)
			}
			c.set("2025-03-11T09:00:00+08:00") // past due: no more reminders
			both()
			if got := bot.messages(); len(got) != 2 {
				t.Fatalf("after due: %q", got)
			}
			rs, err := a.Reminders(ctx, admin, orglife.ReminderSent, 10)
			if err != nil || len(rs) != 2 || rs[0].Threshold != "0d" || rs[1].Threshold != "7d" || rs[0].Attempts != 1 {
				t.Fatalf("recorded: %+v %v", rs, err)
			}
		})
	}
}

// TestRetriesWithBackoff: a webhook that fails twice receives the reminder on the third attempt,
// each retry waiting for its backoff; the failures are visible until then.
func TestRetriesWithBackoff(t *testing.T) {
	for name, dsn := range storagetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			db := storagetest.Open(t, dsn)
			seed(t, db, "b2")
			bot := &robot{failFirst: 2}
			srv := httptest.NewServer(bot)
			defer srv.Close()
			c := &clock{}
			c.set("2025-03-03T09:00:00+08:00")
			j := newJob(db, c)
			if _, err := j.SetWebhook(ctx, admin, "b2", srv.URL); err != nil {
				t.Fatal(err)
			}
			run := func(at string) reminders.Result {
				c.set(at)
				_, res, err := j.RunOnce(ctx)
				if err != nil {
					t.Fatal(err)
				}
				return res
			}
			if res := run("2025-03-03T09:00:00+08:00"); res.Claimed != 1 || res.Retrying != 1 {
				t.Fatalf("first attempt: %+v", res)
			}
			pending, _ := j.Reminders(ctx, admin, orglife.ReminderPending, 10)
			if len(pending) != 1 || pending[0].Attempts != 1 || !strings.Contains(pending[0].LastError, "HTTP 500") {
				t.Fatalf("after one failure: %+v", pending)
			}
			if res := run("2025-03-03T09:00:30+08:00"); res != (reminders.Result{}) {
				t.Fatalf("retried before the backoff: %+v", res)
			}
			if res := run("2025-03-03T09:01:00+08:00"); res.Retrying != 1 {
				t.Fatalf("second attempt: %+v", res)
			}
			if res := run("2025-03-03T09:02:30+08:00"); res != (reminders.Result{}) {
				t.Fatalf("retried before the doubled backoff: %+v", res)
			}
			if res := run("2025-03-03T09:03:00+08:00"); res.Sent != 1 {
				t.Fatalf("third attempt: %+v", res)
			}
			if got := bot.messages(); len(got) != 1 || bot.calls != 3 {
				t.Fatalf("robot got %q in %d calls", got, bot.calls)
			}
			sent, _ := j.Reminders(ctx, admin, orglife.ReminderSent, 10)
			if len(sent) != 1 || sent[0].Attempts != 3 || sent[0].SentAt == nil {
				t.Fatalf("recorded: %+v", sent)
			}
		})
	}
}

// TestMemberRowsAreOneMessage: a member-scope rule's rows of one org and period are one reminder
// naming how many members it concerns.
func TestMemberRowsAreOneMessage(t *testing.T) {
	for name, dsn := range storagetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			db := storagetest.Open(t, dsn)
			seed(t, db, "b3")
			p, ps, pe := "2025-H1", "2025-01-01", "2025-06-30"
			due := time.Date(2025, 7, 16, 0, 0, 0, 0, shanghai)
			at := time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)
			var rows []*orglife.LedgerRow
			for _, m := range []string{"m1", "m2"} {
				rows = append(rows, &orglife.LedgerRow{Rule: "talk_half_yearly", RuleVersion: "v1", Scope: "member", OrgID: "b3", SubjectID: m,
					Period: &p, PeriodStart: &ps, PeriodEnd: &pe, Due: &due, Status: orglife.StatusAtRisk, Severity: "minor", EvaluatedAt: at, Evidence: []string{}})
			}
			if err := db.SaveLedger(ctx, rows, nil); err != nil {
				t.Fatal(err)
			}
			bot := &robot{}
			srv := httptest.NewServer(bot)
			defer srv.Close()
			c := &clock{}
			c.set("2025-07-08T09:00:00+08:00")
			j := newJob(db, c)
			if _, err := j.SetWebhook(ctx, admin, "b3", srv.URL); err != nil {
				t.Fatal(err)
			}
			if _, _, err := j.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
			got := bot.messages()
			if len(got) != 1 || !strings.Contains(got[0], "2 名党员") || !strings.Contains(got[0], "2025年上半年") {
				t.Fatalf("member rows: %q", got)
			}
		})
	}
}
