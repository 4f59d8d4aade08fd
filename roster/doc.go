// Package roster imports orgs and members from the spreadsheets schools keep (.xlsx, or .csv in
// UTF-8 or GBK) with Chinese column headers (docs/import.md): it reads the file with package
// sheets, checks every cell and reports every problem at once at its place (sheet!cell or
// line:column) in Chinese, compares the rows with the database — members are matched by 学工号,
// so a second import of the same file changes nothing — and writes the plan in one transaction
// only when the whole file is valid. A dry run returns the plan (created, changed, unchanged,
// missing from a full roster) without writing. Writes go through the small Writer interface, so
// the member operations of the engine can replace today's adapter.
package roster
