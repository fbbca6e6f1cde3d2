package monitor

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"climatevolunteers/internal/web"
)

// episodesPageSize is how many episodes a page of the list shows.
const episodesPageSize = 20

// episodesData fills templates/episodes.html.
type episodesData struct {
	Episodes []Episode
	Total    int
	web.Pagination
}

// episodes lists past and open episodes, the latest first.
func (h *handlers) episodes(w http.ResponseWriter, r *http.Request) {
	page := 1
	if s := r.URL.Query().Get("page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 100000 {
			h.rn.Error(w, r, http.StatusBadRequest, nil)
			return
		}
		page = n
	}
	offset := (page - 1) * episodesPageSize
	list, total, err := h.svc.Episodes(r.Context(), offset, episodesPageSize)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := episodesData{Episodes: list, Total: total,
		Pagination: web.Paginate(EpisodesPath, url.Values{}, offset, episodesPageSize, total)}
	private(w)
	h.rn.Render(w, r, http.StatusOK, h.views["episodes"], web.Page{Title: h.rn.T(r, "monitor.episodes.title"), Data: d})
}

// loadReport reads the report of the path's episode; false after an error page.
func (h *handlers) loadReport(w http.ResponseWriter, r *http.Request) (Report, bool) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		h.rn.Error(w, r, http.StatusNotFound, nil)
		return Report{}, false
	}
	rep, err := h.svc.Report(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return rep, false
	}
	return rep, true
}

// report shows an episode's figures by district; it prints on its own.
func (h *handlers) report(w http.ResponseWriter, r *http.Request) {
	rep, ok := h.loadReport(w, r)
	if !ok {
		return
	}
	private(w)
	h.rn.Render(w, r, http.StatusOK, h.views["report"], web.Page{
		Title: h.rn.T(r, "monitor.report.title", h.rn.T(r, "monitor.hazard."+rep.Episode.Hazard)), Data: rep})
}

// csvHeader names the export's columns with stable English codes, the
// same in every language, so that spreadsheets and scripts can rely on them.
var csvHeader = []string{"district_code", "district", "people", "matched", "unmatched", "calls", "reached_fine",
	"needed_help", "unreached_escalations", "overdue_escalations", "volunteers", "median_minutes_to_first_call"}

// reportCSV exports the report's figures: counts by district and the
// total (district_code "total"), no personal data.
func (h *handlers) reportCSV(w http.ResponseWriter, r *http.Request) {
	rep, ok := h.loadReport(w, r)
	if !ok {
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/csv; charset=utf-8")
	hd.Set("Content-Disposition", `attachment; filename="episode-`+strconv.FormatInt(rep.Episode.ID, 10)+`-report.csv"`)
	private(w)
	cw := csv.NewWriter(w)
	cw.Write(csvHeader)
	for _, d := range rep.Districts {
		cw.Write(csvRecord(web.CSVCell(d.Code), web.CSVCell(d.Name), d))
	}
	cw.Write(csvRecord("total", "", rep.Total))
	cw.Flush()
	if err := cw.Error(); err != nil {
		h.svc.Log.Warn("episode report export cut short", "request_id", web.RequestID(r), "err", err)
	}
}

func csvRecord(code, name string, d ReportRow) []string {
	n := strconv.Itoa
	median := ""
	if d.HasMedian() {
		median = strconv.FormatFloat(d.MedianFirstCall.Minutes(), 'f', 1, 64)
	}
	return []string{code, name, n(d.People), n(d.Matched), n(d.Unmatched), n(d.Calls), n(d.Fine), n(d.NeededHelp),
		n(d.UnreachedEscalations), n(d.OverdueEscalations), n(d.Volunteers), median}
}

// MedianHours and MedianMinutes split the median for display ("2 h 05").
func (r ReportRow) MedianHours() int { return int(r.MedianFirstCall.Round(time.Minute) / time.Hour) }

// MedianMinutes is the minutes past MedianHours.
func (r ReportRow) MedianMinutes() int {
	return int(r.MedianFirstCall.Round(time.Minute)%time.Hour) / int(time.Minute)
}
