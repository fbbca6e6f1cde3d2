package initiatives

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
)

func pngOf(t testing.TB, w, h int, c color.Color) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestProcessImage(t *testing.T) {
	// A wide transparent PNG becomes a JPEG 1,200 pixels wide, on white.
	out, err := processImage(pngOf(t, 2400, 600, color.NRGBA{0, 0, 0, 0}))
	if err != nil {
		t.Fatal(err)
	}
	img, format, err := image.Decode(bytes.NewReader(out))
	if err != nil || format != "jpeg" {
		t.Fatalf("stored image: %s %v", format, err)
	}
	if b := img.Bounds(); b.Dx() != imageWidth || b.Dy() != 300 {
		t.Errorf("resized to %dx%d, want %dx300", b.Dx(), b.Dy(), imageWidth)
	}
	if r, g, b, _ := img.At(10, 10).RGBA(); r>>8 < 250 || g>>8 < 250 || b>>8 < 250 {
		t.Errorf("transparent pixel became %d,%d,%d, want white", r>>8, g>>8, b>>8)
	}
	// A small image keeps its size.
	out, _ = processImage(pngOf(t, 40, 30, color.NRGBA{10, 120, 60, 255}))
	if cfg, _ := jpeg.DecodeConfig(bytes.NewReader(out)); cfg.Width != 40 || cfg.Height != 30 {
		t.Errorf("small image resized to %dx%d", cfg.Width, cfg.Height)
	}

	for name, data := range map[string][]byte{
		"text":            []byte("hello, this is not an image"),
		"html":            []byte("<html><script>alert(1)</script></html>"),
		"pdf":             []byte("%PDF-1.7\n1 0 obj\n"),
		"truncated png":   pngOf(t, 50, 50, color.Black)[:60],
		"svg with script": []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`),
	} {
		if _, err := processImage(data); !errors.Is(err, ErrNotImage) {
			t.Errorf("%s: %v, want ErrNotImage", name, err)
		}
	}

	// A PNG that claims 30,000 × 30,000 pixels is refused before decoding.
	bomb := pngOf(t, 1, 1, color.Black)
	ihdr := bomb[16:24]
	for i, v := range []byte{0, 0, 0x75, 0x30, 0, 0, 0x75, 0x30} {
		ihdr[i] = v
	}
	binary.BigEndian.PutUint32(bomb[29:33], crc32.ChecksumIEEE(bomb[12:29]))
	if _, err := processImage(bomb); !errors.Is(err, ErrImageTooLarge) {
		t.Errorf("decompression bomb: %v", err)
	}
}

func TestSetImage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := coreService(t, d)
		id, owner := corePublished(t, s, coreInput())

		if err := s.SetImage(ctx, coreUser(t, d, "volunteer"), id, bytes.NewReader(pngOf(t, 20, 20, color.White))); !errors.Is(err, ErrForbidden) {
			t.Errorf("a stranger set the image: %v", err)
		}
		if err := s.SetImage(ctx, owner, id, bytes.NewReader(make([]byte, MaxImageBytes+1))); !errors.Is(err, ErrImageTooLarge) {
			t.Errorf("an oversized file: %v", err)
		}
		if err := s.SetImage(ctx, owner, id, bytes.NewReader(pngOf(t, 20, 20, color.White))); err != nil {
			t.Fatal(err)
		}
		first, _ := s.store.Get(ctx, id)
		p := s.ImagePath(first.Image)
		if p == "" {
			t.Fatalf("stored name %q does not have the stored form", first.Image)
		}
		if st, err := os.Stat(p); err != nil || st.Mode().Perm() != 0o644 {
			t.Fatalf("stored file: %v %v", st, err)
		}
		if err := s.SetImage(ctx, owner, id, bytes.NewReader(pngOf(t, 30, 30, color.Black))); err != nil {
			t.Fatal(err)
		}
		second, _ := s.store.Get(ctx, id)
		if second.Image == first.Image {
			t.Fatal("the new image kept the old name")
		}
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("the replaced file is still there: %v", err)
		}
		if err := s.RemoveImage(ctx, owner, id); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.store.Get(ctx, id); got.Image != "" {
			t.Errorf("image after removal: %q", got.Image)
		}
		entries, _ := os.ReadDir(s.mediaDir())
		if len(entries) != 0 {
			t.Errorf("files left after removal: %v", entries)
		}
	})
}

func TestImagePathOpensOnlyStoredNames(t *testing.T) {
	s := &Service{Deps: Deps{DataDir: "/srv/cv"}}
	for _, name := range []string{"../../etc/passwd", "1-0123456789abcdef.jpg/../x", ".upload-1", "1-0123456789ABCDEF.jpg", "x.jpg", ""} {
		if p := s.ImagePath(name); p != "" {
			t.Errorf("ImagePath(%q) = %q", name, p)
		}
	}
	if p := s.ImagePath("12-0123456789abcdef.jpg"); p != filepath.Join("/srv/cv", "media", "initiatives", "12-0123456789abcdef.jpg") {
		t.Errorf("stored name maps to %q", p)
	}
}
