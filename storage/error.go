package storage

import (
	"database/sql"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/orglife/orglife"
)

// dbErr is the one place where database errors become application errors: sql.ErrNoRows becomes
// orglife.ErrNotFound, a unique or primary-key violation (SQLite constraint codes, PostgreSQL
// 23505) and a PostgreSQL serialization failure or deadlock become conflicts, a foreign-key
// violation becomes invalid, and so do PostgreSQL's refusals of bytes that are not UTF-8 and of
// values too long to index — the last line of defence behind the validation in api and engine
// (which alone stops NUL bytes: bun writes arguments into the SQL text, where a NUL breaks the
// syntax). Application errors pass through; nil stays nil; anything else is
// returned unchanged (it surfaces as internal).
func dbErr(err error) error {
	if err == nil {
		return nil
	}
	var ae *orglife.Error
	if errors.As(err, &ae) {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return orglife.ErrNotFound
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return conflict(se.Error())
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return orglife.Errorf(orglife.EINVALID, "a referenced record does not exist")
		}
		return err
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505": // unique_violation
			return conflict(pe.ConstraintName + " " + pe.Message)
		case "23503": // foreign_key_violation
			return orglife.Errorf(orglife.EINVALID, "a referenced record does not exist")
		case "40001", "40P01": // serialization_failure, deadlock_detected
			return orglife.Errorf(orglife.ECONFLICT, "concurrent update; retry")
		case "22021", "22P05": // character_not_in_repertoire (NUL, bad UTF-8), untranslatable_character
			return orglife.Errorf(orglife.EINVALID, "a value holds bytes that are not UTF-8")
		case "54000", "22001": // program_limit_exceeded (index row too large), string_data_right_truncation
			return orglife.Errorf(orglife.EINVALID, "a value is too long to be stored")
		}
	}
	return err
}

// conflict builds the conflict error of a unique violation; raw is the database's message, used
// only to tell a duplicate unique key of an instance from a duplicate id.
func conflict(raw string) error {
	if strings.Contains(raw, "unique_key") {
		return orglife.Errorf(orglife.ECONFLICT, "duplicate unique key: a record with the same values already exists")
	}
	return orglife.Errorf(orglife.ECONFLICT, "already exists")
}

// mustAffect returns orglife.ErrNotFound when a write touched no row.
func mustAffect(res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return orglife.ErrNotFound
	}
	return nil
}
