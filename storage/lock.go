package storage

import (
	"context"
	"database/sql/driver"
	"fmt"
	"hash/fnv"
	"sync"
	"time"
)

// sqliteLocks holds the names of the TryLock locks taken on SQLite databases in this process,
// keyed by the database file and the lock name. It is the package's one piece of mutable state:
// an SQLite database has one writer process in practice, so a process-local lock is all TryLock
// needs there, and keying by file makes two DBs opened on the same file share it.
var sqliteLocks sync.Map // string → struct{}

// TryLock takes the named lock without waiting. ok is false when another holder has it; release
// frees it (calling it again does nothing).
//
// On PostgreSQL it is a session advisory lock on a 64-bit FNV-1a hash of the name, held on a
// connection taken from the pool for the holder alone: it excludes every process sharing the
// database, and a holder that dies frees it with its connection. release unlocks and returns the
// connection to the pool, or discards the connection when the unlock fails.
//
// On SQLite it is a process-local lock keyed by the database file and the name (see
// sqliteLocks); it does not exclude other processes.
func (d *DB) TryLock(ctx context.Context, name string) (release func(), ok bool, err error) {
	d = d.bound(ctx)
	if d.dialect == Postgres {
		return d.tryAdvisoryLock(ctx, name)
	}
	var file string
	if err := d.root.NewRaw("SELECT file FROM pragma_database_list WHERE name = 'main'").Scan(ctx, &file); err != nil {
		return nil, false, dbErr(err)
	}
	if file == "" { // an in-memory or temporary database: private to this DB
		file = fmt.Sprintf("%p", d.root)
	}
	key := file + "\x00" + name
	if _, held := sqliteLocks.LoadOrStore(key, struct{}{}); held {
		return nil, false, nil
	}
	var once sync.Once
	return func() { once.Do(func() { sqliteLocks.Delete(key) }) }, true, nil
}

// tryAdvisoryLock is TryLock on PostgreSQL.
func (d *DB) tryAdvisoryLock(ctx context.Context, name string) (release func(), ok bool, err error) {
	h := fnv.New64a()
	_, _ = h.Write([]byte(name))
	key := int64(h.Sum64())
	conn, err := d.root.Conn(ctx)
	if err != nil {
		return nil, false, dbErr(err)
	}
	if err := conn.NewRaw("SELECT pg_try_advisory_lock(?)", key).Scan(ctx, &ok); err != nil || !ok {
		_ = conn.Close()
		return nil, false, dbErr(err)
	}
	var once sync.Once
	release = func() {
		once.Do(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			var unlocked bool
			err := conn.NewRaw("SELECT pg_advisory_unlock(?)", key).Scan(ctx, &unlocked)
			if err != nil || !unlocked {
				// The session may still hold the lock: close the connection instead of pooling it.
				d.log.Warn("advisory unlock failed; discarding the connection", "lock", name, "error", err)
				_ = conn.Raw(func(any) error { return driver.ErrBadConn })
			}
			_ = conn.Close()
		})
	}
	return release, true, nil
}
