// Package reminders tells an org what it must do next and reminds it before it falls due: the
// to-do list (GET /v1/todo and the secretary's 工作台) — this period's duties not yet done with
// their due dates, at-risk and overdue items, records returned by the reviewer, open
// rectification items, a committee term ending soon — and the reminder job, which sends each
// item once per threshold (7 days before due, on the due day) to the org's 企业微信 / 钉钉 group
// robot and records what it sent. It imports orglife, engine, compliance and workflows; never
// gin or the database: the Store it declares is implemented by storage.DB.
package reminders
