package outbox

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/web"
)

//go:embed templates
var templates embed.FS

// Locales holds the outbox pages' messages.
//
//go:embed locales
var Locales embed.FS

// PageSize is the number of jobs per list page.
const PageSize = 50

type handlers struct {
	rn         *web.Renderer
	d          *db.DB
	notify     func()
	maskTokens bool
	list       *web.View
	job        *web.View
}

// Register adds the admin outbox pages. require guards every one of them
// (the caller passes its admin check); notify, if not nil, wakes the worker
// after a retry.
//
// With SMTP delivery, links in pending mails are masked: an admin must not be
// able to read someone's sign-in or reset link. Without SMTP the page is the
// only way mails are read, so they are shown whole.
func Register(r *web.Router, rn *web.Renderer, d *db.DB, require func(http.Handler) http.Handler, notify func(), opts ...AdminOptions) {
	var o AdminOptions
	if len(opts) > 0 {
		o = opts[0]
	}
	h := &handlers{rn: rn, d: d, notify: notify, maskTokens: o.MaskTokens,
		list: rn.MustParse(templates, "templates/list.html"),
		job:  rn.MustParse(templates, "templates/job.html"),
	}
	r.Handle("GET /admin/outbox", require(http.HandlerFunc(h.listPage)))
	r.Handle("GET /admin/outbox/{id}", require(http.HandlerFunc(h.jobPage)))
	r.Handle("POST /admin/outbox/{id}/retry", require(http.HandlerFunc(h.retry)))
}

// AdminOptions adjust the admin pages.
type AdminOptions struct {
	MaskTokens bool // hide the secret of links in mails (set when mails really leave)
}

// statuses in the order the filter shows them.
var statuses = []string{StatusPending, StatusDead, StatusDone}

type filterLink struct {
	Status  string // "" for all
	Count   int
	URL     string
	Current bool
}

type jobRow struct {
	ID          int64
	Kind        string
	Summary     string // an email's subject
	Status      string
	Attempts    int
	MaxAttempts int
	NextRun     string // pending jobs only
	LastError   string
	Created     string
}

type listData struct {
	Filters       []filterLink
	Status        string
	Jobs          []jobRow
	Page          int
	PrevURL       string
	NextURL       string
	FirstN, LastN int
	TotalInFilter int
}

func (h *handlers) listPage(w http.ResponseWriter, r *http.Request) {
	status := r.URL.Query().Get("status")
	if status != StatusPending && status != StatusDone && status != StatusDead {
		status = ""
	}
	page, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil || page < 1 {
		page = 1
	}
	counts, err := Counts(r.Context(), h.d)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	// One more than a page tells whether there is a next page.
	jobs, err := List(r.Context(), h.d, status, PageSize+1, (page-1)*PageSize)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	data := listData{Status: status, Page: page}
	all := 0
	for _, s := range statuses {
		all += counts[s]
	}
	data.Filters = append(data.Filters, filterLink{Count: all, URL: listURL("", 1), Current: status == ""})
	for _, s := range statuses {
		data.Filters = append(data.Filters, filterLink{Status: s, Count: counts[s], URL: listURL(s, 1), Current: status == s})
	}
	data.TotalInFilter = all
	if status != "" {
		data.TotalInFilter = counts[status]
	}
	if len(jobs) > PageSize {
		jobs = jobs[:PageSize]
		data.NextURL = listURL(status, page+1)
	}
	if page > 1 {
		data.PrevURL = listURL(status, page-1)
	}
	if len(jobs) > 0 {
		data.FirstN, data.LastN = (page-1)*PageSize+1, (page-1)*PageSize+len(jobs)
	}
	for _, j := range jobs {
		row := jobRow{ID: j.ID, Kind: j.Kind, Status: j.Status, Attempts: j.Attempts, MaxAttempts: j.MaxAttempts,
			LastError: j.LastError, Created: formatTime(j.CreatedAt)}
		if e, ok := j.Email(); ok {
			row.Summary = e.Subject
		}
		if j.Status == StatusPending {
			row.NextRun = formatTime(j.RunAt)
		}
		data.Jobs = append(data.Jobs, row)
	}
	h.rn.Render(w, r, http.StatusOK, h.list, web.Page{Title: h.rn.T(r, "outbox.title"), Data: data})
}

func listURL(status string, page int) string {
	q := url.Values{}
	if status != "" {
		q.Set("status", status)
	}
	if page > 1 {
		q.Set("page", strconv.Itoa(page))
	}
	if len(q) == 0 {
		return "/admin/outbox"
	}
	return "/admin/outbox?" + q.Encode()
}

type jobData struct {
	Job         JobInfo
	Email       *Email
	Payload     string // pretty JSON, for kinds other than email
	RunAt       string
	LockedUntil string
	Created     string
	Updated     string
	Done        string
	CanRetry    bool
}

func (h *handlers) jobPage(w http.ResponseWriter, r *http.Request) {
	j, ok := h.load(w, r)
	if !ok {
		return
	}
	data := jobData{Job: j, RunAt: formatTime(j.RunAt), Created: formatTime(j.CreatedAt),
		Updated: formatTime(j.UpdatedAt), CanRetry: j.Status == StatusDead}
	if j.LockedUntil != nil {
		data.LockedUntil = formatTime(*j.LockedUntil)
	}
	if j.DoneAt != nil {
		data.Done = formatTime(*j.DoneAt)
	}
	if e, ok := j.Email(); ok {
		if h.maskTokens {
			e.Text, e.HTML = MaskTokens(e.Text), MaskTokens(e.HTML)
		}
		data.Email = &e
	} else {
		var buf bytes.Buffer
		if json.Indent(&buf, []byte(j.Payload), "", "  ") == nil {
			data.Payload = buf.String()
		} else {
			data.Payload = j.Payload
		}
	}
	title := h.rn.T(r, "outbox.job.title", j.ID)
	h.rn.Render(w, r, http.StatusOK, h.job, web.Page{Title: title, Data: data})
}

func (h *handlers) retry(w http.ResponseWriter, r *http.Request) {
	if _, err := web.ParseForm(r); err != nil {
		h.rn.Error(w, r, http.StatusBadRequest, err)
		return
	}
	j, ok := h.load(w, r)
	if !ok {
		return
	}
	done, err := Retry(r.Context(), h.d, j.ID)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	if done {
		if h.notify != nil {
			h.notify()
		}
		h.rn.SetFlash(w, "success", "flash.outbox_retried")
	} else {
		h.rn.SetFlash(w, "error", "flash.outbox_retry_refused")
	}
	web.Redirect(w, r, "/admin/outbox/"+strconv.FormatInt(j.ID, 10))
}

// load reads the job named in the path, answering 404 when there is none.
func (h *handlers) load(w http.ResponseWriter, r *http.Request) (JobInfo, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		h.rn.Error(w, r, http.StatusNotFound, nil)
		return JobInfo{}, false
	}
	j, err := Get(r.Context(), h.d, id)
	if errors.Is(err, ErrNotFound) {
		h.rn.Error(w, r, http.StatusNotFound, nil)
		return j, false
	}
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return j, false
	}
	return j, true
}

// formatTime shows stored times in UTC, said so, to the second.
func formatTime(t time.Time) string {
	return t.UTC().Format("2006-01-02 15:04:05") + " UTC"
}
