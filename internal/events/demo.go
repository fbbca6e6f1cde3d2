package events

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"climatevolunteers/internal/db"
)

// DemoEvents is the number of ordinary demo events, besides the Climate
// Volunteers' day.
const DemoEvents = 60

// demoFooter marks every demo event as fictitious on its page.
const demoFooter = "\n\n---\n\n*Événement fictif, créé pour la démonstration de la plateforme.*"

// demoEventKind is a kind of event the demo writes variations of; {q} is
// the district's name.
type demoEventKind struct {
	theme         string
	title         string
	summary       string
	body          string
	hour, minutes int // start, Paris time
	length        time.Duration
	capacity      int
	online        bool
	weekend       bool
	accessibility string
}

var demoEventKinds = []demoEventKind{
	{theme: "waste", title: "Repair café — {q}", hour: 14, length: 3 * time.Hour, capacity: 30, weekend: true,
		summary:       "Venez réparer grille-pain, lampes, vêtements ou jouets avec des bénévoles bricoleurs, plutôt que de les jeter.",
		body:          "## Au programme\n\n- petit électroménager et luminaires\n- couture et retouches\n- diagnostic d'ordinateurs et de téléphones\n\nApportez votre objet en panne (et ses accessoires). Vous réparez *avec* un bénévole : c'est l'occasion d'apprendre.",
		accessibility: "Salle de plain-pied, accessible en fauteuil roulant. Toilettes adaptées."},
	{theme: "waste", title: "Formation au compostage — {q}", hour: 10, length: 2 * time.Hour, capacity: 20, weekend: true,
		summary:       "Deux heures pour apprendre à composter en bac collectif ou en appartement, avec un maître-composteur.",
		body:          "## Ce que vous apprendrez\n\n1. Ce qui va (et ne va pas) au compost\n2. L'équilibre entre matières vertes et brunes\n3. Le lombricompostage en appartement\n\nUn bio-seau est offert à chaque participant.",
		accessibility: "En extérieur, allées stabilisées. Des chaises sont prévues."},
	{theme: "mobility", title: "Atelier d'autoréparation de vélos — {q}", hour: 18, length: 2 * time.Hour, capacity: 15,
		summary:       "Réglez vos freins, changez une chambre à air, entretenez votre transmission : outils et conseils fournis.",
		body:          "## Pédaler mieux, plus longtemps\n\nDes bénévoles mécaniciens vous guident ; vous réparez vous-même.\n\nUn trajet de 5 km à vélo plutôt qu'en voiture évite environ 1 kg de CO2e (voiture à essence : environ 0,21 kgCO2e par km ; source : ADEME, Base Empreinte).",
		accessibility: "Atelier en rez-de-chaussée, marche de 5 cm à l'entrée."},
	{theme: "awareness", title: "Fresque du Climat — {q}", hour: 18, minutes: 30, length: 3 * time.Hour, capacity: 14,
		summary:       "Un atelier collaboratif de trois heures pour comprendre les causes et les conséquences du dérèglement climatique.",
		body:          "## Comprendre pour agir\n\nÀ partir de cartes tirées des rapports du GIEC, les participants reconstituent ensemble les liens de cause à effet du changement climatique, puis échangent sur les leviers d'action.\n\nAucune connaissance préalable n'est nécessaire.",
		accessibility: "Salle accessible par ascenseur. Supports en gros caractères sur demande."},
	{theme: "greening", title: "Balade des îlots de fraîcheur — {q}", hour: 10, length: 2 * time.Hour, capacity: 25, weekend: true,
		summary:       "Une balade commentée à la découverte des jardins, fontaines et cours végétalisées qui rafraîchissent le quartier.",
		body:          "## La balade\n\nEnviron 3 km à pied, avec des haltes dans les espaces verts frais, près des fontaines à boire et dans une cour d'école végétalisée.\n\nPrévoyez de l'eau et de bonnes chaussures.",
		accessibility: "Parcours de 3 km sans escaliers ; bancs aux haltes. Difficile en fauteuil manuel sur les pavés."},
	{theme: "energy", title: "Économiser l'énergie chez soi — {q}", hour: 19, length: 90 * time.Minute, capacity: 40,
		summary:       "Chauffage, eau chaude, veilles : les gestes et petits équipements qui réduisent la facture sans perdre en confort.",
		body:          "## Au programme\n\n- lire sa facture et ses compteurs\n- régler son chauffage à 19 °C\n- chasser les veilles avec un wattmètre (prêt possible)\n\nDans les défis Familles à énergie positive, les foyers ont réduit leur consommation de 12 à 15 % en moyenne (source : bilans du défi Familles à énergie positive / Déclics).",
		accessibility: "Salle accessible en fauteuil roulant, boucle magnétique."},
	{theme: "food", title: "Cuisine anti-gaspi de saison — {q}", hour: 18, length: 2 * time.Hour, capacity: 12,
		summary:       "Cuisiner ensemble des invendus du marché en un repas végétarien, et repartir avec les recettes.",
		body:          "## Manger mieux, jeter moins\n\nUn repas végétarien émet environ 0,85 kgCO2e, contre environ 5 kgCO2e pour un repas avec du bœuf (source : ADEME, Base Empreinte, valeurs utilisées par Nos Gestes Climat).\n\nTablier conseillé ; tout le reste est fourni.",
		accessibility: "Cuisine partagée accessible, plan de travail à hauteur réglable."},
	{theme: "greening", title: "Chantier de plantation — {q}", hour: 9, minutes: 30, length: 3 * time.Hour, capacity: 30, weekend: true,
		summary:       "Planter une haie et des vivaces au pied des arbres de la rue, avec les jardiniers de quartier.",
		body:          "## Une rue plus fraîche\n\nGants, outils et plants sont fournis. Venez en tenue qui ne craint rien.\n\nLes enfants sont les bienvenus, accompagnés.",
		accessibility: "Chantier en extérieur sur trottoir ; des tâches assises sont prévues."},
	{theme: "solidarity", title: "Formation « Voisins solidaires en cas de canicule » — {q}", hour: 18, minutes: 30, length: 2 * time.Hour, capacity: 25,
		summary:       "Repérer les voisins isolés, savoir quoi faire pendant une vague de chaleur, et connaître les lieux frais proches.",
		body:          "## Personne seul pendant la canicule\n\nLes personnes âgées de 75 ans et plus, handicapées ou isolées peuvent s'inscrire au registre de la Ville en appelant le 3975 (source : Ville de Paris, registre CHALEX).\n\nLa formation présente les bons gestes, les signes d'alerte et les relais du quartier.",
		accessibility: "Salle de plain-pied, accessible en fauteuil roulant."},
	{theme: "water", title: "Atelier économies d'eau — {q}", hour: 18, length: 90 * time.Minute, capacity: 20,
		summary:       "Détecter les fuites, poser des économiseurs et mesurer les litres épargnés : kit offert aux participants.",
		body:          "## L'eau, une ressource à ménager\n\nUne chasse d'eau qui fuit peut perdre des dizaines de litres par jour. Nous montrons comment la repérer et la réparer, et comment poser un mousseur.",
		accessibility: "Salle accessible en fauteuil roulant."},
	{theme: "awareness", title: "Atelier « 2 tonnes » en ligne", hour: 19, length: 2 * time.Hour, capacity: 50, online: true,
		summary:       "Un atelier en visioconférence pour imaginer ensemble comment passer de 9 à 2 tonnes de CO2e par personne et par an.",
		body:          "## En ligne, de chez vous\n\nL'empreinte carbone moyenne d'une personne en France est d'environ 9 tCO2e par an ; l'objectif pour 2050 est d'environ 2 t (source : SDES ; ADEME, Nos Gestes Climat).\n\nLe lien de connexion figure sur cette page.",
		accessibility: "Visioconférence avec sous-titrage automatique ; participation possible par téléphone."},
	{theme: "energy", title: "Webinaire : rénover sa copropriété", hour: 18, minutes: 30, length: 90 * time.Minute, capacity: 0, online: true,
		summary:       "Les étapes, les aides et les pièges d'une rénovation énergétique en copropriété, expliqués par des conseillers.",
		body:          "## Pour qui ?\n\nCopropriétaires, membres de conseils syndicaux et locataires curieux.\n\nQuestions bienvenues dans la discussion.",
		accessibility: "Visioconférence sous-titrée ; présentation envoyée à l'avance sur demande."},
}

