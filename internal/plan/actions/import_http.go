package actions

import (
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"strings"

	"climatevolunteers/internal/plan/planimport"
	"climatevolunteers/internal/web"
)

// maxImport bounds an uploaded file: the whole plan is a few hundred rows.
const maxImport = planimport.MaxFileSize

type importData struct {
	Preview *Preview
	Data    string // the file, base64, so that apply reads exactly the bytes previewed
	Columns []string
}

func (h *handlers) renderImport(w http.ResponseWriter, r *http.Request, status int, d importData) {
	d.Columns = exportColumns()
	h.rn.Render(w, r, status, h.views["import"], web.Page{Title: h.rn.T(r, "plan.actions.import.title"), Form: web.NewForm(nil), Data: d})
}

func (h *handlers) importPage(w http.ResponseWriter, r *http.Request) {
	h.renderImport(w, r, http.StatusOK, importData{})
}

// upload reads the file field, or the pasted text when no file was sent.
func upload(r *http.Request) ([]byte, error) {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		if err := r.ParseMultipartForm(maxImport); err != nil {
			return nil, err
		}
		if file, _, err := r.FormFile("file"); err == nil {
			defer file.Close()
			// One byte more than allowed, so that the parser refuses a
			// larger file rather than read a cut one.
			return io.ReadAll(io.LimitReader(file, maxImport+1))
		}
	} else if err := r.ParseForm(); err != nil {
		return nil, err
	}
	return []byte(r.FormValue("csv")), nil
}

func (h *handlers) dryRun(w http.ResponseWriter, r *http.Request) {
	data, err := upload(r)
	if err != nil {
		h.rn.Error(w, r, http.StatusBadRequest, err)
		return
	}
	p, err := h.svc.DryRun(r.Context(), data)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	status := http.StatusOK
	if len(p.Problems) > 0 {
		status = http.StatusUnprocessableEntity
	}
	h.renderImport(w, r, status, importData{Preview: &p, Data: base64.StdEncoding.EncodeToString(data)})
}

func (h *handlers) applyImport(w http.ResponseWriter, r *http.Request) {
	// The form is multipart so that a large plan gets the upload limit,
	// not the limit of ordinary forms.
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		if err := r.ParseMultipartForm(maxImport * 2); err != nil {
			h.rn.Error(w, r, http.StatusBadRequest, err)
			return
		}
	}
	f, err := web.ParseForm(r)
	if err != nil {
		h.rn.Error(w, r, http.StatusBadRequest, err)
		return
	}
	if r.MultipartForm != nil {
		f = web.NewForm(r.MultipartForm.Value)
	}
	data, err := base64.StdEncoding.DecodeString(f.Values.Get("data"))
	if err != nil {
		h.rn.Error(w, r, http.StatusBadRequest, errors.New("import: data is not base64"))
		return
	}
	p, err := h.svc.Apply(r.Context(), actorOf(r), data, f.Get("fingerprint"))
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	switch {
	case len(p.Problems) > 0:
		h.renderImport(w, r, http.StatusUnprocessableEntity, importData{Preview: &p, Data: f.Values.Get("data")})
	case p.Stale:
		h.renderImport(w, r, http.StatusConflict, importData{Preview: &p, Data: f.Values.Get("data")})
	default:
		h.rn.SetFlash(w, "success", "flash.plan.actions.imported")
		web.Redirect(w, r, "/plan/manage")
	}
}
