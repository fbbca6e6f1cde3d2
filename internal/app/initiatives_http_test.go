package app_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"climatevolunteers/internal/app/apptest"
	"climatevolunteers/internal/auth"
	"climatevolunteers/internal/db"
)

// proposal is a valid new initiative form.
func proposal(title string) url.Values {
	return url.Values{"title": {title}, "summary": {"Un atelier de réparation de vélos chaque samedi matin."},
		"description": {"Venez avec votre **vélo**."}, "theme": {"mobility"}, "district": {"11"},
		"address": {"5 rue Saint-Maur"}, "ongoing": {"1"}, "introductions": {"1"}}
}

var initiativeLocation = regexp.MustCompile(`^/initiatives/([0-9]+)$`)

// propose creates a draft through the form and returns its path.
func propose(t *testing.T, a *apptest.App, c *http.Client, form url.Values) string {
	t.Helper()
	resp, body := a.PostForm(t, c, "/initiatives/new", form.Encode())
	if resp.StatusCode != http.StatusSeeOther || !initiativeLocation.MatchString(resp.Header.Get("Location")) {
		t.Fatalf("propose: %d %s\n%s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	return resp.Header.Get("Location")
}

func TestInitiativeProposalModerationAndVisibility(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{Demo: true})
		author, _ := a.ClientAs(t, auth.RoleVolunteer)
		stranger, _ := a.ClientAs(t, auth.RoleVolunteer)
		mod, _ := a.ClientAs(t, auth.RoleModerator)
		visitor := a.Client(t)

		// A refused proposal keeps everything typed and says what is wrong.
		bad := proposal("<script>alert(1)</script> Atelier")
		bad.Set("district", "")
		bad.Set("links", "javascript:alert(1)")
		resp, body := a.PostForm(t, author, "/initiatives/new", bad.Encode())
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("bad proposal: %d", resp.StatusCode)
		}
		for _, want := range []string{`href="#field-district"`, `href="#field-links"`, "javascript:alert(1)</textarea>",
			`value="&lt;script&gt;alert(1)&lt;/script&gt; Atelier"`, "Venez avec votre **vélo**.</textarea>"} {
			if !strings.Contains(body, want) {
				t.Errorf("refused proposal page lacks %s", want)
			}
		}

		path := propose(t, a, author, proposal("<script>alert(1)</script> Atelier vélo"))
		_, body = a.Get(t, author, path)
		if strings.Contains(body, "<script>alert(1)") || !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt; Atelier vélo") {
			t.Errorf("the title is not shown as text")
		}
		if !strings.Contains(body, "<strong>vélo</strong>") {
			t.Errorf("the description's Markdown is not rendered")
		}
		// A draft exists for its author only (and moderators).
		for name, c := range map[string]*http.Client{"visitor": visitor, "stranger": stranger} {
			if resp, _ := a.Get(t, c, path); resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s sees a draft: %d", name, resp.StatusCode)
			}
		}
		if resp, _ := a.Get(t, mod, path); resp.StatusCode != http.StatusOK {
			t.Errorf("moderator on a draft: %d", resp.StatusCode)
		}
		if resp, _ := a.Get(t, stranger, path+"/edit"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("stranger on the edit page of a draft: %d", resp.StatusCode)
		}
		if resp, _ := a.PostForm(t, stranger, path+"/status", "action=submit"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("stranger submitting a draft: %d", resp.StatusCode)
		}

		if resp, _ := a.PostForm(t, author, path+"/status", "action=submit"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("submit: %d", resp.StatusCode)
		}
		if resp, _ := a.PostForm(t, author, path+"/status", "action=submit"); resp.StatusCode != http.StatusConflict {
			t.Errorf("submitting twice: %d", resp.StatusCode)
		}
		_, queue := a.Get(t, mod, "/moderation/initiatives")
		if !strings.Contains(queue, `action="/moderation`+path+`"`) {
			t.Fatalf("the queue does not list the submission")
		}
		// Asking for changes without a message is refused on the queue page.
		resp, body = a.PostForm(t, mod, "/moderation"+path, "decision=changes&message=")
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `href="#field-message"`) {
			t.Errorf("changes without a message: %d", resp.StatusCode)
		}
		if resp, _ := a.PostForm(t, stranger, "/moderation"+path, "decision=approve"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a volunteer moderating: %d", resp.StatusCode)
		}
		if resp, _ := a.PostForm(t, mod, "/moderation"+path, "decision=approve"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("approve: %d", resp.StatusCode)
		}
		if resp, _ := a.Get(t, visitor, path); resp.StatusCode != http.StatusOK {
			t.Errorf("visitor on a published initiative: %d", resp.StatusCode)
		}
		var published bool
		for _, m := range a.Mails(t) {
			if strings.Contains(m.Subject, "publiée") && strings.Contains(m.Text, path) {
				published = true
			}
		}
		if !published {
			t.Errorf("the author was not mailed the publication")
		}
		_, mine := a.Get(t, author, "/my/initiatives")
		if !strings.Contains(mine, `href="`+path+`"`) {
			t.Errorf("my initiatives does not list it")
		}
	})
}