// demoStreets are a few streets per district for fictitious addresses.
var demoStreets = map[string][]string{
	"1": {"rue de l'Arbre-Sec", "rue Saint-Honoré"}, "2": {"rue Réaumur", "rue du Sentier"},
	"3": {"rue de Bretagne", "rue Charlot"}, "4": {"rue Saint-Antoine", "rue de la Verrerie"},
	"5": {"rue Monge", "rue Lacépède"}, "6": {"rue de Vaugirard", "rue du Cherche-Midi"},
	"7": {"rue Cler", "rue de Grenelle"}, "8": {"rue de Miromesnil", "rue de Rome"},
	"9": {"rue des Martyrs", "rue Cadet"}, "10": {"rue du Faubourg-Saint-Denis", "rue de Lancry"},
	"11": {"rue Oberkampf", "rue de la Roquette"}, "12": {"rue de Charenton", "avenue Daumesnil"},
	"13": {"rue de Tolbiac", "avenue d'Italie"}, "14": {"rue Daguerre", "rue d'Alésia"},
	"15": {"rue du Commerce", "rue de la Convention"}, "16": {"rue de Passy", "avenue Mozart"},
	"17": {"rue des Batignolles", "rue Legendre"}, "18": {"rue Ordener", "rue Custine"},
	"19": {"rue de Crimée", "avenue Jean-Jaurès"}, "20": {"rue des Pyrénées", "rue de Bagnolet"},
}

