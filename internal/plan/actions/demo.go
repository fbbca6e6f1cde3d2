package actions

import (
	"context"
	"fmt"
	"time"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/plan/history"
)

// Departments and partners of the demo: the City's real directions and
// long-standing partners of its Climate Plan.
const (
	dvd  = "Direction de la Voirie et des Déplacements"
	deve = "Direction des Espaces Verts et de l'Environnement"
	dlh  = "Direction du Logement et de l'Habitat"
	dpe  = "Direction de la Propreté et de l'Eau"
	dcpa = "Direction des Constructions Publiques et de l'Architecture"
	du   = "Direction de l'Urbanisme"
	dasc = "Direction des Affaires Scolaires"
	dae  = "Direction de l'Attractivité et de l'Emploi"
	ddct = "Direction de la Démocratie, des Citoyen·ne·s et des Territoires"
	apc  = "Agence Parisienne du Climat"
	cpcu = "CPCU"
	edp  = "Eau de Paris"
	syc  = "Syctom"
	idfm = "Île-de-France Mobilités"
	ph   = "Paris Habitat"
)

type demoTheme struct{ slug, name, parent, description string }

// DemoThemes are the themes of the demo plan; other parts rely on the slugs
// of the top-level ones.
var demoThemes = []demoTheme{
	{"energie-batiments", "Énergie et bâtiments", "", "Rénover les logements et les équipements, verdir les réseaux de chaleur et de froid."},
	{"renovation-logements", "Rénovation des logements", "energie-batiments", ""},
	{"reseaux-chaleur-froid", "Réseaux de chaleur et de froid", "energie-batiments", ""},
	{"mobilite", "Mobilité", "", "Moins de voitures, plus de marche, de vélo et de transports en commun."},
	{"velo", "Vélo", "mobilite", ""},
	{"alimentation", "Alimentation durable", "", "Une alimentation plus locale, plus végétale, avec moins de gaspillage."},
	{"dechets-economie-circulaire", "Déchets et économie circulaire", "", "Réduire, réemployer, trier et valoriser."},
	{"adaptation-nature", "Adaptation et nature en ville", "", "Rafraîchir la ville, désimperméabiliser les sols, planter."},
	{"mobilisation", "Mobilisation des Parisiens", "", "Informer, outiller et accompagner les habitants, les associations et les entreprises."},
}

type demoAction struct {
	id, theme, parent, title, description string
	departments, partners                 []string
	status, phase, start, end             string
	progress                              int // -1: rolled up from the sub-actions
	weight                                float64
	updatedDaysAgo                        int
}

