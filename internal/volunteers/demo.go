package volunteers

import (
	"context"
	"fmt"
	"math/rand/v2"

	"climatevolunteers/internal/db"
)

// DemoDistrict weighs a district by its population.
type DemoDistrict struct {
	Code       string
	Population int
}

// NewDemoUser creates the account behind a demo volunteer.
type NewDemoUser func(ctx context.Context, tx *db.Tx, email, lang string) (int64, error)

var demoFirstNames = []string{"Camille", "Dominique", "Alix", "Sacha", "Noa", "Eden", "Lou", "Charlie", "Maxime", "Andrea",
	"Yanis", "Inès", "Moussa", "Mei", "Tomás", "Anaïs", "Karim", "Léa", "Ousmane", "Zoé"}

// SeedDemo creates n clearly fictitious volunteers ("Camille (démo) 0042",
// addresses under demo.invalid, no password), spread over the districts by
// population, with deterministic random profiles and consents.
func SeedDemo(ctx context.Context, tx *db.Tx, n int, districts []DemoDistrict, newUser NewDemoUser) error {
	total := 0
	for _, d := range districts {
		total += d.Population
	}
	if total == 0 || n == 0 {
		return nil
	}
	rng := rand.New(rand.NewPCG(2018, 2050)) // same demo on every machine
	skills := []string{"first_aid", "phone_calls", "gardening", "repair", "cycling", "teaching", "translation", "cooking", "diy",
		"communication", "driving", "data"}
	now := db.Now()
	for i := range n {
		pick := rng.IntN(total)
		district := districts[len(districts)-1].Code
		for _, d := range districts {
			if pick < d.Population {
				district = d.Code
				break
			}
			pick -= d.Population
		}
		lang := "fr"
		if rng.IntN(10) == 0 {
			lang = "en"
		}
		id, err := newUser(ctx, tx, fmt.Sprintf("volontaire-%05d@demo.invalid", i+1), lang)
		if err != nil {
			return err
		}
		p := Profile{UserID: id, DistrictCode: district, Visibility: VisibilityCommunity,
			DisplayName: fmt.Sprintf("%s (démo) %05d", demoFirstNames[rng.IntN(len(demoFirstNames))], i+1)}
		if rng.IntN(4) == 0 {
			p.Visibility = VisibilityPrivate
		}
		for _, s := range skills {
			if rng.IntN(5) == 0 {
				p.Skills = append(p.Skills, s)
			}
		}
		for _, th := range Themes {
			if rng.IntN(3) == 0 {
				p.Interests = append(p.Interests, th)
			}
		}
		p.Languages = []string{"fr"}
		for _, l := range Languages[1:] {
			if rng.IntN(12) == 0 {
				p.Languages = append(p.Languages, l)
			}
		}
		for range 1 + rng.IntN(5) {
			p.Availability = p.Availability.With(rng.IntN(len(Days)), rng.IntN(len(Slots)))
		}
		if err := saveProfile(ctx, tx, p, true); err != nil {
			return err
		}
		for _, purpose := range Purposes {
			if rng.IntN(2) == 0 {
				if _, err := setConsent(ctx, tx, id, purpose.Code, true, now); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