var demoPartnerNames = []string{"Agence locale de l'énergie (démo)", "Association Répare et partage (démo)",
	"Maison du vélo (démo)", "Collectif Fresque du quartier (démo)", "Régie de quartier (démo)"}

// SeedDemo adds the demo events to a database that holds the demo
// initiatives and volunteers, in one transaction.
func SeedDemo(ctx context.Context, d *db.DB) error {
	return d.Tx(ctx, func(tx *db.Tx) error { return SeedDemoTx(ctx, tx, time.Now()) })
}

type demoDistrict struct {
	code, name string
	lat, lon   float64
}

type demoInitiative struct {
	id       int64
	theme    string
	district string
	owner    int64
}

// SeedDemoTx creates about DemoEvents clearly fictitious events across the
// city over the eight weeks after now, owned by published demo initiatives
// (chosen by theme), partners and the City, plus the Climate Volunteers'
// day with eight workshops; demo volunteers register for some of them, and
// the counters match the rows. Everything but the ticket codes (random:
// they are credentials) is the same on every machine.
func SeedDemoTx(ctx context.Context, tx *db.Tx, now time.Time) error {
	ds, err := demoDistricts(ctx, tx)
	if err != nil || len(ds) == 0 {
		return err
	}
	ins, err := demoInitiatives(ctx, tx)
	if err != nil {
		return err
	}
	people, err := demoPeople(ctx, tx)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(2019, 922)) // the first Volunteers' day, 22 Sept 2019
	stamp := now.UTC().Truncate(time.Microsecond)
	today := now.In(Paris)
	day0 := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, Paris)
	byTheme := map[string][]demoInitiative{}
	for _, in := range ins {
		byTheme[in.theme] = append(byTheme[in.theme], in)
	}
	used := map[string]int{}
	for i := range DemoEvents {
		k := demoEventKinds[i%len(demoEventKinds)]
		// Spread over 8 weeks: day 1 to 56, weekend kinds on Saturdays
		// and Sundays.
		offset := 1 + (i*37)%56
		date := day0.AddDate(0, 0, offset)
		if k.weekend {
			for date.Weekday() != time.Saturday && date.Weekday() != time.Sunday {
				date = date.AddDate(0, 0, 1)
			}
		}
		starts := time.Date(date.Year(), date.Month(), date.Day(), k.hour, k.minutes, 0, 0, Paris)
		ends := starts.Add(k.length)
		ev := demoEvent{kind: k, starts: starts.UTC(), ends: ends.UTC(), capacity: k.capacity, status: Published}
		// Owners: mostly initiatives of the same theme, then partners
		// and the City.
		switch r := i % 10; {
		case r < 6 && len(byTheme[k.theme]) > 0:
			list := byTheme[k.theme]
			in := list[used[k.theme]%len(list)]
			used[k.theme]++
			ev.owner, ev.initiative, ev.author, ev.district = OwnerInitiative, in.id, in.owner, in.district
		case r < 9:
			ev.owner, ev.partner = OwnerPartner, demoPartnerNames[i%len(demoPartnerNames)]
		default:
			ev.owner = OwnerCity
		}
		if !k.online && ev.district == "" {
			ev.district = ds[rng.IntN(len(ds))].code
		}
		name := ""
		for _, x := range ds {
			if x.code == ev.district {
				name = x.name
				ev.lat, ev.lon = x.lat+(rng.Float64()-0.5)*0.008, x.lon+(rng.Float64()-0.5)*0.012
			}
		}
		ev.title = strings.ReplaceAll(k.title, "{q}", name)
		if n := used["title:"+ev.title]; n > 0 {
			ev.title = fmt.Sprintf("%s (%d)", ev.title, n+1)
		}
		used["title:"+ev.title]++
		if ev.district != "" {
			streets := demoStreets[ev.district]
			if len(streets) == 0 {
				streets = []string{"rue de la Démo"}
			}
			ev.address = fmt.Sprintf("Salle associative, %d %s", 2+rng.IntN(120), streets[rng.IntN(len(streets))])
		} else {
			ev.online = fmt.Sprintf("https://visio.example.org/cv-demo-%d", 100+i)
		}
		switch i {
		case 7, 31:
			ev.status = Cancelled
			ev.cancelNote = true
		case 13, 44:
			ev.status = Draft
		}
		opens := stamp.Add(-7 * 24 * time.Hour)
		closes := ev.starts.Add(-2 * time.Hour)
		ev.opens, ev.closes = &opens, &closes
		id, err := ev.insert(ctx, tx, stamp)
		if err != nil {
			return err
		}
		// About two in three published events already have people.
		if ev.status == Published && len(people) > 0 && i%3 != 2 {
			want := 3 + rng.IntN(20)
			if ev.capacity > 0 && i%5 == 0 {
				want = ev.capacity + 1 + rng.IntN(4) // full, with a waiting list
			}
			if err := demoRegister(ctx, tx, rng, id, ev.capacity, want, people, stamp, nil); err != nil {
				return err
			}
		}
	}
	return demoVolunteersDay(ctx, tx, rng, day0, ds, people, stamp)
}

