// Package orglife holds the domain types and error kinds of the orglife workflow and compliance
// engine: organizations, members, tokens and actors, workflow instances and their transitions,
// periods, ledger rows and violations. It imports only the standard library; every other package
// of the module depends on it.
package orglife
