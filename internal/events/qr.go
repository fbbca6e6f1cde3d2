package events

import (
	"html/template"
	"strconv"
	"strings"

	qrcode "github.com/skip2/go-qrcode"
)

// QR codes of tickets: inline SVG for pages (drawn from the code's module
// bitmap, so it prints sharply, needs no image request and no inline style
// under the strict Content-Security-Policy) and PNG for mails.

// qrLevel is medium error correction (15%): enough for a phone screen with
// a crack or glare, while keeping the symbol small.
const qrLevel = qrcode.Medium

// qrSVG draws content as an SVG QR code with its quiet zone. label is the
// text alternative; the caller's template escapes nothing here, so label is
// escaped below.
func qrSVG(content, label string) (template.HTML, error) {
	q, err := qrcode.New(content, qrLevel)
	if err != nil {
		return "", err
	}
	bits := q.Bitmap() // includes the four-module quiet zone
	n := len(bits)
	var b strings.Builder
	size := strconv.Itoa(n)
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" class="qr" viewBox="0 0 ` + size + " " + size +
		`" width="256" height="256" role="img" aria-label="` + template.HTMLEscapeString(label) +
		`" shape-rendering="crispEdges"><rect width="` + size + `" height="` + size + `" fill="#fff"/>`)
	// One rectangle per horizontal run of dark modules keeps the markup small.
	for y, row := range bits {
		for x := 0; x < len(row); {
			if !row[x] {
				x++
				continue
			}
			start := x
			for x < len(row) && row[x] {
				x++
			}
			b.WriteString(`<rect x="` + strconv.Itoa(start) + `" y="` + strconv.Itoa(y) + `" width="` +
				strconv.Itoa(x-start) + `" height="1" fill="#000"/>`)
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()), nil
}

// qrPNG draws content as a black-on-white PNG of about size pixels.
func qrPNG(content string, size int) ([]byte, error) {
	q, err := qrcode.New(content, qrLevel)
	if err != nil {
		return nil, err
	}
	return q.PNG(size)
}