type demoEvent struct {
	kind                            demoEventKind
	title, owner, partner, district string
	initiative, author              int64
	address, online                 string
	lat, lon                        float64
	starts, ends                    time.Time
	opens, closes                   *time.Time
	capacity                        int
	status                          Status
	cancelNote                      bool
}

func (ev demoEvent) insert(ctx context.Context, tx *db.Tx, now time.Time) (int64, error) {
	var initiative, author, district, lat, lon, published any
	if ev.initiative > 0 {
		initiative = ev.initiative
	}
	if ev.author > 0 {
		author = ev.author
	}
	if ev.district != "" {
		district, lat, lon = ev.district, ev.lat, ev.lon
	}
	if ev.status != Draft {
		published = now
	}
	body := ev.kind.body + demoFooter
	if ev.cancelNote {
		body = "**Annulé** : la salle n'est plus disponible à cette date.\n\n" + body
	}
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO events (title, summary, description, theme, owner_kind, initiative_id, partner,
		district_code, address, online_url, lat, lon, geo_lat, geo_lon, starts_at, ends_at, capacity,
		registration_opens_at, registration_closes_at, accessibility, status, created_by, created_at, updated_at, published_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		ev.title, ev.kind.summary, body, ev.kind.theme, ev.owner, initiative, ev.partner,
		district, ev.address, ev.online, lat, lon, ev.lat, ev.lon, ev.starts, ev.ends, ev.capacity,
		ev.opens, ev.closes, ev.kind.accessibility, string(ev.status), author, now, now, published).Scan(&id)
	if err != nil {
		return 0, err
	}
	if ev.author > 0 {
		_, err = tx.Exec(ctx, "INSERT INTO event_organisers (event_id, user_id, created_at) VALUES (?, ?, ?)", id, ev.author, now)
	}
	return id, err
}

