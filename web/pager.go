package web

import (
	"net/url"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/orglife/orglife"
)

// Bounds of the page model: the page sizes a reader may choose, and how many earlier pages a
// list's URL remembers for 上一页.
var pageSizes = []int{20, 50, 100}

const maxTrail = 30

// pager is the one page model of every list of the web interface. A list is read a page at a
// time on the server from a cursor (the engine's keyset cursor, or the key of the last row of an
// in-memory list); the URL carries the list's filters, the page size (size), the cursor of the
// page (cursor) and the cursors of the pages before it (prev, repeated, nearest last, at most
// maxTrail), so every page can be bookmarked and has a 上一页 although the cursors only go
// forward. The template partial "pager" renders its control.
type pager struct {
	// Size is the page size.
	Size int
	// Number is the page's number from 1; 0 when the trail was cut (past maxTrail pages).
	Number int
	// Count is the number of results when it is cheap to know (HasCount); CountMore says it is
	// a lower bound.
	Count               int
	HasCount, CountMore bool
	// First, Prev and Next are the links of the control ("" when there is none).
	First, Prev, Next string
	// Sizes are the links to the other page sizes (back to the first page).
	Sizes []pageSizeLink

	path    string
	filter  url.Values
	cursor  string
	trail   []string
	defSize int
}

// pageSizeLink is one page size of the control.
type pageSizeLink struct {
	N       int
	Href    string
	Current bool
}

// newPager reads the page of a list at path from the request: the cursor, the trail and the
// size (defSize unless ?size= names one of pageSizes). filter holds the list's filters, carried
// by every link of the control.
func newPager(c *gin.Context, path string, filter url.Values, defSize int) *pager {
	q := c.Request.URL.Query()
	p := &pager{path: path, filter: filter, cursor: q.Get("cursor"), defSize: defSize, Size: defSize}
	if n, err := strconv.Atoi(q.Get("size")); err == nil && (n == defSize || slices.Contains(pageSizes, n)) {
		p.Size = n
	}
	for _, v := range q["prev"] {
		if v != "" {
			p.trail = append(p.trail, v)
		}
	}
	if len(p.trail) > maxTrail {
		p.trail = p.trail[len(p.trail)-maxTrail:]
	}
	switch {
	case p.cursor == "":
		p.trail, p.Number = nil, 1
	case len(p.trail) < maxTrail:
		p.Number = len(p.trail) + 2
	}
	return p
}

// Params are the engine's paging parameters of the page.
func (p *pager) Params() orglife.ListParams {
	return orglife.ListParams{Limit: p.Size, Cursor: p.cursor}
}

// Cursor is the cursor of the page ("" on the first page).
func (p *pager) Cursor() string { return p.cursor }

// SetCount records the number of results (more: at least n).
func (p *pager) SetCount(n int, more bool) { p.Count, p.HasCount, p.CountMore = n, true, more }

// Done completes the control once the page is read: next is the cursor after the page, nil or
// "" when it is the last.
func (p *pager) Done(next *string) {
	if next != nil && *next != "" {
		trail := p.trail
		if p.cursor != "" {
			trail = append(slices.Clone(trail), p.cursor)
		}
		if len(trail) > maxTrail {
			trail = trail[len(trail)-maxTrail:]
		}
		p.Next = p.link(*next, trail, p.Size)
	}
	if p.cursor != "" {
		p.First = p.link("", nil, p.Size)
		prev, trail := "", p.trail
		if len(trail) > 0 {
			prev, trail = trail[len(trail)-1], trail[:len(trail)-1]
		}
		p.Prev = p.link(prev, trail, p.Size)
	}
	if p.Next != "" || p.cursor != "" || p.Size != p.defSize {
		sizes := pageSizes
		if !slices.Contains(sizes, p.defSize) {
			sizes = append([]int{p.defSize}, sizes...)
			slices.Sort(sizes)
		}
		for _, n := range sizes {
			p.Sizes = append(p.Sizes, pageSizeLink{N: n, Href: p.link("", nil, n), Current: n == p.Size})
		}
	}
}

// link is the URL of the page at cursor with its trail and size, the filters kept.
func (p *pager) link(cursor string, trail []string, size int) string {
	v := url.Values{}
	for k, vs := range p.filter {
		for _, x := range vs {
			if x != "" {
				v.Add(k, x)
			}
		}
	}
	if size != p.defSize {
		v.Set("size", strconv.Itoa(size))
	}
	if cursor != "" {
		v.Set("cursor", cursor)
		for _, t := range trail {
			v.Add("prev", t)
		}
	}
	if len(v) == 0 {
		return p.path
	}
	return p.path + "?" + v.Encode()
}

// pageSlice is the page of an in-memory list (an org tree, say) in the pager's model: the
// cursor is the key of the last row of the page before; a cursor that names no row (the row was
// removed) starts from the beginning. It completes the control, with the count.
func pageSlice[T any](p *pager, items []T, key func(T) string) []T {
	start := 0
	if p.cursor != "" {
		if i := slices.IndexFunc(items, func(x T) bool { return key(x) == p.cursor }); i >= 0 {
			start = i + 1
		}
	}
	end := min(start+p.Size, len(items))
	var next *string
	if end < len(items) && end > start {
		k := key(items[end-1])
		next = &k
	}
	p.SetCount(len(items), false)
	p.Done(next)
	return items[start:end]
}
