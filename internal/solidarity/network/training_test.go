package network

import (
	"errors"
	"net/url"
	"slices"
	"testing"

	"climatevolunteers/internal/web/i18n"
)

func grade(t *testing.T, v url.Values) Result {
	t.Helper()
	a, missing, err := Heatwave.Read(v)
	if err != nil || len(missing) > 0 {
		t.Fatalf("read: %v, missing %v", err, missing)
	}
	return Heatwave.Grade(a)
}

func TestGrade(t *testing.T) {
	if n := len(Heatwave.Questions); n != 6 || Heatwave.PassMark != 5 {
		t.Fatalf("%d questions, pass mark %d", n, Heatwave.PassMark)
	}
	for _, c := range []struct {
		name   string
		wrong  []string
		score  int
		passed bool
	}{
		{"all right", nil, 6, true},
		{"one wrong", []string{"medical"}, 5, true},
		{"two wrong", []string{"levels", "stroke"}, 4, false},
		{"all wrong", []string{"levels", "risk", "stroke", "cool", "medical", "privacy"}, 0, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := grade(t, answers(c.wrong...))
			if r.Score != c.score || r.Passed != c.passed || r.Total != 6 || r.Version != Heatwave.Version {
				t.Fatalf("%+v", r)
			}
			var wrong []string
			for id := range r.Wrong {
				wrong = append(wrong, id)
			}
			slices.Sort(wrong)
			want := slices.Sorted(slices.Values(c.wrong))
			if !slices.Equal(wrong, want) {
				t.Fatalf("wrong %v, want %v", wrong, want)
			}
		})
	}
}

func TestReadRefusesTampering(t *testing.T) {
	for name, change := range map[string]func(url.Values){
		"unknown question": func(v url.Values) { v.Set("bonus", "a") },
		"unknown option":   func(v url.Values) { v.Set("risk", "d") },
		"empty option":     func(v url.Values) { v.Set("risk", "") },
		"two answers":      func(v url.Values) { v.Add("risk", "a") },
	} {
		v := answers()
		change(v)
		if _, _, err := Heatwave.Read(v); !errors.Is(err, ErrTampered) {
			t.Errorf("%s: %v, want ErrTampered", name, err)
		}
	}
	v := answers()
	v.Del("cool")
	v.Del("levels")
	_, missing, err := Heatwave.Read(v)
	if err != nil || !slices.Equal(missing, []string{"levels", "cool"}) {
		t.Fatalf("missing %v, %v", missing, err)
	}
}

// The quiz's texts are catalog keys built at run time, which the
// templates test cannot see: check them here, in both languages.
func TestQuizKeysExist(t *testing.T) {
	cat, err := i18n.New(Locales)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range Heatwave.Questions {
		if !slices.Contains(q.Options, q.Answer) {
			t.Errorf("%s: answer %q is not an option", q.ID, q.Answer)
		}
		keys := []string{"network.quiz." + q.ID + ".question", "network.quiz." + q.ID + ".why"}
		for _, o := range q.Options {
			keys = append(keys, "network.quiz."+q.ID+"."+o)
		}
		for _, k := range keys {
			for _, lang := range i18n.Languages {
				if !slices.Contains(cat.Keys(lang), k) {
					t.Errorf("%s lacks %s", lang, k)
				}
			}
		}
	}
	for _, s := range States {
		if !cat.Has("network.state." + s) {
			t.Errorf("no network.state.%s", s)
		}
	}
}
