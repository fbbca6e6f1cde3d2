package messages

import (
	"errors"
	"net/http"
	"strconv"

	"climatevolunteers/internal/volunteers"
	"climatevolunteers/internal/web"
)

type option struct{ Value, Label string }

// selectField is one criterion of the segment, its options translated.
type selectField struct {
	Name, Label string // form name, catalog key of the label
	Options     []option
}

// composeData feeds the form: the segment's choices and, after a preview,
// whom the message would reach.
type composeData struct {
	Filters     []selectField
	Preview     *Counts
	Changed     bool   // a send asked after the draft changed since its preview
	Draft       Draft  // normalised, as recipients will read it
	Fingerprint string // of the previewed draft, sent back with "send"
}

type sentRow struct {
	Message
	Criteria []string // "District: Paris 11e"…, translated
}

type sentData struct {
	Rows  []sentRow
	Total int
	pager
}

func (h *handlers) sentPage(w http.ResponseWriter, r *http.Request) {
	page, offset := pageOf(r)
	msgs, total, err := h.svc.store.Sent(r.Context(), pageSize, offset)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	data := sentData{Total: total, pager: newPager("/coordination/messages", page, total)}
	if len(msgs) > 0 {
		filters, err := h.choices(r, true)
		if err != nil {
			h.rn.Error(w, r, http.StatusInternalServerError, err)
			return
		}
		for _, m := range msgs {
			data.Rows = append(data.Rows, sentRow{Message: m, Criteria: h.describe(r, m.Segment, filters)})
		}
	}
	h.rn.Render(w, r, http.StatusOK, h.views["sent"], web.Page{Title: h.rn.T(r, "messages.sent.title"), Data: data})
}

// describe turns a segment into translated "criterion: value" lines.
func (h *handlers) describe(r *http.Request, s Segment, filters []selectField) []string {
	values := s.values()
	var out []string
	for _, f := range filters {
		v := values[f.Name]
		if v == "" {
			continue
		}
		label := v // a district or skill removed since keeps its code
		for _, o := range f.Options {
			if o.Value == v {
				label = o.Label
			}
		}
		out = append(out, h.rn.T(r, "messages.segment.criterion", h.rn.T(r, f.Label), label))
	}
	if len(out) == 0 {
		out = append(out, h.rn.T(r, "messages.segment.everyone"))
	}
	return out
}

// choices lists the segment's criteria with their options in the
// request's language; all includes skills admins retired (old messages
// still name them).
func (h *handlers) choices(r *http.Request, all bool) ([]selectField, error) {
	ds, err := h.svc.Districts.List(r.Context())
	if err != nil {
		return nil, err
	}
	ks, err := h.svc.Skills.Skills(r.Context(), all)
	if err != nil {
		return nil, err
	}
	lang := web.Lang(r)
	fields := []selectField{{Name: "district", Label: "messages.filter.district"}, {Name: "skill", Label: "messages.filter.skill"}}
	for _, d := range ds {
		fields[0].Options = append(fields[0].Options, option{d.Code, d.Name})
	}
	for _, k := range ks {
		fields[1].Options = append(fields[1].Options, option{k.Code, k.Label(lang)})
	}
	translated := func(name, label, prefix string, codes []string, byIndex bool) selectField {
		f := selectField{Name: name, Label: label}
		for i, c := range codes {
			v := c
			if byIndex {
				v = strconv.Itoa(i)
			}
			f.Options = append(f.Options, option{v, h.rn.T(r, prefix+c)})
		}
		return f
	}
	return append(fields,
		translated("language", "messages.filter.language", "volunteers.language.", volunteers.Languages, false),
		translated("interest", "messages.filter.interest", "volunteers.theme.", volunteers.Themes, false),
		translated("day", "messages.filter.day", "volunteers.day.", volunteers.Days, true),
		translated("slot", "messages.filter.slot", "volunteers.slot.", volunteers.Slots, true),
	), nil
}

func (h *handlers) newPage(w http.ResponseWriter, r *http.Request) {
	h.renderForm(w, r, http.StatusOK, web.NewForm(nil), composeData{})
}

func (h *handlers) renderForm(w http.ResponseWriter, r *http.Request, status int, f *web.Form, data composeData) {
	var err error
	if data.Filters, err = h.choices(r, false); err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	h.rn.Render(w, r, status, h.views["new"], web.Page{Title: h.rn.T(r, "messages.new.title"), Form: f, Data: data})
}

// draftFrom reads the form; day and slot that are not numbers are field
// errors, never silently widened to "any time".
func draftFrom(f *web.Form, author int64) Draft {
	d := Draft{AuthorID: author, Subject: f.Values.Get("subject"), Body: f.Values.Get("body"), Segment: Everyone()}
	d.Segment.District, d.Segment.Skill, d.Segment.Language, d.Segment.Interest =
		f.Get("district"), f.Get("skill"), f.Get("language"), f.Get("interest")
	for _, p := range []struct {
		field string
		dst   *int
	}{{"day", &d.Segment.Day}, {"slot", &d.Segment.Slot}} {
		if v := f.Get(p.field); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				f.AddError(p.field, "form.error.choice")
				continue
			}
			*p.dst = n
		}
	}
	return d
}

// submit previews the message (the default, and what Enter in a field
// does) or, with send=1, sends it. A send whose draft differs from the one
// previewed is previewed again rather than sent: the coordinator confirms
// what they saw. Refused input comes back with every value as typed and
// each error next to its field.
func (h *handlers) submit(w http.ResponseWriter, r *http.Request) {
	f, err := web.ParseForm(r)
	if err != nil {
		h.rn.Error(w, r, http.StatusBadRequest, err)
		return
	}
	d := draftFrom(f, web.ViewerOf(r).UserID)
	errs, err := h.svc.Check(r.Context(), &d)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	for _, e := range errs {
		f.AddError(e.Field, e.Key, e.Args...)
	}
	if !f.Valid() {
		h.renderForm(w, r, http.StatusUnprocessableEntity, f, composeData{})
		return
	}
	data := composeData{Draft: d, Fingerprint: d.Fingerprint()}
	if f.Get("send") != "1" || f.Get("previewed") != data.Fingerprint {
		data.Changed = f.Get("send") == "1"
		c, err := h.svc.Preview(r.Context(), d.Segment)
		if err != nil {
			h.rn.Error(w, r, http.StatusInternalServerError, err)
			return
		}
		data.Preview = &c
		h.renderForm(w, r, http.StatusOK, f, data)
		return
	}
	sent, err := h.svc.Send(r.Context(), d)
	if errors.Is(err, ErrNobody) {
		f.AddError("segment", "messages.error.nobody")
		h.renderForm(w, r, http.StatusUnprocessableEntity, f, composeData{})
		return
	}
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	if sent.Duplicate {
		h.rn.SetFlash(w, "info", "flash.messages_already_sent")
	} else {
		h.rn.SetFlash(w, "success", "flash.messages_sent")
	}
	web.Redirect(w, r, "/coordination/messages")
}
