package initiatives

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"strconv"
	"strings"

	"climatevolunteers/internal/web"
)

// uploadImage receives the image form of the edit page: a new image, or
// the removal of the current one.
func (h *handlers) uploadImage(w http.ResponseWriter, r *http.Request) {
	in, role, ok := h.load(w, r)
	if !ok {
		return
	}
	a := actor(r)
	if !CanEdit(a, role, in) {
		h.rn.Error(w, r, http.StatusForbidden, nil)
		return
	}
	back := "/initiatives/" + strconv.FormatInt(in.ID, 10) + "/edit"
	part, remove, err := imagePart(r)
	switch {
	case remove:
		err = h.svc.RemoveImage(r.Context(), a, in.ID)
	case err == nil && part == nil:
		err = ErrNotImage
	case err == nil:
		err = h.svc.SetImage(r.Context(), a, in.ID, part)
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig) || errors.Is(err, ErrImageTooLarge):
		h.imageRefused(w, r, in, "initiatives.error.image_too_large")
		return
	case errors.Is(err, ErrNotImage) || errors.Is(err, multipart.ErrMessageTooLarge):
		h.imageRefused(w, r, in, "initiatives.error.not_image")
		return
	case err != nil:
		h.fail(w, r, err)
		return
	}
	h.rn.SetFlash(w, "success", "flash.initiatives_image_saved")
	web.Redirect(w, r, back)
}

// imagePart finds the "image" file of the multipart body, or the "remove"
// field. The body is read as a stream: nothing is buffered to disk.
func imagePart(r *http.Request) (io.Reader, bool, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, false, ErrNotImage
	}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return nil, false, nil
		}
		if err != nil {
			return nil, false, err
		}
		switch p.FormName() {
		case "remove":
			return nil, true, nil
		case "image":
			if p.FileName() == "" {
				return nil, false, nil
			}
			return p, false, nil
		}
	}
}

// imageRefused shows the edit page again with the image error; the text
// fields are the stored ones, untouched by this form.
func (h *handlers) imageRefused(w http.ResponseWriter, r *http.Request, in Initiative, key string) {
	f := formFromInitiative(in)
	f.AddError("image", key)
	h.renderForm(w, r, http.StatusUnprocessableEntity, f, formData{ID: in.ID, Image: in.Image})
}

// image serves a stored image to those who may see its initiative: the
// name starts with the initiative's id. Hidden, draft and rejected
// initiatives' images are for their organisers and moderators, never cached
// by shared caches.
func (h *handlers) image(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	p := h.svc.ImagePath(name)
	idText, _, _ := strings.Cut(name, "-")
	id, err := strconv.ParseInt(idText, 10, 64)
	if p == "" || err != nil {
		h.rn.Error(w, r, http.StatusNotFound, nil)
		return
	}
	in, err := h.svc.store.Get(r.Context(), id)
	if err != nil || in.Image != name {
		h.rn.Error(w, r, http.StatusNotFound, nil)
		return
	}
	cache := "public, max-age=3600"
	if !in.Visible() {
		a := actor(r)
		role := ""
		if a.UserID > 0 {
			role, _ = h.svc.store.MemberRole(r.Context(), id, a.UserID)
		}
		if !CanSee(a, role, in) {
			h.rn.Error(w, r, http.StatusNotFound, nil)
			return
		}
		cache = "private, no-store"
	}
	f, err := os.Open(p)
	if err != nil {
		h.rn.Error(w, r, http.StatusNotFound, nil)
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		h.rn.Error(w, r, http.StatusNotFound, nil)
		return
	}
	w.Header().Set("Cache-Control", cache)
	w.Header().Set("Content-Type", "image/jpeg")
	http.ServeContent(w, r, "", st.ModTime(), f)
}
