package initiatives

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"image"
	"image/color"
	_ "image/gif" // decoders for uploads
	"image/jpeg"
	_ "image/png"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"

	"golang.org/x/image/draw"
	_ "golang.org/x/image/webp"

	"climatevolunteers/internal/db"
)

// Limits of uploaded images. Every image is decoded and re-encoded: what is
// stored is a JPEG this code wrote, never the uploaded bytes (no metadata,
// no polyglot files).
const (
	MaxImageBytes  = 5 << 20 // the largest file accepted
	maxImagePixels = 16e6    // about 64 MB decoded: refuses decompression bombs before decoding
	imageWidth     = 1200    // wider images are scaled down
	imageQuality   = 82      // JPEG quality of stored images
)

// Image refusals, for the form to explain.
var (
	ErrNotImage      = errors.New("initiatives: the file is not a JPEG, PNG, GIF or WebP image")
	ErrImageTooLarge = errors.New("initiatives: the image is too large")
)

var decodeSlots = make(chan struct{}, 2)

// imageName is the form of stored file names: the served path only ever
// names such a file.
var imageName = regexp.MustCompile(`^[0-9]+-[0-9a-f]{16}\.jpg$`)

func (s *Service) mediaDir() string { return filepath.Join(s.DataDir, "media", "initiatives") }

// SetImage checks, resizes and stores an initiative's image, replacing the
// previous one. src is read up to MaxImageBytes.
func (s *Service) SetImage(ctx context.Context, a Actor, id int64, src io.Reader) error {
	// Rights first: nothing is decoded for someone who may not edit.
	if err := s.checkEdit(ctx, a, id); err != nil {
		return err
	}
	data, err := io.ReadAll(io.LimitReader(src, MaxImageBytes+1))
	if err != nil {
		return err
	}
	if len(data) > MaxImageBytes {
		return ErrImageTooLarge
	}
	out, err := processImage(data)
	if err != nil {
		return err
	}
	name, err := s.writeImage(id, out)
	if err != nil {
		return err
	}
	return s.replaceImage(ctx, a, id, name)
}

// RemoveImage takes an initiative's image away.
func (s *Service) RemoveImage(ctx context.Context, a Actor, id int64) error {
	return s.replaceImage(ctx, a, id, "")
}

func (s *Service) checkEdit(ctx context.Context, a Actor, id int64) error {
	in, err := s.store.Get(ctx, id)
	if err != nil {
		return err
	}
	role, err := s.store.MemberRole(ctx, id, a.UserID)
	if err != nil {
		return err
	}
	if !canEdit(a, role, in) {
		return ErrForbidden
	}
	return nil
}

// replaceImage records name as the image and deletes the file it replaces
// once committed; on failure the new file goes.
func (s *Service) replaceImage(ctx context.Context, a Actor, id int64, name string) error {
	var old string
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		in, role, err := viewTx(ctx, tx, a, id, false)
		if err != nil {
			return err
		}
		if !canEdit(a, role, in) {
			return ErrForbidden
		}
		old = in.Image
		return setImage(ctx, tx, id, name, db.Now())
	})
	if err != nil {
		if name != "" {
			os.Remove(filepath.Join(s.mediaDir(), name))
		}
		return err
	}
	if old != "" && old != name && imageName.MatchString(old) {
		os.Remove(filepath.Join(s.mediaDir(), old))
	}
	return nil
}

// processImage decodes an upload and re-encodes it as a JPEG at most
// imageWidth wide, transparent parts on white.
func processImage(data []byte) ([]byte, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, ErrNotImage
	}
	if format != "jpeg" && format != "png" && format != "gif" && format != "webp" {
		return nil, ErrNotImage
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || float64(cfg.Width)*float64(cfg.Height) > maxImagePixels {
		return nil, ErrImageTooLarge
	}
	// Decoding takes up to 64 MB: two at a time bound the memory that
	// simultaneous uploads can take.
	decodeSlots <- struct{}{}
	defer func() { <-decodeSlots }()
	src, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, ErrNotImage
	}
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	if w > imageWidth {
		h = max(1, h*imageWidth/w)
		w = imageWidth
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.CatmullRom.Scale(dst, dst.Bounds(), src, b, draw.Over, nil)
	var out bytes.Buffer
	if err := jpeg.Encode(&out, dst, &jpeg.Options{Quality: imageQuality}); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// writeImage stores data under a new random name, atomically.
func (s *Service) writeImage(id int64, data []byte) (string, error) {
	dir := s.mediaDir()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	rnd := make([]byte, 8)
	rand.Read(rnd)
	name := strconv.FormatInt(id, 10) + "-" + hex.EncodeToString(rnd) + ".jpg"
	tmp, err := os.CreateTemp(dir, ".upload-*")
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return "", err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return "", err
	}
	if err := tmp.Close(); err != nil {
		return "", err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return "", err
	}
	return name, os.Rename(tmp.Name(), filepath.Join(dir, name))
}

// ImagePath is the file of a stored image, or "" when name is not one.
func (s *Service) ImagePath(name string) string {
	if !imageName.MatchString(name) {
		return ""
	}
	return filepath.Join(s.mediaDir(), name)
}
