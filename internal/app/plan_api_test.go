package app_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"climatevolunteers/internal/api"
	"climatevolunteers/internal/app/apptest"
	"climatevolunteers/internal/db"
)

// TestPlanAPIMatchesTheDocument checks every answer of the plan's API, over
// the demo plan, against the OpenAPI document, and that every API route of
// the whole app is in it: lists, filters, an empty
// match, and refused filters.
func TestPlanAPIMatchesTheDocument(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData(api.OpenAPI)
	if err != nil {
		t.Fatal(err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{Demo: true, DemoVolunteers: 20})
		for _, p := range a.Router.Patterns() {
			_, path, _ := strings.Cut(p, " ")
			if strings.HasPrefix(path, "/api/v") && doc.Paths.Find(path) == nil {
				t.Errorf("route %s is not in the OpenAPI document", p)
			}
		}
		cases := []struct {
			path  string
			want  int
			count func(n int) bool // how many items the answer holds
		}{
			{"/api/v1/plan/actions", 200, func(n int) bool { return n >= 40 }},
			{"/api/v1/plan/actions?status=late", 200, func(n int) bool { return n > 0 && n < 40 }},
			{"/api/v1/plan/actions?theme=mobilite", 200, func(n int) bool { return n > 0 && n < 40 }},
			{"/api/v1/plan/actions?theme=nowhere", 200, func(n int) bool { return n == 0 }},
			{"/api/v1/plan/actions?status=sleeping", 400, nil},
			{"/api/v1/plan/actions?theme=" + strings.Repeat("x", 61), 400, nil},
			{"/api/v1/plan/indicators", 200, func(n int) bool { return n >= 2 }},
		}
		for _, c := range cases {
			req := httptest.NewRequest("GET", "http://localhost"+c.path, nil)
			w := httptest.NewRecorder()
			a.Handler.ServeHTTP(w, req)
			if w.Code != c.want {
				t.Errorf("%s: %d, want %d: %.300s", c.path, w.Code, c.want, w.Body.String())
				continue
			}
			if c.count != nil {
				if n := countItems(t, w.Body.Bytes()); !c.count(n) {
					t.Errorf("%s: %d items", c.path, n)
				}
			}
			route, params, err := router.FindRoute(req)
			if err != nil {
				t.Fatalf("%s: not in the document: %v", c.path, err)
			}
			in := &openapi3filter.ResponseValidationInput{
				RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
				Status:                 w.Code, Header: w.Header(),
				Options: &openapi3filter.Options{IncludeResponseStatus: true},
			}
			in.SetBodyBytes(w.Body.Bytes())
			if err := openapi3filter.ValidateResponse(req.Context(), in); err != nil {
				t.Errorf("%s: the answer does not match the document: %v", c.path, err)
			}
		}
	})
}

// countItems counts the items of a list answer, whatever its wrapper key.
func countItems(t *testing.T, body []byte) int {
	t.Helper()
	var wrapped map[string]json.RawMessage
	if err := json.Unmarshal(body, &wrapped); err != nil {
		t.Fatalf("not a JSON object: %v", err)
	}
	for _, key := range []string{"actions", "indicators", "items", "data"} {
		if raw, ok := wrapped[key]; ok {
			var items []json.RawMessage
			if err := json.Unmarshal(raw, &items); err != nil {
				t.Fatalf("%s is not a list: %v", key, err)
			}
			return len(items)
		}
	}
	keys := make([]string, 0, len(wrapped))
	for k := range wrapped {
		keys = append(keys, k)
	}
	t.Fatalf("no list in the answer (keys %s)", strings.Join(keys, ", "))
	return 0
}

// With the database gone, both plan endpoints answer the JSON error the
// OpenAPI document promises, not the HTML error page.
func TestPlanAPIErrorsAreJSON(t *testing.T) {
	a := apptest.New(t, db.SQLite, apptest.Options{})
	a.DB.Close()
	for _, path := range []string{"/api/v1/plan/actions", "/api/v1/plan/indicators"} {
		resp, body := a.Get(t, a.Client(t), path)
		var e struct {
			Error string `json:"error"`
		}
		if resp.StatusCode != http.StatusInternalServerError || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") ||
			json.Unmarshal([]byte(body), &e) != nil || !strings.Contains(e.Error, "request id") {
			t.Errorf("%s with the database gone: %d %s %.200s", path, resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
	}
}
