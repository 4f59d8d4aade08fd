package web

import (
	"cmp"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/orglife/orglife"
)

// reminderRoutes registers the admin's 提醒 page: each org's webhook and the reminders sent,
// retrying or failed.
func (s *server) reminderRoutes(g gin.IRoutes) {
	if s.rem == nil {
		return
	}
	g.GET("/admin/reminders", s.adminOnly(s.remindersPage))
	g.POST("/admin/webhooks", s.adminOnly(s.setWebhook))
	g.POST("/admin/webhooks/:id/delete", s.adminOnly(s.deleteWebhook))
}

// webhookRow is one configured webhook.
type webhookRow struct{ OrgID, OrgName, URL, Updated, By string }

// reminderRow is one reminder of the log.
type reminderRow struct {
	OrgName, Threshold, Due, Status, Class, Content, Error, Sent string
	Attempts                                                     int
}

// remindersPage is the data of 提醒.
type remindersPage struct {
	Orgs      []option
	Webhooks  []webhookRow
	Reminders []reminderRow
	Notice    string
	Error     string
	Status    string
}

// reminderStatusLabel is the Chinese label of a delivery status.
func reminderStatusLabel(s string) string {
	switch s {
	case orglife.ReminderPending:
		return "等待重试"
	case orglife.ReminderSending:
		return "发送中"
	case orglife.ReminderSent:
		return "已发送"
	case orglife.ReminderFailed:
		return "发送失败"
	case orglife.ReminderUnknown:
		return "结果未知"
	}
	return s
}

func (s *server) remindersPage(c *gin.Context) { s.showReminders(c, http.StatusOK, "", "") }

// showReminders renders 提醒 with a notice or an error of the last form.
func (s *server) showReminders(c *gin.Context, status int, notice, failure string) {
	ctx := c.Request.Context()
	actor := actorOf(c)
	loc := s.chk.Location()
	rp := &remindersPage{Notice: notice, Error: failure, Status: c.Query("status")}
	orgs, err := s.allOrgs(ctx, actor)
	if err != nil {
		s.failPage(c, err)
		return
	}
	names := map[string]string{}
	for _, o := range orgs {
		names[o.ID] = o.Name
		rp.Orgs = append(rp.Orgs, option{Value: o.ID, Label: o.Name})
	}
	ws, err := s.rem.Webhooks(ctx, actor)
	if err != nil {
		s.failPage(c, err)
		return
	}
	for _, w := range ws {
		rp.Webhooks = append(rp.Webhooks, webhookRow{OrgID: w.OrgID, OrgName: cmp.Or(names[w.OrgID], w.OrgID), URL: w.URL,
			Updated: w.UpdatedAt.In(loc).Format("2006-01-02 15:04"), By: w.UpdatedBy})
	}
	rs, err := s.rem.Reminders(ctx, actor, rp.Status, 200)
	if err != nil {
		s.failPage(c, err)
		return
	}
	for _, r := range rs {
		row := reminderRow{OrgName: cmp.Or(names[r.OrgID], r.OrgID), Threshold: thresholdLabel(r.Threshold), Due: orglife.DueLabel(&r.Due, loc),
			Status: reminderStatusLabel(r.Status), Class: r.Status, Content: r.Content, Error: r.LastError, Attempts: r.Attempts}
		if r.SentAt != nil {
			row.Sent = r.SentAt.In(loc).Format("2006-01-02 15:04")
		} else if r.Status == orglife.ReminderPending {
			row.Sent = "下次尝试 " + r.NextAt.In(loc).Format(time.DateTime)
		}
		rp.Reminders = append(rp.Reminders, row)
	}
	s.render(c, status, "reminders", s.pageWith(c, "提醒", func(p *page) { p.Data = rp }))
}

// thresholdLabel names a reminder threshold.
func thresholdLabel(k string) string {
	switch k {
	case "7d":
		return "到期前 7 天"
	case "0d":
		return "到期当天"
	}
	return k
}

func (s *server) setWebhook(c *gin.Context) {
	org := c.PostForm("org_id")
	if _, err := s.rem.SetWebhook(c.Request.Context(), actorOf(c), org, c.PostForm("url")); err != nil {
		if code := orglife.ErrorCode(err); code == orglife.EINVALID || code == orglife.ENOTFOUND {
			s.showReminders(c, http.StatusBadRequest, "", "未保存：webhook 地址应以 https:// 开头（企业微信或钉钉群机器人的地址），且组织须存在。")
			return
		}
		s.failPage(c, err)
		return
	}
	s.showReminders(c, http.StatusOK, "已保存 "+org+" 的提醒地址。", "")
}

func (s *server) deleteWebhook(c *gin.Context) {
	if err := s.rem.DeleteWebhook(c.Request.Context(), actorOf(c), c.Param("id")); err != nil && orglife.ErrorCode(err) != orglife.ENOTFOUND {
		s.failPage(c, err)
		return
	}
	s.showReminders(c, http.StatusOK, "已停止向 "+c.Param("id")+" 发送提醒。", "")
}