// demoActions is a realistic plan: titles and descriptions are written for
// the demo; figures come only from the Paris Climate Action Plan 2018 as
// quoted in FACTS.md.
var demoActions = []demoAction{
	{"NRJ-01", "renovation-logements", "", "Rénover le parc de logements privés", "Accompagner les copropriétés de l’audit énergétique jusqu’aux travaux. Objectif du Plan Climat 2018 : -35 % de consommation d’énergie du territoire en 2030 par rapport à 2004.", []string{dlh}, []string{apc}, "", "implementation", "2018-03-22", "2030-12-31", -1, 1, 12},
	{"NRJ-01.1", "renovation-logements", "NRJ-01", "Éco-rénovons Paris : accompagner les copropriétés", "Conseil gratuit et aides aux travaux pour les copropriétés engagées.", []string{dlh}, []string{apc}, "on_track", "implementation", "2018-03-22", "2030-12-31", 55, 3, 12},
	{"NRJ-01.2", "renovation-logements", "NRJ-01", "Plateforme CoachCopro", "Un outil en ligne pour suivre les étapes d’un projet de rénovation.", []string{dlh}, []string{apc}, "done", "completed", "2018-03-22", "2021-12-31", 100, 1, 400},
	{"NRJ-01.3", "renovation-logements", "NRJ-01", "Rénover les logements sociaux", "Programme de rénovation thermique des bailleurs sociaux de la Ville.", []string{dlh}, []string{ph}, "on_track", "implementation", "2019-01-01", "2030-12-31", 45, 2, 30},
	{"NRJ-02", "energie-batiments", "", "Rénover les écoles et les équipements municipaux", "Isolation, ventilation et pilotage du chauffage des bâtiments de la Ville.", []string{dcpa, dasc}, nil, "on_track", "implementation", "2018-06-01", "2030-12-31", 40, 1, 45},
	{"NRJ-03", "energie-batiments", "", "Éclairage public économe", "Remplacer les luminaires par des LED et moduler l’éclairage la nuit.", []string{dvd}, nil, "on_track", "implementation", "2018-03-22", "2026-12-31", 70, 1, 20},
	{"NRJ-04", "reseaux-chaleur-froid", "", "Verdir le réseau de chaleur parisien", "Augmenter la part d’énergies renouvelables et de récupération du réseau de chaleur. Objectif 2030 : 45 % d’énergies renouvelables (Plan Climat 2018).", []string{du}, []string{cpcu}, "late", "implementation", "2018-03-22", "2030-12-31", 35, 1, 60},
	{"NRJ-05", "reseaux-chaleur-froid", "", "Étendre le réseau de froid urbain", "Raccorder les équipements publics et les bureaux au réseau de froid plutôt qu’à des climatiseurs individuels.", []string{du}, nil, "on_track", "implementation", "2019-01-01", "2030-12-31", 30, 1, 150},
	{"NRJ-06", "energie-batiments", "", "Cadastre solaire et toitures photovoltaïques", "Équiper les toits municipaux de panneaux solaires et aider les copropriétés à le faire.", []string{dcpa}, []string{apc}, "not_started", "planning", "2025-01-01", "2030-12-31", 5, 1, 200},
	{"MOB-01", "velo", "", "Plan vélo : un réseau cyclable continu", "Des pistes cyclables sécurisées sur les grands axes et les liaisons avec la petite couronne.", []string{dvd}, []string{idfm}, "", "implementation", "2021-01-01", "2026-12-31", -1, 1, 8},
	{"MOB-01.1", "velo", "MOB-01", "Pistes cyclables sur les grands axes", "Aménager et pérenniser des pistes bidirectionnelles.", []string{dvd}, nil, "on_track", "implementation", "2021-01-01", "2026-12-31", 65, 3, 8},
	{"MOB-01.2", "velo", "MOB-01", "Stationnement vélo", "Arceaux dans l’espace public et abris sécurisés près des gares.", []string{dvd}, nil, "late", "implementation", "2021-01-01", "2025-12-31", 40, 1, 95},
	{"MOB-01.3", "velo", "MOB-01", "Rues aux écoles", "Apaiser et piétonniser les rues devant les écoles.", []string{dvd, dasc}, nil, "done", "completed", "2020-09-01", "2024-06-30", 100, 1, 300},
	{"MOB-02", "mobilite", "", "Sortir du diesel", "Interdire progressivement la circulation des véhicules diesel les plus polluants dans la zone à faibles émissions.", []string{dvd}, []string{idfm}, "on_track", "implementation", "2018-03-22", "2030-12-31", 80, 1, 40},
	{"MOB-03", "mobilite", "", "Zone à trafic limité du centre", "Réserver le cœur de Paris aux riverains, livraisons, services et transports en commun.", []string{dvd}, nil, "on_track", "implementation", "2022-01-01", "2026-12-31", 60, 1, 25},
	{"MOB-04", "mobilite", "", "Logistique urbaine décarbonée", "Espaces logistiques urbains et livraisons à vélo cargo ou électriques.", []string{dvd, dae}, nil, "on_track", "implementation", "2019-01-01", "2025-06-30", 50, 1, 120},
	{"MOB-05", "mobilite", "", "Flotte municipale sans diesel", "Remplacer les véhicules diesel de la Ville par des véhicules électriques ou au biogaz.", []string{dpe}, nil, "done", "completed", "2018-03-22", "2020-12-31", 100, 1, 500},
	{"MOB-06", "mobilite", "", "Plus de bus, plus fréquents", "Couloirs de bus et priorité aux feux avec l’autorité organisatrice.", []string{dvd}, []string{idfm}, "merged", "", "2018-03-22", "2023-12-31", 30, 1, 600},
	{"ALI-01", "alimentation", "", "Restauration scolaire durable", "Plus de produits bio et locaux et davantage de repas végétariens dans les cantines.", []string{dasc}, nil, "on_track", "implementation", "2018-09-01", "2027-06-30", 70, 1, 14},
	{"ALI-02", "alimentation", "", "Lutter contre le gaspillage alimentaire", "Dons des invendus, pesée des restes en restauration collective.", []string{dasc, dae}, nil, "on_track", "implementation", "2019-01-01", "2026-12-31", 50, 1, 130},
	{"ALI-03", "alimentation", "", "Agriculture urbaine : Parisculteurs", "Des toits et des sous-sols cultivés, avec des appels à projets.", []string{deve}, nil, "done", "completed", "2016-04-01", "2022-12-31", 100, 1, 700},
	{"ALI-04", "alimentation", "", "Marchés et circuits courts", "Favoriser les producteurs franciliens sur les marchés découverts.", []string{dae}, nil, "not_started", "planning", "2026-01-01", "2028-12-31", 0, 1, 100},
	{"DEC-01", "dechets-economie-circulaire", "", "Trier les biodéchets dans tous les arrondissements", "Collecte des déchets alimentaires et composteurs de quartier.", []string{dpe}, []string{syc}, "", "implementation", "2019-01-01", "2026-12-31", -1, 1, 10},
	{"DEC-01.1", "dechets-economie-circulaire", "DEC-01", "Collecte des déchets alimentaires en porte-à-porte", "Bacs dédiés dans les immeubles, collectés chaque semaine.", []string{dpe}, []string{syc}, "on_track", "implementation", "2019-01-01", "2026-12-31", 75, 2, 10},
	{"DEC-01.2", "dechets-economie-circulaire", "DEC-01", "Composteurs de quartier", "Accompagner les habitants qui font vivre un composteur partagé.", []string{dpe, deve}, nil, "late", "implementation", "2019-01-01", "2024-12-31", 50, 1, 110},
	{"DEC-01.3", "dechets-economie-circulaire", "DEC-01", "Trilib’ en voirie", "Stations de tri en accès libre dans l’espace public.", []string{dpe}, nil, "cancelled", "", "2019-01-01", "2023-12-31", 20, 1, 400},
	{"DEC-02", "dechets-economie-circulaire", "", "Ressourceries et réemploi", "Ouvrir des ressourceries dans chaque arrondissement.", []string{dpe}, nil, "on_track", "implementation", "2018-03-22", "2027-12-31", 60, 1, 50},
	{"DEC-03", "dechets-economie-circulaire", "", "Réduire le plastique dans les services municipaux", "Fontaines à eau, gobelets réutilisables, achats sans emballage jetable.", []string{dpe}, []string{edp}, "on_track", "implementation", "2019-06-01", "2027-06-30", 65, 1, 35},
	{"DEC-04", "dechets-economie-circulaire", "", "Chantiers de la Ville en économie circulaire", "Réemploi des matériaux de déconstruction dans les chantiers municipaux.", []string{dcpa}, nil, "not_started", "planning", "2026-01-01", "2030-12-31", 0, 1, 95},
	{"ADA-01", "adaptation-nature", "", "Cours Oasis", "Transformer les cours d’école en îlots de fraîcheur ouverts au quartier.", []string{dasc, dcpa}, nil, "", "implementation", "2018-09-01", "2030-12-31", -1, 1, 5},
	{"ADA-01.1", "adaptation-nature", "ADA-01", "Cours Oasis des écoles élémentaires", "Désimperméabiliser, planter et installer des points d’eau.", []string{dasc, dcpa}, nil, "on_track", "implementation", "2018-09-01", "2030-12-31", 45, 2, 5},
	{"ADA-01.2", "adaptation-nature", "ADA-01", "Ouvrir les cours Oasis le week-end", "Ouvrir les cours aux habitants pendant les fortes chaleurs.", []string{dasc, ddct}, nil, "on_track", "implementation", "2021-06-01", "2027-09-30", 30, 1, 60},
	{"ADA-02", "adaptation-nature", "", "Planter des arbres", "Planter dans les rues, les places et les bois, et créer des forêts urbaines.", []string{deve}, nil, "late", "implementation", "2020-11-01", "2026-12-31", 45, 1, 20},
	{"ADA-03", "adaptation-nature", "", "Végétaliser les rues : permis de végétaliser", "Aider les habitants à jardiner les pieds d’arbres et les murs.", []string{deve}, nil, "on_track", "implementation", "2018-03-22", "2026-12-31", 70, 1, 180},
	{"ADA-04", "adaptation-nature", "", "Réseau d’eau non potable pour rafraîchir la ville", "Utiliser l’eau non potable pour arroser et rafraîchir la voirie pendant les canicules.", []string{dpe}, []string{edp}, "on_track", "evaluation", "2019-01-01", "2027-06-30", 60, 1, 70},
	{"ADA-05", "adaptation-nature", "", "Plan canicule : îlots et parcours de fraîcheur", "Parcs ouverts la nuit, fontaines, brumisateurs et carte des lieux frais.", []string{deve, dpe}, []string{edp}, "on_track", "implementation", "2019-06-01", "2030-12-31", 55, 1, 3},
	{"ADA-06", "adaptation-nature", "", "Désimperméabiliser les sols", "Remplacer l’enrobé par des revêtements perméables et de la pleine terre.", []string{dvd, deve}, nil, "not_started", "planning", "2025-01-01", "2030-12-31", 0, 1, 250},
	{"MOBI-01", "mobilisation", "", "Volontaires du climat", "Réunir et outiller les Parisiennes et Parisiens qui agissent pour le climat : 15 000 volontaires inscrits à l’adoption du plan.", []string{ddct}, []string{apc}, "on_track", "implementation", "2018-03-22", "2030-12-31", 50, 1, 7},
	{"MOBI-02", "mobilisation", "", "Défis Familles à énergie positive", "Des équipes de foyers relèvent le défi de réduire leurs consommations d’énergie et d’eau.", []string{ddct}, []string{apc}, "on_track", "implementation", "2018-12-01", "2027-05-31", 60, 1, 40},
	{"MOBI-03", "mobilisation", "", "Budget participatif climat", "Une part du budget participatif réservée aux projets pour le climat.", []string{ddct}, nil, "done", "completed", "2019-01-01", "2024-12-31", 100, 1, 365},
	{"MOBI-04", "mobilisation", "", "Entreprises engagées : Paris Action Climat", "Une charte et un accompagnement pour les entreprises qui réduisent leurs émissions.", []string{dae}, []string{apc}, "on_track", "implementation", "2018-03-22", "2026-12-31", 40, 1, 160},
	{"MOBI-05", "mobilisation", "", "Comités de suivi citoyens du Plan Climat", "Des comités mêlant volontaires, habitants, élus et agents suivent l’avancement et publient leurs avis.", []string{ddct}, nil, "not_started", "planning", "2026-06-01", "2027-12-31", 10, 1, 30},
}

