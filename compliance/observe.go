package compliance

import (
	"time"

	"github.com/orglife/orglife"
)

// Observer receives measurements of evaluations, for metrics (api implements it with
// Prometheus; compliance imports no metrics library). Its methods are called synchronously from
// the evaluating goroutine, possibly from several at once: they must be cheap and safe for
// concurrent use. Config.Observer nil observes nothing.
type Observer interface {
	// BatchEvaluated is called once per batch of orgs read and evaluated, by every evaluation
	// path (request, scheduled, check, after a transition).
	BatchEvaluated(BatchEvaluation)
	// BatchPersisted is called once per batch whose rows an evaluation wrote (or failed to).
	BatchPersisted(BatchPersist)
	// EvaluationFinished is called when a whole evaluation run requested through Evaluate, Check
	// or the schedule ends.
	EvaluationFinished(EvaluationRun)
	// ScheduledSkipped is called when a scheduled evaluation was skipped because another server
	// holds the scheduler lock.
	ScheduledSkipped()
	// RecordCache is called when the outbox worker read an org's records through its cache: hit
	// is false when it fell back to (or filled the cache with) a full read.
	RecordCache(hit bool)
	// LockWaited is called with how long an evaluating transaction waited for the evaluation
	// locks of its orgs (another server or path was evaluating them).
	LockWaited(time.Duration)
}

// BatchEvaluation measures one batch read and evaluated.
type BatchEvaluation struct {
	Orgs int
	// Keys is how many (rule, subject, period) keys were evaluated: the ledger rows computed.
	Keys int
	// RuleErrors counts the keys whose rule failed at run time (status error).
	RuleErrors int
	Duration   time.Duration // reading and evaluating
	Err        error         // the batch failed (nothing of it was evaluated)
}

// BatchPersist measures one batch's write.
type BatchPersist struct {
	// Changed is how many ledger rows were written because their content changed; StatusChanges
	// how many of them changed status (timeline rows).
	Changed, StatusChanges int
	Duration               time.Duration
	Err                    error
}

// EvaluationRun measures one evaluation run.
type EvaluationRun struct {
	Trigger  string // TriggerRequest, TriggerScheduled or TriggerCheck
	Orgs     int
	Keys     int
	Duration time.Duration
	Err      error
}

// Triggers of an EvaluationRun.
const (
	TriggerRequest   = "request"   // Evaluate (POST /v1/evaluations)
	TriggerScheduled = "scheduled" // the scheduled evaluation
	TriggerCheck     = "check"     // Check (orglife check)
)

// nopObserver observes nothing.
type nopObserver struct{}

func (nopObserver) BatchEvaluated(BatchEvaluation)   {}
func (nopObserver) BatchPersisted(BatchPersist)      {}
func (nopObserver) EvaluationFinished(EvaluationRun) {}
func (nopObserver) ScheduledSkipped()                {}
func (nopObserver) RecordCache(bool)                 {}
func (nopObserver) LockWaited(time.Duration)         {}

// finished reports a run to the observer and returns its result unchanged.
func (s *Checker) finished(trigger string, began time.Time, res *EvaluateResult, err error) (*EvaluateResult, error) {
	run := EvaluationRun{Trigger: trigger, Duration: time.Since(began), Err: err}
	if res != nil {
		run.Orgs, run.Keys = res.Orgs, res.Rows
	}
	s.obs.EvaluationFinished(run)
	return res, err
}

// ruleErrors counts the rows whose rule failed at run time.
func ruleErrors(rows []orglife.LedgerRow) int {
	n := 0
	for i := range rows {
		if rows[i].Status == orglife.StatusError {
			n++
		}
	}
	return n
}