// demoRegister registers want distinct people for an event, confirmed up
// to capacity and waitlisted after, then sets the counters from the rows.
// choose, when given, picks each confirmed person's workshops.
func demoRegister(ctx context.Context, tx *db.Tx, rng *rand.Rand, eventID int64, capacity, want int, people []int64,
	now time.Time, choose func(n int) []int64) error {
	want = min(want, len(people))
	start := rng.IntN(len(people))
	confirmed, waitlisted := 0, 0
	for n := range want {
		user := people[(start+n)%len(people)]
		status := RegConfirmed
		if capacity > 0 && confirmed >= capacity {
			status = RegWaitlisted
		}
		at := now.Add(time.Duration(n-want) * time.Minute) // queue order
		var regID int64
		if err := tx.QueryRow(ctx, `INSERT INTO event_registrations (event_id, user_id, status, ticket, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, eventID, user, status, newTicket(), at, at).Scan(&regID); err != nil {
			return err
		}
		if status == RegConfirmed {
			confirmed++
			if choose != nil {
				for _, sid := range choose(n) {
					if _, err := tx.Exec(ctx, `INSERT INTO event_session_choices (registration_id, session_id, status, created_at)
						VALUES (?, ?, ?, ?)`, regID, sid, RegConfirmed, at); err != nil {
						return err
					}
				}
			}
		} else {
			waitlisted++
		}
	}
	if _, err := tx.Exec(ctx, "UPDATE events SET confirmed = ?, waitlisted = ? WHERE id = ?", confirmed, waitlisted, eventID); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `UPDATE event_sessions SET
		confirmed = (SELECT COUNT(*) FROM event_session_choices c WHERE c.session_id = event_sessions.id AND c.status = ?),
		waitlisted = (SELECT COUNT(*) FROM event_session_choices c WHERE c.session_id = event_sessions.id AND c.status = ?)
		WHERE event_id = ?`, RegConfirmed, RegWaitlisted, eventID)
	return err
}

// demoDayWorkshops are the Climate Volunteers' day's eight workshops:
// start hour, length in hours, capacity (1,000 places in all).
var demoDayWorkshops = []struct {
	title, description string
	hour, hours        int
	capacity           int
}{
	{"Fresque du Climat géante", "Trois heures pour comprendre les mécanismes du dérèglement climatique, par tables de huit.", 10, 3, 200},
	{"Réparer plutôt que jeter", "Un repair café grandeur nature : électroménager, textile, vélos.", 10, 2, 150},
	{"Composter en ville", "Bacs collectifs, lombricompostage en appartement : les bases avec des maîtres-composteurs.", 10, 2, 100},
	{"Préparer son quartier aux canicules", "Îlots de fraîcheur, voisins isolés, bons gestes : la solidarité climatique en pratique.", 11, 2, 100},
	{"Économiser l'énergie chez soi", "Chauffage, eau chaude, veilles : les gestes qui comptent, wattmètres à l'appui.", 14, 2, 150},
	{"Se déplacer à vélo en confiance", "Remise en selle, itinéraires et entretien de base, avec la vélo-école.", 14, 2, 100},
	{"Lancer une initiative de quartier", "Trouver des voisins, un lieu, des soutiens : retours d'expérience d'initiatives parisiennes.", 15, 2, 100},
	{"Suivre le Plan Climat avec la Ville", "Où en sont les objectifs de 2030 ? Lecture partagée des indicateurs et échanges avec les services.", 16, 2, 100},
}

// demoVolunteersDay creates "La journée des Volontaires du Climat": a
// Saturday about five weeks ahead, eight workshops of limited capacity
// (1,000 places in all, the size of the first day), and registrations of
// demo volunteers, each in one morning and one afternoon workshop.
func demoVolunteersDay(ctx context.Context, tx *db.Tx, rng *rand.Rand, day0 time.Time, ds []demoDistrict, people []int64, now time.Time) error {
	date := day0.AddDate(0, 0, 35)
	for date.Weekday() != time.Saturday {
		date = date.AddDate(0, 0, 1)
	}
	at := func(h int) time.Time {
		return time.Date(date.Year(), date.Month(), date.Day(), h, 0, 0, 0, Paris).UTC()
	}
	ev := demoEvent{
		kind: demoEventKind{theme: "awareness",
			summary: "Une journée d'ateliers pour se former, se rencontrer et passer à l'action, ouverte à toutes et à tous.",
			body: "## Une journée pour agir ensemble\n\nLa première journée des Volontaires du Climat, le 22 septembre 2019, a réuni environ 1 000 personnes " +
				"(source : Ville de Paris, Plan Climat). Cette journée reprend la formule : huit ateliers de 10 h à 18 h, " +
				"1 000 places en tout.\n\n- Inscrivez-vous à la journée, puis choisissez vos ateliers (un le matin, un l'après-midi).\n" +
				"- Les ateliers sont gratuits ; le déjeuner est tiré du sac.\n- Interprétation en langue des signes pour les ateliers du matin.",
			accessibility: "Lieu de plain-pied, accessible en fauteuil roulant ; boucle magnétique dans les salles ; interprétation en LSF le matin ; espace calme."},
		title: "La journée des Volontaires du Climat", owner: OwnerCity, district: "4",
		address: "Salle des fêtes (démo : lieu indicatif), place de l'Hôtel-de-Ville",
		starts:  at(10), ends: at(18), capacity: 1000, status: Published,
	}
	for _, x := range ds {
		if x.code == "4" {
			ev.lat, ev.lon = x.lat, x.lon
		}
	}
	if ev.lat == 0 {
		ev.district = ds[0].code
		ev.lat, ev.lon = ds[0].lat, ds[0].lon
	}
	opens, closes := now.Add(-3*24*time.Hour), at(9)
	ev.opens, ev.closes = &opens, &closes
	id, err := ev.insert(ctx, tx, now)
	if err != nil {
		return err
	}
	var morning, afternoon []int64
	for i, w := range demoDayWorkshops {
		var sid int64
		if err := tx.QueryRow(ctx, `INSERT INTO event_sessions (event_id, title, description, starts_at, ends_at, capacity, position)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, id, w.title, w.description, at(w.hour), at(w.hour+w.hours), w.capacity, i).Scan(&sid); err != nil {
			return err
		}
		if w.hour < 13 {
			morning = append(morning, sid)
		} else {
			afternoon = append(afternoon, sid)
		}
	}
	if len(people) == 0 {
		return nil
	}
	// Morning workshops end by 13:00, afternoon ones start at 14:00: one
	// of each never clashes.
	choose := func(n int) []int64 { return []int64{morning[n%len(morning)], afternoon[(n/2)%len(afternoon)]} }
	return demoRegister(ctx, tx, rng, id, ev.capacity, min(len(people), 180), people, now, choose)
}

