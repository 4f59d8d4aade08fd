package main

import (
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/orglife/orglife"
	partybranch "github.com/orglife/orglife/examples/party-branch"
	"github.com/orglife/orglife/rules"
	"github.com/orglife/orglife/workflows"
)

// packFS returns the file system of the pack and the prefix under which its files are named in
// problems: the --pack directory, or the built-in pack named examples/party-branch.
func packFS(dir string) (fs.FS, string) {
	if dir == "" {
		return partybranch.FS, "examples/party-branch"
	}
	return os.DirFS(dir), dir
}

// loadWorkflows loads the pack's workflows. On problems it prints each as file:line:column:
// message on w and returns an error.
func loadWorkflows(dir string, w io.Writer) (*workflows.Set, error) {
	fsys, prefix := packFS(dir)
	set, problems := workflows.Load(fsys, "workflows", prefix)
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintln(w, p.String())
		}
		return nil, fmt.Errorf("the pack %s has %d problem(s)", prefix, len(problems))
	}
	return set, nil
}

// loadPack loads the pack's workflows and then its rules, compiled against the workflows'
// collections. On problems it prints each as file:line:column: message on w and returns an error.
func loadPack(dir string, w io.Writer) (*workflows.Set, *rules.RuleSet, error) {
	set, err := loadWorkflows(dir, w)
	if err != nil {
		return nil, nil, err
	}
	fsys, prefix := packFS(dir)
	rs, problems := loadRules(fsys, prefix, set)
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintln(w, p.String())
		}
		return nil, nil, fmt.Errorf("the rules of %s have %d problem(s)", prefix, len(problems))
	}
	return set, rs, nil
}

// loadRules loads rules/ of a pack; a pack without a rules directory has an empty rule set.
func loadRules(fsys fs.FS, prefix string, set *workflows.Set) (*rules.RuleSet, orglife.Problems) {
	if _, err := fs.Stat(fsys, "rules"); err != nil {
		return rules.ParseRuleFiles(map[string][]byte{}, set.Collections())
	}
	return rules.LoadRules(fsys, "rules", prefix, set.Collections())
}