// demoMilestones and demoTasks hang below a few actions.
var demoMilestones = []struct {
	action, date, title string
	reached             bool
}{
	{"MOB-01.1", "2022-12-31", "Première tranche des axes structurants livrée", true},
	{"MOB-01.1", "2026-06-30", "Réseau continu entre les portes de Paris", false},
	{"ADA-01.1", "2023-09-01", "Cent cours Oasis ouvertes", true},
	{"ADA-01.1", "2027-09-01", "Toutes les cours élémentaires engagées", false},
	{"DEC-01.1", "2024-01-01", "Collecte étendue à tous les arrondissements", true},
	{"NRJ-04", "2026-12-31", "Nouvelle chaufferie biomasse en service", false},
	{"MOBI-05", "2026-09-30", "Premier comité de suivi installé", false},
}

var demoTasks = []struct {
	action, due, title string
	done               bool
}{
	{"MOB-01.2", "2025-06-30", "Recenser les besoins de stationnement près des gares", true},
	{"MOB-01.2", "2026-03-31", "Lancer le marché des abris sécurisés", false},
	{"ADA-02", "2026-03-15", "Choisir les essences adaptées au climat de 2050", false},
	{"MOBI-05", "2026-12-15", "Rédiger la charte des comités", false},
	{"MOBI-05", "2027-01-31", "Appel à candidatures des volontaires", false},
}

