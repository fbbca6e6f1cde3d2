package initiatives

import (
	"climatevolunteers/internal/web"
	"testing"
	"time"
)

func TestCSVCellDefusesFormulas(t *testing.T) {
	for in, want := range map[string]string{
		"=1+1": "'=1+1", "+33 1 23": "'+33 1 23", "-2": "'-2", "@SUM(A1)": "'@SUM(A1)", "\t=x": "'\t=x", "\r=x": "'\r=x",
		"Jardin": "Jardin", "": "", "a=b": "a=b", "'déjà": "'déjà",
	} {
		if got := web.CSVCell(in); got != want {
			t.Errorf("web.CSVCell(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCursorRoundTrip(t *testing.T) {
	c := Cursor{PublishedAt: time.Date(2026, 3, 1, 9, 30, 0, 123456000, time.UTC), ID: 42}
	got, err := decodeCursor(encodeCursor(c))
	if err != nil || !got.PublishedAt.Equal(c.PublishedAt) || got.ID != 42 {
		t.Errorf("round trip: %+v %v", got, err)
	}
	for _, bad := range []string{"", "!!", "bm9wZQ", "MjAyNi0wMy0wMVQwOTozMDowMFosLTE"} { // "nope", "2026-03-01T09:30:00Z,-1"
		if _, err := decodeCursor(bad); err == nil {
			t.Errorf("decodeCursor(%q) accepted", bad)
		}
	}
}
