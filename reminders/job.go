package reminders

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/orglife/orglife"
)

// Store is the persistence the reminder job needs; storage.DB implements it.
type Store interface {
	// TryLock takes a cluster-wide lock without waiting (see compliance.Store).
	TryLock(ctx context.Context, name string) (release func(), ok bool, err error)
	// Orgs returns the orgs whose ids are given (all when nil).
	Orgs(ctx context.Context, ids []string) ([]*orglife.Org, error)
	// LedgerRows returns stored ledger rows matching f.
	LedgerRows(ctx context.Context, f orglife.LedgerFilter) ([]*orglife.LedgerRow, error)
	// Webhooks returns the webhooks of the orgs (all when ids is nil).
	Webhooks(ctx context.Context, ids []string) ([]*orglife.Webhook, error)
	// SetWebhook stores an org's webhook; DeleteWebhook removes it (not_found when none).
	SetWebhook(ctx context.Context, w *orglife.Webhook) error
	DeleteWebhook(ctx context.Context, orgID string) error
	// ClaimReminder inserts a reminder unless one of the same item and threshold exists.
	ClaimReminder(ctx context.Context, r *orglife.Reminder) (claimed bool, err error)
	// Reminders lists reminders, newest first.
	Reminders(ctx context.Context, f orglife.ReminderFilter) ([]*orglife.Reminder, error)
	// UpdateReminder writes a reminder's delivery state (only while its status is from, when set).
	UpdateReminder(ctx context.Context, r *orglife.Reminder, from string) (bool, error)
}

// Threshold is a moment before an item's due date at which a reminder goes out.
type Threshold struct {
	// Key names it in the reminders table ("7d", "0d").
	Key string
	// Days before the item's last day (0: on the last day itself).
	Days int
}

// Thresholds are the reminders sent for each item: 7 days before its last day, and on it.
var Thresholds = []Threshold{{Key: "7d", Days: 7}, {Key: "0d", Days: 0}}

// lockName is the cluster-wide lock that lets one server at a time run the job.
const lockName = "orglife-reminders"

// Config wires a Job.
type Config struct {
	Store    Store
	Now      func() time.Time
	Location *time.Location
	Logger   *slog.Logger
	// Client sends the webhook requests (default: a client with a 10 s timeout).
	Client *http.Client
	// RuleTitle names a rule in a message (default: the rule's id).
	RuleTitle func(id string) string
	// Backoff is the delay before the first retry; each retry doubles it, at most MaxBackoff
	// (defaults 1 minute and 6 hours).
	Backoff, MaxBackoff time.Duration
	// MaxAttempts is how many attempts a reminder gets before it is failed (default 8).
	MaxAttempts int
	// SendHour is the local hour of the threshold day from which its reminders go out (default 8).
	SendHour int
}

// Job claims and sends reminders.
type Job struct {
	cfg Config
}

// New returns a Job with cfg's defaults filled in.
func New(cfg Config) *Job {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Location == nil {
		cfg.Location, _ = time.LoadLocation("Asia/Shanghai")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 10 * time.Second}
	}
	if cfg.RuleTitle == nil {
		cfg.RuleTitle = func(id string) string { return id }
	}
	cfg.Backoff = cmp.Or(cfg.Backoff, time.Minute)
	cfg.MaxBackoff = cmp.Or(cfg.MaxBackoff, 6*time.Hour)
	cfg.MaxAttempts = cmp.Or(cfg.MaxAttempts, 8)
	if cfg.SendHour == 0 {
		cfg.SendHour = 8
	}
	return &Job{cfg: cfg}
}

// Result counts what one run did.
type Result struct {
	Claimed, Sent, Failed, Retrying, Unknown int
}

// staleAfter is how long an attempt may run before a later run takes its sender for dead.
const staleAfter = 10 * time.Minute

// maxMessageRunes bounds a message's content; maxResponseBytes bounds the answer read.
const (
	maxMessageRunes  = 1000
	maxResponseBytes = 64 << 10
	batch            = 200
)

// RunOnce claims the reminders that are due now and sends the pending ones, if no other server
// is running the job (ran is false then).
func (j *Job) RunOnce(ctx context.Context) (ran bool, res Result, err error) {
	release, ok, err := j.cfg.Store.TryLock(ctx, lockName)
	if err != nil || !ok {
		return false, res, err
	}
	defer release()
	now := j.cfg.Now().UTC()
	if res.Claimed, err = j.claim(ctx, now); err != nil {
		return true, res, err
	}
	err = j.deliver(ctx, now, &res)
	return true, res, err
}

