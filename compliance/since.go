package compliance

import (
	"context"
	"fmt"
	"time"

	"github.com/orglife/orglife"
)

// Since returns the go-live date (midnight in the deployment time zone) stored in the database,
// or the zero time when none is set. Every server and subcommand reads the same value.
func (s *Checker) Since(ctx context.Context) (time.Time, error) {
	return s.sinceIn(ctx, s.store)
}

func (s *Checker) sinceIn(ctx context.Context, st Store) (time.Time, error) {
	v, err := st.Setting(ctx, orglife.SettingSince)
	switch {
	case orglife.ErrorCode(err) == orglife.ENOTFOUND:
		return time.Time{}, nil
	case err != nil:
		return time.Time{}, err
	}
	d, err := time.ParseInLocation(orglife.DateLayout, v, s.loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("compliance: stored go-live date %q: %w", v, err)
	}
	return d, nil
}

// SetSince stores the go-live date (serve --since; admin): periods that end before it are
// not_applicable for every rule and no record may be dated before it. When the date moves later,
// the periods it leaves behind are evaluated once more (over the lookback before it), so their
// rows become not_applicable and their violations clear. It reports whether the date changed.
func (s *Checker) SetSince(ctx context.Context, actor orglife.Actor, date string) (bool, error) {
	if !actor.IsAdmin() {
		return false, orglife.Errorf(orglife.EFORBIDDEN, "only an admin may set the go-live date")
	}
	d, err := time.ParseInLocation(orglife.DateLayout, date, s.loc)
	if err != nil {
		return false, &orglife.Error{Code: orglife.EINVALID, Message: "the go-live date must be a date YYYY-MM-DD, such as 2026-09-01",
			Details: []orglife.Detail{{Field: "since", Message: "not a date: " + date}}}
	}
	if lo, hi := s.minRecordDate(), s.instant().In(s.loc).AddDate(1, 0, 0); d.Before(lo) || d.After(hi) {
		return false, &orglife.Error{Code: orglife.EINVALID, Message: fmt.Sprintf("the go-live date must lie between %s and %s",
			lo.Format(orglife.DateLayout), hi.Format(orglife.DateLayout)), Details: []orglife.Detail{{Field: "since", Message: "out of range"}}}
	}
	prev, err := s.Since(ctx)
	if err != nil || prev.Equal(d) {
		return false, err
	}
	err = s.inTx(ctx, func(ctx context.Context, tx Store) error {
		if err := tx.SetSetting(ctx, orglife.SettingSince, date, s.instant()); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "settings.since", "since", map[string]any{"from": day(prev), "to": date})
	})
	if err != nil || s.RuleSet() == nil || !d.After(prev) {
		return true, err
	}
	// retire what the new date leaves behind: the periods before it within the lookback
	sp, err := s.resolve(EvaluateParams{From: d.AddDate(0, 0, -s.lookbackDays).Format(orglife.DateLayout), To: d.AddDate(0, 0, -1).Format(orglife.DateLayout)})
	if err != nil {
		return true, err
	}
	if sp.orgIDs, err = s.scopeOrgs(ctx, actor, ""); err != nil {
		return true, err
	}
	sp.persist, sp.beforeSince = true, true
	_, err = s.run(ctx, sp)
	return true, err
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(orglife.DateLayout)
}

// minRecordDate is orglife.MinRecordDate, midnight in the deployment time zone.
func (s *Checker) minRecordDate() time.Time {
	t, _ := time.ParseInLocation(orglife.DateLayout, orglife.MinRecordDate, s.loc)
	return t
}
