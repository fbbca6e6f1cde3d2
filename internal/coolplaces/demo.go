package coolplaces

import (
	"context"
	"fmt"

	"climatevolunteers/internal/db"
)

// demoPlace is written compactly: weekday and weekend hours in the open
// data's own words, so the seed goes through the same parser as imports.
type demoPlace struct {
	name, kind, address, arr string
	lat, lon                 float64
	weekday, weekend         string
	open24h, heatwave, night bool
	paying                   bool
	closedDay                int // 1 = Monday … 7 = Sunday, 0 = none
}

// demoPlaces are real Paris places: names, addresses and positions are
// real (positions approximate, to about 100 m); hours and night openings
// are indicative of a summer season, not the City's current timetable.
// Cooled municipal rooms are left out: their list is not public.
var demoPlaces = []demoPlace{
	{"Jardin du Luxembourg", "garden", "Rue de Médicis", "75006", 48.8462, 2.3372, "07:30 - 21:30", "08:00 - 21:30", false, false, false, false, 0},
	{"Jardin des Tuileries", "garden", "Place de la Concorde", "75001", 48.8634, 2.3275, "07:00 - 23:00", "07:00 - 23:00", false, false, false, false, 0},
	{"Jardin du Palais-Royal", "garden", "8 rue de Montpensier", "75001", 48.8650, 2.3376, "08:00 - 22:30", "08:00 - 22:30", false, false, false, false, 0},
	{"Square du Temple – Elie-Wiesel", "garden", "64 rue de Bretagne", "75003", 48.8645, 2.3605, "08:00 - 21:30", "09:00 - 21:30", false, false, false, false, 0},
	{"Place des Vosges – square Louis-XIII", "garden", "Place des Vosges", "75004", 48.8556, 2.3655, "08:00 - 21:30", "09:00 - 21:30", false, false, false, false, 0},
	{"Jardin des Plantes", "garden", "57 rue Cuvier", "75005", 48.8440, 2.3590, "07:30 - 20:00", "07:30 - 20:00", false, false, false, false, 0},
	{"Champ-de-Mars", "garden", "2 allée Adrienne-Lecouvreur", "75007", 48.8556, 2.2986, "", "", true, false, false, false, 0},
	{"Parc Monceau", "park", "35 boulevard de Courcelles", "75008", 48.8797, 2.3090, "07:00 - 22:00", "07:00 - 22:00", false, true, false, false, 0},
	{"Jardin Villemin", "garden", "14 rue des Récollets", "75010", 48.8752, 2.3594, "08:00 - 21:30", "09:00 - 21:30", false, false, false, false, 0},
	{"Coulée verte René-Dumont", "garden", "1 coulée verte René-Dumont", "75012", 48.8490, 2.3790, "08:00 - 21:30", "09:00 - 21:30", false, false, false, false, 0},
	{"Parc de Bercy", "park", "128 quai de Bercy", "75012", 48.8354, 2.3840, "08:00 - 21:30", "09:00 - 21:30", false, true, true, false, 0},
	{"Jardin de Reuilly – Paul-Pernin", "garden", "Avenue Daumesnil", "75012", 48.8410, 2.3920, "08:00 - 21:30", "09:00 - 21:30", false, false, false, false, 0},
	{"Bois de Vincennes", "park", "Route de la Pyramide", "75012", 48.8283, 2.4330, "", "", true, false, false, false, 0},
	{"Parc Kellermann", "park", "Rue de la Poterne-des-Peupliers", "75013", 48.8186, 2.3530, "08:00 - 21:30", "09:00 - 21:30", false, false, true, false, 0},
	{"Parc Montsouris", "park", "2 rue Gazan", "75014", 48.8222, 2.3381, "08:00 - 21:30", "09:00 - 21:30", false, true, true, false, 0},
	{"Parc André-Citroën", "park", "2 rue Cauchy", "75015", 48.8420, 2.2760, "08:00 - 21:30", "09:00 - 21:30", false, true, false, false, 0},
	{"Parc Georges-Brassens", "park", "2 place Jacques-Marette", "75015", 48.8330, 2.3010, "08:00 - 21:30", "09:00 - 21:30", false, false, true, false, 0},
	{"Bois de Boulogne", "park", "Route de Suresnes", "75016", 48.8620, 2.2490, "", "", true, false, false, false, 0},
	{"Parc Clichy-Batignolles – Martin-Luther-King", "park", "147 rue Cardinet", "75017", 48.8880, 2.3160, "08:00 - 21:30", "09:00 - 21:30", false, true, false, false, 0},
	{"Square des Batignolles", "garden", "144 bis boulevard des Batignolles", "75017", 48.8873, 2.3195, "08:00 - 21:30", "09:00 - 21:30", false, false, false, false, 0},
	{"Square Louise-Michel", "garden", "Place Saint-Pierre", "75018", 48.8852, 2.3431, "08:00 - 21:30", "09:00 - 21:30", false, false, false, false, 0},
	{"Parc des Buttes-Chaumont", "park", "1 rue Botzaris", "75019", 48.8809, 2.3828, "07:00 - 22:00", "07:00 - 22:00", false, true, true, false, 0},
	{"Parc de la Villette", "park", "211 avenue Jean-Jaurès", "75019", 48.8938, 2.3908, "", "", true, false, false, false, 0},
	{"Parc de Belleville", "park", "47 rue des Couronnes", "75020", 48.8718, 2.3848, "08:00 - 21:30", "09:00 - 21:30", false, true, false, false, 0},
	{"Piscine Suzanne-Berlioux", "pool", "10 place de la Rotonde, Forum des Halles", "75001", 48.8620, 2.3440, "11:30 - 22:00", "09:00 - 19:00", false, false, false, true, 0},
	{"Piscine Pontoise", "pool", "19 rue de Pontoise", "75005", 48.8497, 2.3530, "07:00 - 08:30, 12:15 - 13:30, 16:30 - 23:45", "10:00 - 19:00", false, false, false, true, 0},
	{"Piscine Joséphine-Baker", "pool", "Quai François-Mauriac", "75013", 48.8357, 2.3770, "07:00 - 23:00", "10:00 - 20:00", false, false, false, true, 0},
	{"Piscine de la Butte-aux-Cailles", "pool", "5 place Paul-Verlaine", "75013", 48.8270, 2.3520, "07:00 - 21:00", "08:00 - 18:00", false, false, false, true, 1},
	{"Piscine Keller", "pool", "14 rue de l'Ingénieur-Robert-Keller", "75015", 48.8480, 2.2830, "07:00 - 22:00", "09:00 - 19:00", false, false, false, true, 1},
	{"Piscine Georges-Vallerey", "pool", "148 avenue Gambetta", "75020", 48.8770, 2.4060, "07:00 - 21:00", "09:00 - 18:00", false, false, false, true, 0},
	{"Fontaine pétillante du jardin de Reuilly", "fountain", "Jardin de Reuilly, avenue Daumesnil", "75012", 48.8412, 2.3925, "08:00 - 21:30", "09:00 - 21:30", false, false, false, false, 0},
	{"Fontaines du jardin du Trocadéro", "fountain", "Place de Varsovie", "75016", 48.8616, 2.2893, "", "", true, false, false, false, 0},
}

// SeedDemo writes the demo places, by source_id "demo-N", so seeding twice
// updates rather than duplicates. Districts are set when the arrondissement
// codes "1".."20" exist.
func SeedDemo(ctx context.Context, tx *db.Tx) error {
	for i, d := range demoPlaces {
		p := Place{
			SourceID: fmt.Sprintf("demo-%d", i+1), Name: d.name, Kind: Kind(d.kind), Address: d.address,
			Point: Point{d.lat, d.lon}, Open24h: d.open24h, HeatwaveOpen: d.heatwave, SummerNightOpen: d.night,
			Paying: d.paying, Source: "demo",
		}
		if d.open24h {
			p.Hours = AllDay()
		} else {
			for day := range p.Hours {
				text := d.weekday
				if day >= 5 {
					text = d.weekend
				}
				if day+1 == d.closedDay {
					text = "Fermé"
				}
				p.Hours[day] = ParseDay(text)
			}
		}
		if _, _, err := upsert(ctx, tx, p, districtCandidate(d.arr)); err != nil {
			return err
		}
	}
	return nil
}