// Run runs RunOnce now and then every interval until ctx ends.
func (j *Job) Run(ctx context.Context, interval time.Duration) {
	if interval <= 0 {
		return
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		ran, res, err := j.RunOnce(ctx)
		switch {
		case err != nil:
			if ctx.Err() == nil {
				j.cfg.Logger.Error("reminders failed", "err", err)
			}
		case ran && res != (Result{}):
			j.cfg.Logger.Info("reminders", "claimed", res.Claimed, "sent", res.Sent, "retrying", res.Retrying, "failed", res.Failed, "unknown", res.Unknown)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// lastDay is the local calendar day an item must be done by: the day before a due at midnight,
// else the due's own day.
func lastDay(due time.Time, loc *time.Location) time.Time {
	d := due.In(loc)
	day := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
	if d.Equal(day) {
		day = day.AddDate(0, 0, -1)
	}
	return day
}

// ItemKey identifies a ledger row as a reminder item: rule, subject and period.
func ItemKey(r *orglife.LedgerRow) string {
	return r.Rule + "|" + r.SubjectID + "|" + r.PeriodKey()
}

// claim inserts a reminder for each open item of an org with a webhook whose latest reached
// threshold is due now; it returns how many it claimed.
func (j *Job) claim(ctx context.Context, now time.Time) (int, error) {
	hooks, err := j.cfg.Store.Webhooks(ctx, nil)
	if err != nil || len(hooks) == 0 {
		return 0, err
	}
	url := map[string]string{}
	ids := make([]string, len(hooks))
	for i, h := range hooks {
		ids[i], url[h.OrgID] = h.OrgID, h.URL
	}
	orgs, err := j.cfg.Store.Orgs(ctx, ids)
	if err != nil {
		return 0, err
	}
	names := map[string]string{}
	for _, o := range orgs {
		names[o.ID] = o.Name
	}
	loc := j.cfg.Location
	// the open items: one per org-scope or instance row; the rows of a member-scope rule are one
	// item per org and period ("3 名党员尚未…"), so a branch gets one message, not one per member
	type item struct {
		row     *orglife.LedgerRow
		key     string
		members int
	}
	var items []*item
	byKey := map[string]*item{}
	for _, st := range []orglife.Status{orglife.StatusAtRisk, orglife.StatusPending} {
		rows, err := j.cfg.Store.LedgerRows(ctx, orglife.LedgerFilter{OrgIDs: ids, Status: string(st), Light: true})
		if err != nil {
			return 0, err
		}
		for _, r := range rows {
			if r.Due == nil || !now.Before(*r.Due) || r.Mode == "shadow" {
				continue
			}
			key := ItemKey(r)
			if r.Scope == "member" {
				key = r.Rule + "|org:" + r.OrgID + "|" + r.PeriodKey()
			}
			it := byKey[key]
			if it == nil {
				it = &item{row: r, key: key}
				byKey[key] = it
				items = append(items, it)
			} else if r.Due.Before(*it.row.Due) {
				it.row = r
			}
			if r.Scope == "member" {
				it.members++
			}
		}
	}
	n := 0
	for _, it := range items {
		r := it.row
		day := lastDay(*r.Due, loc)
		var reached *Threshold
		for i := range Thresholds {
			th := &Thresholds[i]
			at := day.AddDate(0, 0, -th.Days).Add(time.Duration(j.cfg.SendHour) * time.Hour)
			if !now.Before(at) && (reached == nil || th.Days < reached.Days) {
				reached = th
			}
		}
		if reached == nil {
			continue
		}
		rem := &orglife.Reminder{OrgID: r.OrgID, Item: it.key, Threshold: reached.Key, Due: *r.Due,
			Content: j.content(names[r.OrgID], r, it.members, day, reached.Days), URL: url[r.OrgID], Status: orglife.ReminderPending,
			NextAt: now, CreatedAt: now}
		ok, err := j.cfg.Store.ClaimReminder(ctx, rem)
		if err != nil {
			return n, err
		}
		if ok {
			n++
		}
	}
	return n, nil
}

// content is the Chinese text of a reminder.
func (j *Job) content(org string, r *orglife.LedgerRow, members int, day time.Time, days int) string {
	what := j.cfg.RuleTitle(r.Rule)
	if r.Period != nil {
		what += "（" + periodName(*r.Period) + "）"
	}
	if members > 0 {
		what += fmt.Sprintf("，%d 名党员", members)
	}
	date := fmt.Sprintf("%d年%d月%d日", day.Year(), day.Month(), day.Day())
	var when string
	if days == 0 {
		when = "今天（" + date + "）是最后期限"
	} else {
		when = fmt.Sprintf("最后期限为%s，还有%d天", date, days)
	}
	s := fmt.Sprintf("【组织生活提醒】%s：%s尚未完成，%s，请按时完成并及时记录。", cmp.Or(org, r.OrgID), what, when)
	if rs := []rune(s); len(rs) > maxMessageRunes {
		s = string(rs[:maxMessageRunes])
	}
	return s
}

// periodName is a short Chinese period label.
func periodName(p string) string {
	year, rest, _ := strings.Cut(p, "-")
	switch {
	case rest == "":
		return year + "年度"
	case rest == "H1":
		return year + "年上半年"
	case rest == "H2":
		return year + "年下半年"
	case len(rest) == 2 && rest[0] == 'Q':
		return year + "年第" + rest[1:] + "季度"
	}
	return year + "年" + strings.TrimPrefix(rest, "0") + "月"
}

// deliver marks attempts whose sender died as unknown, then sends every pending reminder whose
// next attempt is due.
func (j *Job) deliver(ctx context.Context, now time.Time, res *Result) error {
	stale, err := j.cfg.Store.Reminders(ctx, orglife.ReminderFilter{SendingBefore: now.Add(-staleAfter), Limit: batch})
	if err != nil {
		return err
	}
	for _, r := range stale {
		r.Status, r.LastError = orglife.ReminderUnknown, "发送中断（服务器在发送时停止），为避免重复不再重发："+r.LastError
		if ok, err := j.cfg.Store.UpdateReminder(ctx, r, orglife.ReminderSending); err != nil {
			return err
		} else if ok {
			res.Unknown++
		}
	}
	due, err := j.cfg.Store.Reminders(ctx, orglife.ReminderFilter{DueBy: now, Limit: batch})
	if err != nil {
		return err
	}
	for _, r := range due {
		// the attempt's start is committed before the request: a sender that dies now leaves
		// "sending", which the next run turns into "unknown" instead of sending twice
		r.Status, r.Attempts, r.NextAt = orglife.ReminderSending, r.Attempts+1, now
		if ok, err := j.cfg.Store.UpdateReminder(ctx, r, orglife.ReminderPending); err != nil || !ok {
			if err != nil {
				return err
			}
			continue
		}
		sendErr := j.send(ctx, r)
		switch {
		case sendErr == nil:
			t := now
			r.Status, r.SentAt, r.LastError = orglife.ReminderSent, &t, ""
			res.Sent++
		case r.Attempts >= j.cfg.MaxAttempts:
			r.Status, r.LastError = orglife.ReminderFailed, sendErr.Error()
			res.Failed++
		default:
			wait := j.cfg.Backoff << (r.Attempts - 1)
			if wait > j.cfg.MaxBackoff || wait <= 0 {
				wait = j.cfg.MaxBackoff
			}
			r.Status, r.NextAt, r.LastError = orglife.ReminderPending, now.Add(wait), sendErr.Error()
			res.Retrying++
		}
		if _, err := j.cfg.Store.UpdateReminder(context.WithoutCancel(ctx), r, orglife.ReminderSending); err != nil {
			return err
		}
	}
	return nil
}

// robotMessage is the text message of 企业微信 and 钉钉 group robots.
type robotMessage struct {
	MsgType string `json:"msgtype"`
	Text    struct {
		Content string `json:"content"`
	} `json:"text"`
}

// send posts one reminder to its webhook. A non-2xx answer, or a JSON answer whose errcode is
// not 0 (both robots answer {"errcode":0,…} on success), is a failure.
func (j *Job) send(ctx context.Context, r *orglife.Reminder) error {
	msg := robotMessage{MsgType: "text"}
	msg.Text.Content = r.Content
	body, _ := json.Marshal(msg)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.URL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("请求无法创建：%v", err)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	resp, err := j.cfg.Client.Do(req)
	if err != nil {
		return fmt.Errorf("发送失败：%v", err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("webhook 返回 HTTP %d：%.200s", resp.StatusCode, raw)
	}
	var answer struct {
		ErrCode *int   `json:"errcode"`
		ErrMsg  string `json:"errmsg"`
	}
	if json.Unmarshal(raw, &answer) == nil && answer.ErrCode != nil && *answer.ErrCode != 0 {
		return fmt.Errorf("webhook 返回错误 %d：%.200s", *answer.ErrCode, answer.ErrMsg)
	}
	return nil
}