// SeedDemo writes the demo themes and actions, their milestones and tasks,
// and creation history dated in the past so that the timeline has a past.
// A few actions are late (status, or end date past; the dashboard lists ten)
// and some were not updated for more than 90 days.
func SeedDemo(ctx context.Context, tx *db.Tx, now time.Time) error {
	themeIDs := map[string]int64{}
	for i, t := range demoThemes {
		id, err := insertTheme(ctx, tx, Theme{ParentID: themeIDs[t.parent], Slug: t.slug, Name: t.name, Description: t.description, Position: i + 1})
		if err != nil {
			return fmt.Errorf("demo theme %s: %w", t.slug, err)
		}
		themeIDs[t.slug] = id
	}
	ids := map[string]int64{}
	quiet := map[int64]bool{}
	for _, a := range demoActions {
		in := Input{Identifier: a.id, Title: a.title, Description: a.description, ThemeID: themeIDs[a.theme],
			ParentID: ids[a.parent], Weight: a.weight, Status: a.status, Phase: a.phase, StartsOn: a.start, EndsOn: a.end,
			ProgressMode: ModeManual, Departments: a.departments, Partners: a.partners}
		if in.Status == "" {
			in.Status = StatusOnTrack
		}
		if a.progress < 0 {
			in.ProgressMode = ModeRollup
		} else {
			p := a.progress
			in.ProgressManual = &p
		}
		if a.status == StatusMerged {
			in.MergedIntoID = ids["MOB-03"]
		}
		id, err := insertAction(ctx, tx, in, 0)
		if err != nil {
			return fmt.Errorf("demo action %s: %w", a.id, err)
		}
		ids[a.id] = id
		quiet[id] = true
	}
	for _, m := range demoMilestones {
		if _, err := tx.Exec(ctx, `INSERT INTO plan_milestones (action_id, on_date, title, reached, created_at) VALUES (?, ?, ?, ?, ?)`,
			ids[m.action], m.date, m.title, m.reached, now); err != nil {
			return err
		}
	}
	for _, t := range demoTasks {
		var done any
		if t.done {
			done = now.AddDate(0, -2, 0)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO plan_tasks (action_id, title, due_on, done_at, created_at) VALUES (?, ?, ?, ?, ?)`,
			ids[t.action], t.title, t.due, done, now); err != nil {
			return err
		}
	}
	city := Actor{Name: "Ville de Paris"}
	for _, a := range demoActions {
		if err := refreshProgressQuiet(ctx, tx, ids[a.id], city, history.OriginSystem, quiet, true); err != nil {
			return err
		}
	}
	for _, a := range demoActions {
		id := ids[a.id]
		created, _ := time.Parse(dateLayout, a.start)
		created = created.Add(10 * time.Hour)
		updated := now.AddDate(0, 0, -a.updatedDaysAgo)
		if created.After(updated) {
			created = updated.Add(-time.Hour)
		}
		if _, err := tx.Exec(ctx, "UPDATE plan_actions SET created_at = ?, updated_at = ? WHERE id = ?", created, updated, id); err != nil {
			return err
		}
		stored, err := getAction(ctx, tx, id)
		if err != nil {
			return err
		}
		// The creation as it was (not started, nothing done), then the
		// latest update that brought the action where it is.
		start := stored
		start.Status, start.Progress, start.ProgressManual, start.MergedIntoID, start.MergedLabel = StatusNotStarted, 0, nil, 0, ""
		if err := recordCreation(ctx, tx, start, city, history.OriginCreate, created); err != nil {
			return err
		}
		if _, err := history.Record(ctx, tx, history.Set{Kind: history.KindAction, SubjectID: id, SubjectLabel: stored.Label(),
			ActorName: city.Name, Origin: history.OriginEdit, At: updated, Changes: diffFields(start, stored)}); err != nil {
			return err
		}
	}
	return nil
}

// SeedBench writes n actions over the demo themes (which must exist, from
// SeedDemo), fast: no history, progress typed by hand.
func SeedBench(ctx context.Context, tx *db.Tx, now time.Time, n int) error {
	themes, err := listThemes(ctx, tx)
	if err != nil {
		return err
	}
	if len(themes) == 0 {
		return fmt.Errorf("actions: SeedBench needs the demo themes")
	}
	for i := range n {
		status := Statuses[i%5] // not merged: it needs a target
		p := (i * 7) % 101
		updated := now.AddDate(0, 0, -(i % 120))
		end := now.AddDate(0, 0, (i%60)-20).Format(dateLayout)
		if _, err := tx.Exec(ctx, `INSERT INTO plan_actions (identifier, title, theme_id, weight, status, phase, starts_on, ends_on,
			progress_mode, progress_manual, progress, created_at, updated_at) VALUES (?, ?, ?, 1, ?, 'implementation', '2020-01-01', ?, 'manual', ?, ?, ?, ?)`,
			fmt.Sprintf("BENCH-%04d", i+1), fmt.Sprintf("Action de charge n° %d", i+1), themes[i%len(themes)].ID,
			status, end, p, p, updated, updated); err != nil {
			return err
		}
	}
	return nil
}
