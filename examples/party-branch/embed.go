// Package partybranch embeds the example pack of orglife, the default pack of the binary: the
// workflows, rules and tests of a Party branch's organizational life (三会一课, 主题党日,
// 组织生活会, 民主评议, 换届, 整改). Files of the pack are read through FS at the paths
// workflows/NAME.yaml, rules/NAME.yaml and tests/NAME.yaml.
package partybranch

import "embed"

// FS holds the pack's workflows/, rules/ and tests/ directories. rules/ and tests/ are embedded
// with "all:" so that a directory holding only its .gitkeep still embeds; loaders read *.yaml only.
//
//go:embed workflows all:rules all:tests
var FS embed.FS
