package messages

import (
	"embed"
	"net/http"
	"strconv"

	"climatevolunteers/internal/web"
)

// Locales holds this feature's messages.
//
//go:embed locales
var Locales embed.FS

// pageSize is the number of rows of the sent list and of an inbox page.
const pageSize = 50

// Guards are the access checks the pages need.
type Guards struct {
	User        func(http.Handler) http.Handler // any signed-in person
	Coordinator func(http.Handler) http.Handler // coordinators (and admins)
}

type handlers struct {
	svc   *Service
	rn    *web.Renderer
	views map[string]*web.View
}

// Register adds the coordinators' pages, the volunteers' inbox and the
// unsubscribe pages, which work without signing in.
func Register(r *web.Router, rn *web.Renderer, svc *Service, g Guards) {
	h := &handlers{svc: svc, rn: rn, views: map[string]*web.View{}}
	for _, name := range []string{"sent", "new", "inbox", "message", "unsubscribe"} {
		h.views[name] = rn.MustParse(templates, "templates/"+name+".html")
	}
	r.Handle("GET /coordination/messages", g.Coordinator(http.HandlerFunc(h.sentPage)))
	r.Handle("GET /coordination/messages/new", g.Coordinator(http.HandlerFunc(h.newPage)))
	r.Handle("POST /coordination/messages/new", g.Coordinator(http.HandlerFunc(h.submit)))
	r.Handle("GET /inbox", g.User(http.HandlerFunc(h.inboxPage)))
	r.Handle("GET /inbox/{id}", g.User(http.HandlerFunc(h.messagePage)))
	r.HandleFunc("GET /unsubscribe", h.unsubscribePage)
	r.HandleFunc("POST /unsubscribe", h.unsubscribe)
}

// pager is the previous and next links of a list.
type pager struct {
	Page       int
	Prev, Next string
}

// pageOf reads ?page= (1 for anything unreadable) and gives the offset.
func pageOf(r *http.Request) (page, offset int) {
	page, _ = strconv.Atoi(r.URL.Query().Get("page"))
	page = min(max(page, 1), 100000) // bounded: the offset must not overflow
	return page, (page - 1) * pageSize
}

func newPager(path string, page, total int) pager {
	p := pager{Page: page}
	if page > 1 {
		p.Prev = path + "?page=" + strconv.Itoa(page-1)
	}
	if page*pageSize < total {
		p.Next = path + "?page=" + strconv.Itoa(page+1)
	}
	return p
}
