package yamlfile

import (
	"bytes"
	"fmt"
	"unicode/utf8"

	"github.com/orglife/orglife"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// Default limits of Parse. They bound what one administrator-written file may cost before the
// YAML library sees it: the library's memory grows with the square of the nesting depth.
const (
	// DefaultMaxBytes is the largest file Parse accepts: 1 MiB.
	DefaultMaxBytes = 1 << 20
	// DefaultMaxDepth is the deepest nesting of collections Parse accepts: block indentation,
	// sequence entries (`- - -`), explicit keys and flow brackets (`[[`, `{{`), all counted together.
	DefaultMaxDepth = 64
	// DefaultMaxNodes is the largest number of nodes a document may have, counting each use of
	// an alias as a copy of its anchor's nodes (so that "billion laughs" files are refused).
	DefaultMaxNodes = 100_000
)

// Limits bounds the files Parse accepts. A zero field means its default (DefaultMaxBytes,
// DefaultMaxDepth, DefaultMaxNodes).
type Limits struct {
	MaxBytes int // largest file in bytes
	MaxDepth int // deepest nesting of mappings and sequences
	MaxNodes int // most nodes, aliases expanded
}

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	if l.MaxNodes <= 0 {
		l.MaxNodes = DefaultMaxNodes
	}
	return l
}

var bom = []byte("\xef\xbb\xbf")

// precheck checks src before the YAML library sees it: size, encoding (UTF-8, a leading BOM is
// stripped) and nesting depth. It returns the bytes to parse, or a problem.
func (l Limits) precheck(file string, src []byte) ([]byte, *orglife.Problem) {
	if len(src) > l.MaxBytes {
		line, col := position(src, l.MaxBytes)
		return nil, &orglife.Problem{File: file, Line: line, Column: col,
			Message: fmt.Sprintf("YAML file larger than %d bytes (%s)", l.MaxBytes, sizeName(l.MaxBytes))}
	}
	src = bytes.TrimPrefix(src, bom)
	if p := checkUTF8(file, src); p != nil {
		return nil, p
	}
	if off, _, ok := depthScan(src, l.MaxDepth); !ok {
		line, col := position(src, off)
		return nil, &orglife.Problem{File: file, Line: line, Column: col,
			Message: fmt.Sprintf("YAML nesting deeper than %d levels", l.MaxDepth)}
	}
	return src, nil
}

func sizeName(n int) string {
	switch {
	case n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// position returns the 1-based line and column (in runes; an invalid byte counts as one) of the
// byte at offset off of src. Lines end at LF, CRLF or a lone CR, as for the YAML library.
func position(src []byte, off int) (line, col int) {
	off = min(off, len(src))
	line, start := 1, 0
	for i := 0; i < off; i++ {
		if src[i] == '\n' || src[i] == '\r' && (i+1 >= len(src) || src[i+1] != '\n') {
			line, start = line+1, i+1
		}
	}
	return line, utf8.RuneCount(src[start:off]) + 1
}

// Messages for a file that is not UTF-8, in the style of the project's other messages for
// administrators who mostly read Chinese: the Chinese hint first, then English.
const (
	msgNotUTF8 = "文件不是有效的 UTF-8 编码：请用 UTF-8 编码另存后重试 (the file is not valid UTF-8: save it as UTF-8 and try again)"
	msgGBK     = "文件不是有效的 UTF-8 编码（看起来是 GBK）：请用 UTF-8 编码另存后重试 (the file is not valid UTF-8, it looks like GBK: save it as UTF-8 and try again)"
)

// checkUTF8 returns a problem at the first invalid byte of src, or nil when src is valid UTF-8.
func checkUTF8(file string, src []byte) *orglife.Problem {
	if utf8.Valid(src) {
		return nil
	}
	off := 0
	for off < len(src) {
		r, size := utf8.DecodeRune(src[off:])
		if r == utf8.RuneError && size <= 1 {
			break
		}
		off += size
	}
	line, col := position(src, off)
	msg := msgNotUTF8
	if looksGBK(src) {
		msg = msgGBK
	}
	return &orglife.Problem{File: file, Line: line, Column: col, Message: msg}
}

// looksGBK reports whether src decodes as GBK (GB18030, its superset) without a replacement
// character.
func looksGBK(src []byte) bool {
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(src)
	return err == nil && !bytes.ContainsRune(out, utf8.RuneError)
}
