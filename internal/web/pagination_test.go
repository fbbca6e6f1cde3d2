package web

import (
	"net/url"
	"testing"
)

func TestPaginate(t *testing.T) {
	p := Paginate("/events", url.Values{"theme": {"food"}, "page": {"9"}}, 8*20, 20, 20*20)
	if p.Page != 9 || p.Pages != 20 || p.PrevURL != "/events?page=8&theme=food" || p.NextURL != "/events?page=10&theme=food" ||
		p.FirstURL != "/events?theme=food" {
		t.Fatalf("pagination %+v", p)
	}
	var got []int
	gaps := 0
	for _, l := range p.PageLinks {
		if l.Gap {
			gaps++
			continue
		}
		got = append(got, l.N)
		if l.Current != (l.N == 9) {
			t.Errorf("page %d current = %v", l.N, l.Current)
		}
	}
	want := []int{1, 7, 8, 9, 10, 11, 20}
	if len(got) != len(want) || gaps != 2 {
		t.Fatalf("links %v (%d gaps), want %v and 2 gaps", got, gaps, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("links %v, want %v", got, want)
		}
	}
	if one := Paginate("/x", nil, 0, 20, 3); one.Pages != 1 || one.PageLinks != nil || one.PrevURL != "" || one.NextURL != "" || one.FirstURL != "/x" {
		t.Errorf("a single page: %+v", one)
	}
}
