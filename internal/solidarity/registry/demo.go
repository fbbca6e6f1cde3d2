package registry

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/sealed"
)

// The demo registry: fictitious people, registered by coordinators on the
// phone, with phone numbers in the range ARCEP keeps for fiction
// (01 99 00 xx xx), so no real line can ever be called from the demo.

// demoAgeing weighs each Paris arrondissement by a rough share of elderly
// residents (higher in the west and centre): a demo approximation, not
// data. Other districts weigh 1.
var demoAgeing = map[string]float64{
	"1": 1.1, "2": 0.8, "3": 0.9, "4": 1.2, "5": 1.3, "6": 1.5, "7": 1.6, "8": 1.4, "9": 1.0, "10": 0.8,
	"11": 0.8, "12": 1.1, "13": 1.1, "14": 1.2, "15": 1.3, "16": 1.6, "17": 1.2, "18": 0.9, "19": 0.8, "20": 0.9,
}

var (
	demoFirst = []string{"Jeanne", "Marcel", "Suzanne", "André", "Simone", "Roger", "Odette", "Lucien", "Germaine",
		"René", "Yvonne", "Marcelle", "Henri", "Paulette", "Raymond", "Fatima", "Ahmed", "Rosa", "Manuel", "Mei",
		"Colette", "Gilbert", "Huguette", "Maurice", "Ginette", "Lucienne", "Robert", "Denise", "Albert", "Thérèse"}
	demoLast = []string{"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
		"Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
		"Morel", "Girard", "Benali", "Ferreira", "Chen", "Lopez", "Mercier", "Blanc", "Guérin", "Faure"}
	demoStreets = []string{"rue de la Roquette", "boulevard Voltaire", "rue des Pyrénées", "avenue de Saint-Ouen",
		"rue de Vaugirard", "rue du Faubourg-Saint-Antoine", "avenue d'Italie", "rue de Belleville", "rue Lecourbe",
		"avenue Mozart", "rue de Rivoli", "boulevard de Magenta", "rue d'Alésia", "rue de Lévis", "rue Mouffetard"}
	demoMobility = []string{"", "", "Se déplace avec une canne.", "Fauteuil roulant ; 4e étage sans ascenseur.",
		"Ne sort plus seule.", ""}
	demoCare = []string{"", "Infirmière à domicile le matin.", "Diabète : boire régulièrement.", "",
		"Aide-ménagère le mardi.", "Traitement pour la tension."}
	demoTimes = []string{"", "Le matin, avant 11 h.", "L'après-midi.", "Entre 10 h et 12 h ou après 16 h.", ""}
)

// demoLanguages: mostly French, some Arabic, Spanish, Portuguese, Chinese.
func demoLanguages(r *rand.Rand) []string {
	switch x := r.IntN(100); {
	case x < 8:
		return []string{"fr", "ar"}
	case x < 11:
		return []string{"ar"}
	case x < 15:
		return []string{"fr", "es"}
	case x < 19:
		return []string{"fr", "pt"}
	case x < 21:
		return []string{"pt"}
	case x < 24:
		return []string{"zh"}
	}
	return []string{"fr"}
}

// SeedDemo registers n fictitious people across the districts in tx,
// weighted towards older districts, each at a point near their district's
// centroid. About one in twelve expires within the renewal window, so the
// coordinators' "expiring" filter has something to show. The same n gives
// the same people.
func SeedDemo(ctx context.Context, tx *db.Tx, keys *sealed.Keyring, now time.Time, n int) error {
	if n <= 0 {
		return nil
	}
	if n > 10000 {
		return fmt.Errorf("registry demo: at most 10000 people (the fiction range has 10000 numbers), not %d", n)
	}
	type district struct {
		code     string
		lat, lon float64
		weight   float64
	}
	rows, err := tx.Query(ctx, "SELECT code, lat, lon, population FROM districts ORDER BY position, code")
	if err != nil {
		return err
	}
	var ds []district
	total := 0.0
	for rows.Next() {
		var d district
		var pop int
		if err := rows.Scan(&d.code, &d.lat, &d.lon, &pop); err != nil {
			rows.Close()
			return err
		}
		age, ok := demoAgeing[d.code]
		if !ok {
			age = 1
		}
		d.weight = float64(max(pop, 1000)) * age
		total += d.weight
		ds = append(ds, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(ds) == 0 {
		return fmt.Errorf("registry demo: no districts")
	}
	now = now.UTC().Truncate(time.Microsecond)
	r := rand.New(rand.NewPCG(7, uint64(n)))
	pick := func() district {
		x := r.Float64() * total
		for _, d := range ds {
			if x -= d.weight; x < 0 {
				return d
			}
		}
		return ds[len(ds)-1]
	}
	sealer := &Service{Deps: Deps{Keys: keys}}
	for i := range n {
		d := pick()
		c := Card{
			Name:       demoFirst[r.IntN(len(demoFirst))] + " " + demoLast[r.IntN(len(demoLast))],
			Phone:      fmt.Sprintf("+3319900%04d", i),
			Address:    fmt.Sprintf("%d %s, Paris", 1+r.IntN(120), demoStreets[r.IntN(len(demoStreets))]),
			LivesAlone: r.IntN(100) < 70,
			Mobility:   demoMobility[r.IntN(len(demoMobility))],
			CareNeeds:  demoCare[r.IntN(len(demoCare))],
			CallTimes:  demoTimes[r.IntN(len(demoTimes))],
		}
		if r.IntN(100) < 60 {
			c.EmergencyName = demoFirst[r.IntN(len(demoFirst))] + " " + demoLast[r.IntN(len(demoLast))] + " (famille)"
			c.EmergencyPhone = fmt.Sprintf("+3319900%04d", 9999-i)
		}
		// Within about 600 m of the centroid: a small, fixed offset.
		angle, dist := r.Float64()*2*math.Pi, 0.0015+r.Float64()*0.004
		p := point{Lat: d.lat + dist*math.Sin(angle), Lon: d.lon + dist*math.Cos(angle)/math.Cos(d.lat*math.Pi/180), Exact: true}
		registered := now.Add(-time.Duration(1+r.IntN(300)) * 24 * time.Hour)
		end := SeasonEnd(registered)
		if !end.After(now) {
			end = SeasonEnd(now)
		}
		if i%12 == 5 {
			end = now.Add(time.Duration(3+r.IntN(25)) * 24 * time.Hour)
		}
		id, err := insertRow(ctx, tx, newRow{district: d.code, languages: strings.Join(demoLanguages(r), ","),
			phoneBlind: keys.Blind("registry.phone", []byte(c.Phone)), identityBlind: keys.Blind("registry.identity", identityKey(c)),
			registeredAs: RelationStaff, consentAt: registered, seasonEnd: end, now: registered})
		if err != nil {
			return err
		}
		card, pt, err := sealer.sealEntry(id, c, p)
		if err != nil {
			return err
		}
		if err := setSealed(ctx, tx, id, card, pt); err != nil {
			return err
		}
	}
	return nil
}
