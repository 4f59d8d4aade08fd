package main

import (
	"context"
	"fmt"
	"log/slog"
	"text/tabwriter"
	"time"

	"github.com/orglife/orglife/compliance"
	"github.com/orglife/orglife/reminders"
	"github.com/orglife/orglife/storage"
)

// newReminderJob wires the reminder job on the server's database, clock and rule titles.
func newReminderJob(db *storage.DB, chk *compliance.Checker, now func() time.Time, log *slog.Logger) *reminders.Job {
	return reminders.New(reminders.Config{Store: db, Now: now, Location: chk.Location(), Logger: log,
		RuleTitle: func(id string) string {
			if rs := chk.RuleSet(); rs != nil {
				if r := rs.Rule(id); r != nil && r.Title != "" {
					return r.Title
				}
			}
			return id
		}})
}

// webhookCmd is "orglife webhook": the 企业微信 / 钉钉 group robots that receive the reminders.
type webhookCmd struct {
	Set  webhookSetCmd  `cmd:"" help:"Send ORG's reminders to this 企业微信 / 钉钉 group-robot URL."`
	Rm   webhookRmCmd   `cmd:"" help:"Stop ORG's reminders."`
	List webhookListCmd `cmd:"" help:"List the configured webhooks."`
}

// webhookSetCmd is "orglife webhook set ORG URL".
type webhookSetCmd struct {
	commonFlags
	OrgID string `arg:"" name:"org" help:"the org"`
	URL   string `arg:"" name:"url" help:"the robot's webhook URL"`
}

func (c *webhookSetCmd) run(ctx context.Context, e env) int {
	return withReminderJob(ctx, e, c.commonFlags, "set", func(job *reminders.Job) error {
		if _, err := job.SetWebhook(ctx, cliActor, c.OrgID, c.URL); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "webhook of %s set\n", c.OrgID)
		return nil
	})
}

// webhookRmCmd is "orglife webhook rm ORG".
type webhookRmCmd struct {
	commonFlags
	OrgID string `arg:"" name:"org" help:"the org"`
}

func (c *webhookRmCmd) run(ctx context.Context, e env) int {
	return withReminderJob(ctx, e, c.commonFlags, "rm", func(job *reminders.Job) error {
		if err := job.DeleteWebhook(ctx, cliActor, c.OrgID); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "webhook of %s removed\n", c.OrgID)
		return nil
	})
}

// webhookListCmd is "orglife webhook list".
type webhookListCmd struct {
	commonFlags
}

func (c *webhookListCmd) run(ctx context.Context, e env) int {
	return withReminderJob(ctx, e, c.commonFlags, "list", func(job *reminders.Job) error {
		ws, err := job.Webhooks(ctx, cliActor)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ORG\tURL\tUPDATED")
		for _, w := range ws {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", w.OrgID, w.URL, w.UpdatedAt.Format(time.RFC3339))
		}
		return tw.Flush()
	})
}

// withReminderJob opens the store for writing, runs fn with the reminder job on it and reports
// its error as "orglife webhook SUB: …".
func withReminderJob(ctx context.Context, e env, c commonFlags, sub string, fn func(*reminders.Job) error) int {
	s, err := c.openWriting(ctx, e, serviceOptions{Log: newLogger(e.stderr), Now: time.Now})
	if err != nil {
		fmt.Fprintf(e.stderr, "orglife webhook %s: %v\n", sub, err)
		return 1
	}
	defer s.Close()
	if err := fn(newReminderJob(s.db, s.chk, time.Now, newLogger(e.stderr))); err != nil {
		fmt.Fprintf(e.stderr, "orglife webhook %s: %s\n", sub, describe(err))
		return 1
	}
	return 0
}
