package compliance

import (
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/rules"
)

// evaluatorActor names the evaluation in violation histories.
const evaluatorActor = "orglife"

// wanted returns the violations that ledger rows call for, by identity: one for each overdue or
// late row and one for each shallow check that fired. Rules in shadow mode call for none.
func wanted(rows []orglife.LedgerRow, version string) map[string]*orglife.Violation {
	out := map[string]*orglife.Violation{}
	add := func(r *orglife.LedgerRow, kind, check, severity, message string) {
		v := &orglife.Violation{Rule: r.Rule, RuleVersion: version, OrgID: r.OrgID, SubjectID: r.SubjectID, Period: r.Period,
			Kind: kind, Check: check, Severity: severity, Message: message, Explanation: r.Explanation, Evidence: r.Evidence}
		out[v.Identity()] = v
	}
	for i := range rows {
		r := &rows[i]
		if r.Mode == "shadow" {
			continue
		}
		switch r.Status {
		case orglife.StatusOverdue:
			add(r, orglife.KindOverdue, "", r.Severity, r.Explanation.Text)
		case orglife.StatusLate:
			add(r, orglife.KindLate, "", r.Severity, r.Explanation.Text)
		}
		if r.Status == orglife.StatusShallow || r.Status == orglife.StatusLate {
			for _, f := range r.Explanation.Checks {
				add(r, orglife.KindShallow, f.ID, f.Severity, f.Message)
			}
		}
	}
	return out
}

type reconcileCounts struct{ opened, cleared, reopened int }

// reconcile applies the violation lifecycle of spec §3 to the stored violations of the evaluated
// keys and the violations the new rows call for: new ones open; cleared ones come back when their
// condition returns, in the status a person left them in (see returning); waived ones reopen once the waiver has expired at asOf; manually resolved
// ones stay resolved; open, acknowledged and waived ones whose condition is gone resolve as
// cleared. It returns the violations to save and the history entries to append.
func reconcile(existing []*orglife.Violation, want map[string]*orglife.Violation, asOf, now time.Time, loc *time.Location, newID func() string) ([]*orglife.Violation, []orglife.ViolationChangeRecord, reconcileCounts) {
	var save []*orglife.Violation
	var changes []orglife.ViolationChangeRecord
	var n reconcileCounts
	change := func(v *orglife.Violation, to, note string) {
		changes = append(changes, orglife.ViolationChangeRecord{ViolationID: v.ID,
			ViolationChange: orglife.ViolationChange{At: now, Actor: evaluatorActor, From: v.Status, To: to, Note: note}})
		v.Status = to
		v.UpdatedAt = now
		save = append(save, v)
	}
	byIdentity := make(map[string]*orglife.Violation, len(existing))
	for _, v := range existing {
		byIdentity[v.Identity()] = v
	}
	for id, w := range want {
		v := byIdentity[id]
		if v == nil {
			w.ID, w.Status, w.OpenedAt, w.UpdatedAt = newID(), "", now, now
			change(w, orglife.ViolationOpen, "评估发现问题，已开启")
			n.opened++
			continue
		}
		refreshed := v.Message != w.Message || v.Explanation.Text != w.Explanation.Text || len(v.Evidence) != len(w.Evidence)
		v.Message, v.Explanation, v.Evidence, v.RuleVersion, v.Severity = w.Message, w.Explanation, w.Evidence, w.RuleVersion, w.Severity
		switch {
		case v.Status == orglife.ViolationResolved && v.Resolution != nil && *v.Resolution == orglife.ResolutionCleared:
			to, note := returning(v, asOf, loc)
			v.Resolution, v.ClearedFrom = nil, ""
			change(v, to, note)
			n.reopened++
		case v.Status == orglife.ViolationWaived && v.Waiver != nil && !asOf.Before(v.Waiver.ExpiresAt):
			change(v, orglife.ViolationOpen, "豁免已于"+rules.DueText(v.Waiver.ExpiresAt, loc)+"期满，问题仍然存在，重新开启")
			n.reopened++
		case refreshed && v.Status != orglife.ViolationResolved:
			v.UpdatedAt = now
			save = append(save, v)
		}
	}
	for id, v := range byIdentity {
		if want[id] != nil {
			continue
		}
		switch v.Status {
		case orglife.ViolationOpen, orglife.ViolationAcknowledged, orglife.ViolationWaived:
			cleared := orglife.ResolutionCleared
			v.Resolution, v.ClearedFrom = &cleared, v.Status
			change(v, orglife.ViolationResolved, "问题已不存在，自动解决")
			n.cleared++
		}
	}
	return save, changes, n
}

// returning is the status, and the history note, of a cleared violation whose condition has
// returned at asOf: the status it had when it cleared, so a supervisor's decision survives the
// round trip. Acknowledged stays acknowledged; waived stays waived while the waiver runs at asOf
// and is open after it expired; anything else (and violations cleared before the status was
// remembered) is open.
//
// Notes are Chinese, with instants as local dates and times in loc: people read the history.
func returning(v *orglife.Violation, asOf time.Time, loc *time.Location) (status, note string) {
	switch {
	case v.ClearedFrom == orglife.ViolationAcknowledged:
		return orglife.ViolationAcknowledged, "问题再次出现，仍为已知悉"
	case v.ClearedFrom == orglife.ViolationWaived && v.Waiver != nil && asOf.Before(v.Waiver.ExpiresAt):
		return orglife.ViolationWaived, "问题再次出现，豁免有效至" + rules.DueText(v.Waiver.ExpiresAt, loc) + "，仍为已豁免"
	case v.ClearedFrom == orglife.ViolationWaived && v.Waiver != nil:
		return orglife.ViolationOpen, "问题再次出现，豁免已于" + rules.DueText(v.Waiver.ExpiresAt, loc) + "期满，重新开启"
	}
	return orglife.ViolationOpen, "问题再次出现，重新开启"
}
