package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

//go:embed static
var staticFiles embed.FS

// Static serves the embedded files under content-hashed names
// ("/static/css/site.3f2a9c1b.css"), so browsers may cache them for a year and
// still get a new file the moment its content changes.
type Static struct {
	// NotFound answers unknown static paths (the site's 404 page).
	NotFound http.Handler

	byURL  map[string]staticFile // hashed URL path -> file
	byName map[string]string     // "css/site.css" -> hashed URL path
}

type staticFile struct {
	body  []byte
	ctype string
}

// NewStatic hashes every embedded static file.
func NewStatic() (*Static, error) {
	s := &Static{byURL: map[string]staticFile{}, byName: map[string]string{}}
	err := fs.WalkDir(staticFiles, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := staticFiles.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		sum := sha256.Sum256(body)
		ext := path.Ext(name)
		hashed := "/static/" + strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:4]) + ext
		ctype := mime.TypeByExtension(ext)
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		s.byURL[hashed] = staticFile{body: body, ctype: ctype}
		s.byName[name] = hashed
		return nil
	})
	return s, err
}

// URL gives the hashed URL of a static file; templates call it as asset.
func (s *Static) URL(name string) string {
	if u, ok := s.byName[name]; ok {
		return u
	}
	return "/static/missing/" + name
}

// ServeHTTP serves a hashed file with a one-year immutable cache lifetime.
func (s *Static) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f, ok := s.byURL[r.URL.Path]
	if !ok {
		if s.NotFound != nil {
			s.NotFound.ServeHTTP(w, r)
		} else {
			http.NotFound(w, r)
		}
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.ctype)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Write(f.body)
}