func TestInitiativeEditConflictKeepsTypedText(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{Demo: true})
		author, _ := a.ClientAs(t, auth.RoleVolunteer)
		path := propose(t, a, author, proposal("Atelier vélo"))
		_, page := a.Get(t, author, path+"/edit")
		m := regexp.MustCompile(`name="version" value="([0-9]+)"`).FindStringSubmatch(page)
		if m == nil {
			t.Fatal("the edit form carries no version")
		}
		first := proposal("Atelier vélo du samedi")
		first.Set("version", m[1])
		if resp, _ := a.PostForm(t, author, path+"/edit", first.Encode()); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("first save: %d", resp.StatusCode)
		}
		// A second tab still holds the old version.
		second := proposal("Atelier vélo du dimanche")
		second.Set("version", m[1])
		resp, body := a.PostForm(t, author, path+"/edit", second.Encode())
		if resp.StatusCode != http.StatusConflict {
			t.Fatalf("stale save: %d", resp.StatusCode)
		}
		if !strings.Contains(body, `value="Atelier vélo du dimanche"`) || !strings.Contains(body, "Une autre personne a enregistré") {
			t.Errorf("the conflict page lost the text or does not explain")
		}
		_, shown := a.Get(t, author, path)
		if !strings.Contains(shown, "Atelier vélo du samedi") {
			t.Errorf("the first save was overwritten")
		}
	})
}

// upload posts an image form as a browser does.
func upload(t *testing.T, a *apptest.App, c *http.Client, path, filename string, data []byte) (*http.Response, string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	fw, _ := w.CreateFormFile("image", filename)
	fw.Write(data)
	w.Close()
	req, _ := http.NewRequest("POST", a.Server.URL+path, &b)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return apptest.Do(t, c, req)
}

func TestInitiativeImageUpload(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{Demo: true})
		author, _ := a.ClientAs(t, auth.RoleVolunteer)
		stranger, _ := a.ClientAs(t, auth.RoleVolunteer)
		path := propose(t, a, author, proposal("Atelier vélo"))

		resp, body := upload(t, a, author, path+"/image", "cv.pdf", []byte("%PDF-1.7 not an image"))
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "n’est pas une image") {
			t.Errorf("a PDF: %d", resp.StatusCode)
		}
		resp, body = upload(t, a, author, path+"/image", "big.jpg", make([]byte, 6<<20))
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "trop grande") {
			t.Errorf("a 6 MB file: %d", resp.StatusCode)
		}
		img := image.NewNRGBA(image.Rect(0, 0, 64, 48))
		img.Set(3, 3, color.NRGBA{200, 0, 0, 255})
		var pngData bytes.Buffer
		png.Encode(&pngData, img)
		if resp, _ := upload(t, a, stranger, path+"/image", "x.png", pngData.Bytes()); resp.StatusCode != http.StatusNotFound {
			t.Errorf("a stranger uploading to a draft: %d", resp.StatusCode)
		}
		if resp, _ := upload(t, a, author, path+"/image", "x.png", pngData.Bytes()); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("upload: %d", resp.StatusCode)
		}
		_, page := a.Get(t, author, path)
		src := regexp.MustCompile(`src="(/media/initiatives/[^"]+)"`).FindStringSubmatch(page)
		if src == nil {
			t.Fatal("the page shows no image")
		}
		// A draft's image is for its organisers, and never cached publicly.
		if resp, _ := a.Get(t, a.Client(t), src[1]); resp.StatusCode != http.StatusNotFound {
			t.Errorf("a visitor fetching a draft's image: %d", resp.StatusCode)
		}
		resp, data := a.Get(t, author, src[1])
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/jpeg" || !strings.HasPrefix(data, "\xff\xd8") ||
			resp.Header.Get("Cache-Control") != "private, no-store" {
			t.Errorf("the stored image for its author: %d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Cache-Control"))
		}
	})
}

func TestInitiativeTeamInvitation(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{Demo: true})
		owner, _ := a.ClientAs(t, auth.RoleVolunteer)
		invitee, _ := a.ClientAs(t, auth.RoleVolunteer)
		path := propose(t, a, owner, proposal("Atelier vélo"))

		if resp, _ := a.Get(t, invitee, path+"/edit"); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("the invitee before joining: %d", resp.StatusCode)
		}
		resp, body := a.PostForm(t, owner, path+"/team/invite", "email=nobody")
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `value="nobody"`) {
			t.Errorf("a bad address: %d", resp.StatusCode)
		}
		if resp, _ := a.PostForm(t, invitee, path+"/team/invite", "email=friend@example.org"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("a stranger inviting to a draft: %d", resp.StatusCode)
		}
		if resp, _ := a.PostForm(t, owner, path+"/team/invite", "email=friend@example.org"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("invite: %d", resp.StatusCode)
		}
		link := ""
		for _, m := range a.Mails(t) {
			if m.To == "friend@example.org" {
				link = regexp.MustCompile(`/initiatives/team/accept\?token=[A-Za-z0-9_-]+`).FindString(m.Text)
			}
		}
		if link == "" {
			t.Fatal("no invitation mail")
		}
		resp, body = a.Get(t, invitee, link)
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Atelier vélo") {
			t.Fatalf("the acceptance page: %d", resp.StatusCode)
		}
		token := strings.TrimPrefix(link, "/initiatives/team/accept?token=")
		if resp, _ := a.PostForm(t, invitee, "/initiatives/team/accept", "token="+token); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != path {
			t.Fatalf("accept: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		if resp, _ := a.Get(t, invitee, path+"/edit"); resp.StatusCode != http.StatusOK {
			t.Errorf("the new co-organiser cannot edit: %d", resp.StatusCode)
		}
		if resp, _ := a.PostForm(t, invitee, "/initiatives/team/accept", "token="+token); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("the same link twice: %d", resp.StatusCode)
		}
		_, team := a.Get(t, owner, path+"/team")
		if strings.Count(team, "/remove\"") != 2 {
			t.Errorf("the owner's team page should offer two remove buttons (self and the co-organiser)")
		}
	})
}
