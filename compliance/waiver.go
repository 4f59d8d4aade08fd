package compliance

import (
	"fmt"
	"time"

	"github.com/orglife/orglife"
)

// DefaultMaxWaiverDays is how far ahead a waiver may run when Config.MaxWaiverDays is 0: to the
// end of the day 366 days after today.
const DefaultMaxWaiverDays = 366

// expiresAtHelp is how a message describes the forms of a waiver's expires_at.
const expiresAtHelp = "a date such as 2026-03-01 (the waiver runs through that day) or an RFC 3339 instant such as 2026-03-01T18:00:00+08:00"

// waiverExpiry reads a waiver's expires_at as of now: a date YYYY-MM-DD means the end of that day
// in the deployment time zone (the waiver expires at the start of the next day), anything else
// must be an RFC 3339 instant. A value that is neither answers invalid; one that is not in the
// future, or later than the end of the day s.maxWaiverDays days after today, unprocessable. Both
// name expires_at.
func (s *Checker) waiverExpiry(value string, now time.Time) (time.Time, error) {
	var at time.Time
	if d, err := time.ParseInLocation(orglife.DateLayout, value, s.loc); err == nil {
		at = d.AddDate(0, 0, 1)
	} else if at, err = time.Parse(time.RFC3339, value); err != nil {
		msg := "expires_at must be " + expiresAtHelp
		return time.Time{}, &orglife.Error{Code: orglife.EINVALID, Message: msg,
			Details: []orglife.Detail{{Field: "expires_at", Message: fmt.Sprintf("%s, not %q", msg, value)}}}
	}
	y, m, d := now.In(s.loc).Date()
	limit := time.Date(y, m, d+s.maxWaiverDays+1, 0, 0, 0, 0, s.loc)
	var msg string
	switch {
	case !at.After(now):
		msg = "expires_at must be in the future, not " + value
	case at.After(limit):
		msg = fmt.Sprintf("a waiver may run at most %d days: expires_at must be at most %s (the end of that day), not %s (serve --max-waiver-days)",
			s.maxWaiverDays, limit.AddDate(0, 0, -1).Format(orglife.DateLayout), value)
	default:
		return at.UTC().Truncate(time.Microsecond), nil
	}
	return time.Time{}, &orglife.Error{Code: orglife.EUNPROCESSABLE, Message: msg,
		Details: []orglife.Detail{{Field: "expires_at", Message: msg}}}
}
