package orglife

import "time"

// Webhook is the group-robot address (企业微信 / 钉钉) an org's reminders are sent to.
type Webhook struct {
	OrgID     string    `json:"org_id"`
	URL       string    `json:"url"`
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by"`
}

// Reminder delivery statuses.
const (
	ReminderPending = "pending" // claimed, waiting for its (next) attempt
	ReminderSending = "sending" // an attempt is under way
	ReminderSent    = "sent"    // the webhook accepted it
	ReminderFailed  = "failed"  // every attempt failed
	ReminderUnknown = "unknown" // the sender died during an attempt: not sent again, shown to the admin
)

// Reminder is one message about one item (a ledger row: rule, subject, period) at one threshold
// (7 days before due, on the due day). Item and Threshold are unique: it is claimed once and never
// sent twice.
type Reminder struct {
	ID        int64      `json:"id"`
	OrgID     string     `json:"org_id"`
	Item      string     `json:"item"`
	Threshold string     `json:"threshold"`
	Due       time.Time  `json:"due"`
	Content   string     `json:"content"`
	URL       string     `json:"-"`
	Status    string     `json:"status"`
	Attempts  int        `json:"attempts"`
	NextAt    time.Time  `json:"next_at"`
	LastError string     `json:"last_error"`
	CreatedAt time.Time  `json:"created_at"`
	SentAt    *time.Time `json:"sent_at"`
}

// ReminderFilter selects reminders; empty fields do not filter.
type ReminderFilter struct {
	OrgIDs []string
	Status string
	// DueBy selects pending reminders whose next attempt is at or before it (zero: no filter).
	DueBy time.Time
	// SendingBefore selects reminders in ReminderSending whose attempt began before it.
	SendingBefore time.Time
	Limit         int
}