func demoDistricts(ctx context.Context, tx *db.Tx) ([]demoDistrict, error) {
	rows, err := tx.Query(ctx, "SELECT code, name, lat, lon FROM districts ORDER BY position, code")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []demoDistrict
	for rows.Next() {
		var d demoDistrict
		if err := rows.Scan(&d.code, &d.name, &d.lat, &d.lon); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// demoInitiatives lists the published initiatives with their owners.
func demoInitiatives(ctx context.Context, tx *db.Tx) ([]demoInitiative, error) {
	rows, err := tx.Query(ctx, `SELECT i.id, i.theme, COALESCE(i.district_code, ''), m.user_id FROM initiatives i
		JOIN initiative_members m ON m.initiative_id = i.id AND m.role = 'owner'
		WHERE i.status = 'published' AND i.district_code IS NOT NULL ORDER BY i.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []demoInitiative
	for rows.Next() {
		var in demoInitiative
		if err := rows.Scan(&in.id, &in.theme, &in.district, &in.owner); err != nil {
			return nil, err
		}
		out = append(out, in)
	}
	return out, rows.Err()
}

// demoPeople lists the demo volunteers (active volunteers' accounts).
func demoPeople(ctx context.Context, tx *db.Tx) ([]int64, error) {
	rows, err := tx.Query(ctx, `SELECT u.id FROM users u JOIN volunteer_profiles p ON p.user_id = u.id
		WHERE u.role = 'volunteer' ORDER BY u.id LIMIT 1000`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// DemoCityEvent is a published City event that another feature's demo asks
// for, such as a monitoring committee's meeting.
type DemoCityEvent struct {
	Title, Summary, Description string
	District, Address           string // a district code (its centre places the event)
	StartsAt, EndsAt            time.Time
	Capacity                    int
}

// SeedCityEventTx writes one, open for registration from a week before now
// (a week before it closes, for a past event) until two hours before it
// starts: a window the event form would accept on an edit.
func SeedCityEventTx(ctx context.Context, tx *db.Tx, e DemoCityEvent, now time.Time) (int64, error) {
	ds, err := demoDistricts(ctx, tx)
	if err != nil {
		return 0, err
	}
	stamp := now.UTC().Truncate(time.Microsecond)
	closes := e.StartsAt.UTC().Add(-2 * time.Hour)
	opens := stamp.Add(-7 * 24 * time.Hour)
	if !closes.After(stamp) {
		opens = closes.Add(-7 * 24 * time.Hour)
	}
	ev := demoEvent{kind: demoEventKind{theme: "awareness", summary: e.Summary, body: e.Description},
		title: e.Title, owner: OwnerCity, address: e.Address, starts: e.StartsAt.UTC(), ends: e.EndsAt.UTC(),
		opens: &opens, closes: &closes, capacity: e.Capacity, status: Published}
	for _, d := range ds {
		if d.code == e.District {
			ev.district, ev.lat, ev.lon = d.code, d.lat, d.lon
		}
	}
	return ev.insert(ctx, tx, stamp)
}
