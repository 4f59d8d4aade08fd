package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/orglife/orglife/compliance"
	"github.com/orglife/orglife/workflows"
)

// syncRules makes the server follow the rule set active in the database (another server may
// activate one through the API) by polling every interval.
func syncRules(ctx context.Context, chk *compliance.Checker, interval time.Duration, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := chk.SyncRules(ctx); err != nil && ctx.Err() == nil {
			log.Error("following the active rule set", "err", err)
		}
	}
}

// watchRules reloads the rules of the pack directory when a file under rules/ changes: the files
// are validated first; a broken file logs every problem as file:line:column and the active rules
// stay; a valid change is stored and activated like PUT /v1/rules.
func watchRules(ctx context.Context, chk *compliance.Checker, set *workflows.Set, dir string, interval time.Duration, log *slog.Logger) {
	last := stamp(dir)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		cur := stamp(dir)
		if cur == last {
			continue
		}
		last = cur
		rs, problems := loadRules(os.DirFS(dir), dir, set)
		if len(problems) > 0 {
			for _, p := range problems {
				log.Error("rules not reloaded: " + p.String())
			}
			log.Error(fmt.Sprintf("the rules in %s have %d problem(s); the active rules stay", dir, len(problems)))
			continue
		}
		v, err := chk.ReloadRules(ctx, rs)
		switch {
		case err != nil:
			log.Error("rules not reloaded", "err", err)
		case v != nil:
			log.Info("rules reloaded from the pack directory", "version", v.Version)
		}
	}
}

// stamp fingerprints the names, sizes and modification times of the files under dir/rules.
func stamp(dir string) string {
	h := sha256.New()
	_ = filepath.WalkDir(filepath.Join(dir, "rules"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		if info, err := d.Info(); err == nil {
			fmt.Fprintf(h, "%s\x00%d\x00%d\x00", p, info.Size(), info.ModTime().UnixNano())
		}
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))
}
