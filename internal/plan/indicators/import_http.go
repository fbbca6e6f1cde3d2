package indicators

import (
	"errors"
	"io"
	"net/http"
	"strings"

	"climatevolunteers/internal/web"
)

// importData fills templates/import.html: the upload form, then the
// preview with the file kept in a hidden field for the apply step.
type importData struct {
	Preview  *Preview
	CSV      string
	Outdated bool
	Applied  bool
}

func (h *handlers) importPage(w http.ResponseWriter, r *http.Request) {
	h.rn.Render(w, r, http.StatusOK, h.views["import"], web.Page{Title: h.rn.T(r, "plan.indicators.import.title"), Form: web.NewForm(nil), Data: importData{}})
}

// readFile takes the uploaded file, or the text pasted in "csv".
func readFile(r *http.Request) (string, error) {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		if err := r.ParseMultipartForm(MaxImportBytes); err != nil {
			return "", err
		}
		if file, _, err := r.FormFile("file"); err == nil {
			defer file.Close()
			b, err := io.ReadAll(io.LimitReader(file, MaxImportBytes+1))
			return string(b), err
		}
		return r.FormValue("csv"), nil
	}
	if err := r.ParseForm(); err != nil {
		return "", err
	}
	return r.PostForm.Get("csv"), nil
}

func (h *handlers) renderImport(w http.ResponseWriter, r *http.Request, status int, d importData) {
	h.rn.Render(w, r, status, h.views["import"], web.Page{Title: h.rn.T(r, "plan.indicators.import.title"), Form: web.NewForm(nil), Data: d})
}

func (h *handlers) importPreview(w http.ResponseWriter, r *http.Request) {
	data, err := readFile(r)
	if err != nil {
		h.rn.Error(w, r, http.StatusBadRequest, err)
		return
	}
	p, err := h.svc.PreviewImport(r.Context(), []byte(data))
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	status := http.StatusOK
	if len(p.Problems) > 0 {
		status = http.StatusUnprocessableEntity
	}
	h.renderImport(w, r, status, importData{Preview: &p, CSV: data})
}

// importApply applies the previewed file. Its form is multipart, like the
// upload, so that a file near MaxImportBytes gets the upload limit and not
// the smaller limit of ordinary forms (url-encoding also inflates it).
func (h *handlers) importApply(w http.ResponseWriter, r *http.Request) {
	data, err := readFile(r)
	if err != nil {
		h.rn.Error(w, r, http.StatusBadRequest, err)
		return
	}
	p, err := h.svc.ApplyImport(r.Context(), actor(r), []byte(data), strings.TrimSpace(r.FormValue("digest")))
	switch {
	case errors.Is(err, ErrPreviewOutdated):
		h.renderImport(w, r, http.StatusConflict, importData{Preview: &p, CSV: data, Outdated: true})
		return
	case err != nil:
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	case len(p.Problems) > 0:
		h.renderImport(w, r, http.StatusUnprocessableEntity, importData{Preview: &p, CSV: data})
		return
	}
	h.rn.SetFlash(w, "success", "flash.plan_indicators_imported")
	web.Redirect(w, r, ManagePath)
}
