package web

import (
	"net/url"
	"strconv"
)

// Pagination is a list's page navigation; its links keep every filter of
// the request.
type Pagination struct {
	Page, Pages                int
	FirstURL, PrevURL, NextURL string
	PageLinks                  []PageLink // first, last and two either side of the current page
}

// PageLink is one entry of the page numbers; Gap stands for skipped pages.
type PageLink struct {
	N       int
	URL     string
	Current bool
	Gap     bool
}

// Paginate builds the navigation of path for a list of total items shown
// pageSize at a time from offset; values are the request's query, whose
// "page" is replaced in each link.
func Paginate(path string, values url.Values, offset, pageSize, total int) Pagination {
	p := Pagination{Page: offset/pageSize + 1, Pages: max((total+pageSize-1)/pageSize, 1)}
	v := url.Values{}
	for k, vs := range values {
		if k != "page" {
			v[k] = vs
		}
	}
	link := func(n int) string {
		if n > 1 {
			v.Set("page", strconv.Itoa(n))
		} else {
			v.Del("page")
		}
		if len(v) == 0 {
			return path
		}
		return path + "?" + v.Encode()
	}
	p.FirstURL = link(1)
	if p.Page > 1 {
		p.PrevURL = link(min(p.Page-1, p.Pages))
	}
	if p.Page < p.Pages {
		p.NextURL = link(p.Page + 1)
	}
	if p.Pages == 1 {
		return p
	}
	prev := 0
	for n := 1; n <= p.Pages; n++ {
		if n != 1 && n != p.Pages && (n < p.Page-2 || n > p.Page+2) {
			continue
		}
		if n > prev+1 {
			p.PageLinks = append(p.PageLinks, PageLink{Gap: true})
		}
		p.PageLinks = append(p.PageLinks, PageLink{N: n, URL: link(n), Current: n == p.Page})
		prev = n
	}
	return p
}
