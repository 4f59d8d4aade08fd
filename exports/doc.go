// Package exports turns what orglife shows into files people keep: the annual assessment
// workbook (组织生活开展情况统计表, 问题清单, 说明) and each list — the compliance ledger, the
// violations, the records — as its current filtered view, with the filter written into the file
// and a bounded number of rows. The API and the web interface both call it, so a file is the same
// whichever way it was asked for. It imports orglife, rules, engine, compliance and sheets; never
// gin or the database.
package exports
