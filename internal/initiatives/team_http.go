package initiatives

import (
	"errors"
	"net/http"
	"strconv"

	"climatevolunteers/internal/volunteers"
	"climatevolunteers/internal/web"
)

// registerTeam adds the team page, invitations and their acceptance.
func (h *handlers) registerTeam(r *web.Router) {
	h.views["team"] = h.rn.MustParse(templates, "templates/team.html")
	h.views["team_accept"] = h.rn.MustParse(templates, "templates/team_accept.html")
	user := func(f http.HandlerFunc) http.Handler { return h.guards.User(f) }
	r.Handle("GET /initiatives/{id}/team", user(h.teamPage))
	r.Handle("POST /initiatives/{id}/team/invite", user(h.invite))
	r.Handle("POST /initiatives/{id}/team/{user}/remove", user(h.removeOrganiser))
	r.Handle("GET /initiatives/team/accept", user(h.acceptPage))
	r.Handle("POST /initiatives/team/accept", user(h.accept))
}

// teamData fills templates/team.html.
type teamData struct {
	In        Initiative
	Members   []teamMember
	Pending   []PendingInvitation
	CanManage bool
	Viewer    int64
}

type teamMember struct {
	volunteers.Contact
	Role string
}

func (h *handlers) teamPage(w http.ResponseWriter, r *http.Request) {
	h.renderTeam(w, r, http.StatusOK, web.NewForm(nil))
}

func (h *handlers) renderTeam(w http.ResponseWriter, r *http.Request, status int, f *web.Form) {
	in, role, ok := h.load(w, r)
	if !ok {
		return
	}
	a := actor(r)
	if !Organises(role) && !CanManageTeam(a, role) {
		h.rn.Error(w, r, http.StatusForbidden, nil)
		return
	}
	ctx := r.Context()
	os, err := h.svc.store.Organisers(ctx, in.ID)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	ids := make([]int64, len(os))
	for i, o := range os {
		ids[i] = o.UserID
	}
	contacts, err := h.svc.People.Contacts(ctx, ids)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	byID := map[int64]volunteers.Contact{}
	for _, c := range contacts {
		byID[c.UserID] = c
	}
	d := teamData{In: in, CanManage: CanManageTeam(a, role), Viewer: a.UserID}
	for _, o := range os {
		c := byID[o.UserID]
		c.UserID = o.UserID
		d.Members = append(d.Members, teamMember{Contact: c, Role: o.Role})
	}
	if d.CanManage {
		if d.Pending, err = h.svc.store.PendingInvitations(ctx, in.ID); err != nil {
			h.rn.Error(w, r, http.StatusInternalServerError, err)
			return
		}
	}
	h.rn.Render(w, r, status, h.views["team"], web.Page{Title: h.rn.T(r, "initiatives.team.title"), Form: f, Data: d})
}

func (h *handlers) invite(w http.ResponseWriter, r *http.Request) {
	id, f, ok := h.rn.IDAndForm(w, r)
	if !ok {
		return
	}
	errs, err := h.svc.Invite(r.Context(), actor(r), id, f.Get("email"), web.Lang(r))
	if errors.Is(err, ErrTooManyInvites) {
		f.AddError("email", "initiatives.team.error.too_many")
	} else if err != nil {
		h.fail(w, r, err)
		return
	}
	addErrors(f, errs)
	if !f.Valid() {
		h.renderTeam(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	h.rn.SetFlash(w, "success", "flash.initiatives_team_invited")
	web.Redirect(w, r, "/initiatives/"+strconv.FormatInt(id, 10)+"/team")
}

func (h *handlers) removeOrganiser(w http.ResponseWriter, r *http.Request) {
	id, ok := web.PathID(r, "")
	userID, err := strconv.ParseInt(r.PathValue("user"), 10, 64)
	if !ok || err != nil {
		h.rn.Error(w, r, http.StatusNotFound, nil)
		return
	}
	a := actor(r)
	err = h.svc.RemoveOrganiser(r.Context(), a, id, userID)
	back := "/initiatives/" + strconv.FormatInt(id, 10)
	switch {
	case errors.Is(err, ErrLastOwner):
		h.rn.SetFlash(w, "error", "flash.initiatives_team_last_owner")
		web.Redirect(w, r, back+"/team")
		return
	case err != nil:
		h.fail(w, r, err)
		return
	}
	h.rn.SetFlash(w, "success", "flash.initiatives_team_removed")
	if userID == a.UserID {
		web.Redirect(w, r, back)
		return
	}
	web.Redirect(w, r, back+"/team")
}

func (h *handlers) acceptPage(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("token")
	inv, err := h.svc.PeekInvitation(r.Context(), token)
	if errors.Is(err, ErrInvitation) {
		h.rn.Error(w, r, http.StatusBadRequest, nil)
		return
	}
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	h.rn.Render(w, r, http.StatusOK, h.views["team_accept"], web.Page{Title: h.rn.T(r, "initiatives.team.accept.title"),
		Data: struct {
			Invitation
			Token string
		}{inv, token}})
}

func (h *handlers) accept(w http.ResponseWriter, r *http.Request) {
	f, err := web.ParseForm(r)
	if err != nil {
		h.rn.Error(w, r, http.StatusBadRequest, err)
		return
	}
	id, err := h.svc.AcceptInvitation(r.Context(), actor(r), f.Get("token"))
	if errors.Is(err, ErrInvitation) {
		h.rn.Error(w, r, http.StatusBadRequest, nil)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.rn.SetFlash(w, "success", "flash.initiatives_team_joined")
	web.Redirect(w, r, "/initiatives/"+strconv.FormatInt(id, 10))
}
