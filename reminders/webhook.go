package reminders

import (
	"context"
	"net/url"
	"strings"

	"github.com/orglife/orglife"
)

// maxURLLength bounds a webhook URL.
const maxURLLength = 2048

// ValidateURL checks a webhook URL: absolute http or https with a host, no user info or
// fragment, at most 2048 characters.
func ValidateURL(raw string) error {
	bad := func(why string) error {
		return orglife.InvalidInput([]orglife.Detail{{Field: "url", Message: why}})
	}
	if raw == "" || len(raw) > maxURLLength {
		return bad("a URL of 1 to 2048 characters is required")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return bad("not a URL: " + err.Error())
	}
	switch {
	case u.Scheme != "https" && u.Scheme != "http":
		return bad("the URL must start with https:// (or http://)")
	case u.Host == "" || strings.HasPrefix(u.Host, ":"):
		return bad("the URL has no host")
	case u.User != nil:
		return bad("the URL must not carry a user name or password")
	case u.Fragment != "":
		return bad("the URL must not have a #fragment")
	}
	return nil
}

// adminOnly refuses every actor but an admin.
func adminOnly(actor orglife.Actor, what string) error {
	if !actor.IsAdmin() {
		return orglife.Errorf(orglife.EFORBIDDEN, "only admins %s", what)
	}
	return nil
}

// orgExists is not_found for an unknown org.
func (j *Job) orgExists(ctx context.Context, orgID string) error {
	if err := orglife.InvalidInput(orglife.CheckID("id", orgID)); err != nil {
		return err
	}
	orgs, err := j.cfg.Store.Orgs(ctx, []string{orgID})
	if err != nil {
		return err
	}
	if len(orgs) == 0 {
		return orglife.Errorf(orglife.ENOTFOUND, "org %s not found", orgID)
	}
	return nil
}

// SetWebhook configures where orgID's reminders go (admin).
func (j *Job) SetWebhook(ctx context.Context, actor orglife.Actor, orgID, rawURL string) (*orglife.Webhook, error) {
	if err := adminOnly(actor, "configure webhooks"); err != nil {
		return nil, err
	}
	if err := j.orgExists(ctx, orgID); err != nil {
		return nil, err
	}
	if err := ValidateURL(rawURL); err != nil {
		return nil, err
	}
	w := &orglife.Webhook{OrgID: orgID, URL: rawURL, UpdatedAt: j.cfg.Now().UTC(), UpdatedBy: actor.Name}
	if err := j.cfg.Store.SetWebhook(ctx, w); err != nil {
		return nil, err
	}
	return w, nil
}

// Webhook returns orgID's webhook (admin); not_found when none is configured.
func (j *Job) Webhook(ctx context.Context, actor orglife.Actor, orgID string) (*orglife.Webhook, error) {
	if err := adminOnly(actor, "read webhooks"); err != nil {
		return nil, err
	}
	if err := j.orgExists(ctx, orgID); err != nil {
		return nil, err
	}
	ws, err := j.cfg.Store.Webhooks(ctx, []string{orgID})
	if err != nil {
		return nil, err
	}
	if len(ws) == 0 {
		return nil, orglife.Errorf(orglife.ENOTFOUND, "org %s has no webhook", orgID)
	}
	return ws[0], nil
}

// DeleteWebhook stops orgID's reminders (admin).
func (j *Job) DeleteWebhook(ctx context.Context, actor orglife.Actor, orgID string) error {
	if err := adminOnly(actor, "configure webhooks"); err != nil {
		return err
	}
	return j.cfg.Store.DeleteWebhook(ctx, orgID)
}

// Webhooks lists every configured webhook (admin).
func (j *Job) Webhooks(ctx context.Context, actor orglife.Actor) ([]*orglife.Webhook, error) {
	if err := adminOnly(actor, "read webhooks"); err != nil {
		return nil, err
	}
	return j.cfg.Store.Webhooks(ctx, nil)
}

// Reminders lists the reminders sent or being sent, newest first, at most limit (admin); status
// filters (pending, sending, sent, failed, unknown).
func (j *Job) Reminders(ctx context.Context, actor orglife.Actor, status string, limit int) ([]*orglife.Reminder, error) {
	if err := adminOnly(actor, "read reminders"); err != nil {
		return nil, err
	}
	if err := orglife.InvalidInput(orglife.CheckOneOf("status", status, []string{orglife.ReminderPending, orglife.ReminderSending,
		orglife.ReminderSent, orglife.ReminderFailed, orglife.ReminderUnknown})); err != nil {
		return nil, err
	}
	return j.cfg.Store.Reminders(ctx, orglife.ReminderFilter{Status: status, Limit: min(max(limit, 1), 500)})
}
