#!/usr/bin/env bash
# Runs the pack's current tests against the first edition of the example pack — the engine and
# the pack at commit 1f627f4, before issue 12 — and against this tree, and prints each case's
# result side by side (docs/pack-tests.md, "The second edition's cases against the first"):
# the cases written for the defects of the first edition fail before and pass after.
#
#   examples/party-branch/before.sh [COMMIT]      # from the repository, with its git history
set -euo pipefail
before=${1:-1f627f4}
root=$(git rev-parse --show-toplevel)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/src" "$tmp/pack"
git -C "$root" archive "$before" | tar -x -C "$tmp/src"
(cd "$tmp/src" && go build -o "$tmp/orglife-before" ./cmd/orglife)
(cd "$root" && go build -o "$tmp/orglife-after" ./cmd/orglife)
cp -r "$tmp/src/examples/party-branch/rules" "$tmp/src/examples/party-branch/workflows" "$tmp/pack/"
cp -r "$root/examples/party-branch/tests" "$tmp/pack/"
"$tmp/orglife-before" test "$tmp/pack" -v >"$tmp/before.txt" 2>&1 || true
"$tmp/orglife-after" test "$root/examples/party-branch" -v >"$tmp/after.txt" 2>&1 || true
# one line per case: file<TAB>name<TAB>ok|FAIL, from the per-case summary lines
cases() { sed -nE 's#^(ok|FAIL) +.*/tests/([a-z_]+\.yaml): (.*) \([0-9]+ expectations?\)$#\2\t\3\t\1#p' "$1"; }
cases "$tmp/before.txt" >"$tmp/b.tsv"
cases "$tmp/after.txt" >"$tmp/a.tsv"
printf 'file\tcase\tbefore (%s)\tafter\n' "$before"
awk -F'\t' 'NR == FNR { b[$1 "\t" $2] = $3; next }
  { k = $1 "\t" $2; r = (k in b) ? b[k] : "not run (the first edition cannot load the case)"; print k "\t" r "\t" $3 }' "$tmp/b.tsv" "$tmp/a.tsv"
echo
tail -n 1 "$tmp/before.txt" | sed 's/^/before: /'
tail -n 1 "$tmp/after.txt" | sed 's/^/after:  /'
