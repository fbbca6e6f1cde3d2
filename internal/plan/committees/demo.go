package committees

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"climatevolunteers/internal/db"
)

// Demo committees: the whole Plan's monitoring committee and a mobility
// committee. People without an account (elected officials, City staff,
// residents) are fictitious; volunteers are demo accounts. Each meeting's
// event is written by the events feature, through SeedDemo's DemoEvent.

type demoMember struct{ name, college, role string }

type demoFollowUp struct {
	daysAgo      int
	byStaff      bool // by the demo's coordinator, else by a volunteer member
	from, status string
	note         string
}

type demoDecision struct {
	text        string
	actionLike  string // a word of the linked action's title, "" for none
	status      string
	dueInMonths int
	followUps   []demoFollowUp
}

type demoCommittee struct {
	slug, name, description string
	themeLike               string // a word of the theme's name, "" for the whole Plan
	volunteers              int    // demo volunteer accounts seated
	named                   []demoMember
	pastMinutes             string
	decisions               []demoDecision
}

var demoCommittees = []demoCommittee{
	{
		slug: "comite-de-suivi-du-plan-climat", name: "Comité de suivi du Plan Climat",
		description: "Le comité suit l’ensemble du Plan Climat adopté en mars 2018 : l’avancement des actions de la Ville, " +
			"l’empreinte carbone et les émissions locales de Paris, et les suites données aux propositions des volontaires.",
		volunteers: 3,
		named: []demoMember{
			{"Hélène Marchal", CollegeElected, "Adjointe à la Maire chargée du Plan Climat, présidente"},
			{"Karim Benali", CollegeElected, "Conseiller de Paris, groupe d’opposition"},
			{"Julien Ferrand", CollegeStaff, "Chef de projet Plan Climat, Direction de la Transition écologique et du Climat"},
			{"Sophie Lemaire", CollegeStaff, "Agence Parisienne du Climat, partenaire"},
			{"Nadia Ouali", CollegeResident, "Habitante du 19e, tirée au sort"},
			{"Pierre Gaudin", CollegeResident, "Habitant du 13e, tiré au sort"},
		},
		pastMinutes: "Présents : 9 membres sur 10.\n\n" +
			"1. Bilan carbone 2018 : l’empreinte de Paris est de 22,7 MtCO2e, soit -20 % par rapport à 2004 " +
			"(source : paris.fr, « le bilan carbone de Paris 2018 »). L’objectif du Plan est -40 % en 2030. " +
			"Le transport aérien pèse 33 % de l’empreinte et l’alimentation 17 %.\n" +
			"2. Émissions locales : 5,5 MtCO2e en 2018, -25 % par rapport à 2004 (source : rapport parisactionclimat.paris.fr 2018), " +
			"pour un objectif de -50 % en 2030.\n" +
			"3. Les volontaires demandent un calendrier public des prochaines mesures et un point d’étape à chaque séance.\n\n" +
			"Décisions : voir la liste des décisions du comité.",
		decisions: []demoDecision{
			{text: "Présenter à chaque séance l’écart entre l’empreinte carbone mesurée et la trajectoire vers -40 % en 2030.",
				status: DecisionInProgress, dueInMonths: 6, followUps: []demoFollowUp{
					{daysAgo: 40, byStaff: true, from: DecisionOpen, status: DecisionInProgress,
						note: "La DTEC prépare un tableau de suivi à partir du bilan 2018 ; première présentation à la prochaine séance."},
					{daysAgo: 12, from: DecisionInProgress, status: DecisionInProgress,
						note: "Les volontaires proposent d’y ajouter la part de l’aérien et de l’alimentation."},
				}},
			{text: "Publier le calendrier des actions de la Ville qui ont pris du retard, avec la raison du retard.",
				status: DecisionOpen, dueInMonths: 3},
		},
	},
	{
		slug: "comite-mobilites", name: "Comité mobilités",
		description: "Le comité suit les actions du Plan sur les déplacements : circulation, vélo, rues aux écoles, logistique urbaine.",
		themeLike:   "obilit", volunteers: 2,
		named: []demoMember{
			{"Claire Dumont", CollegeElected, "Conseillère de Paris déléguée aux mobilités"},
			{"Marc Leroy", CollegeStaff, "Direction de la Voirie et des Déplacements"},
			{"Amélie Robert", CollegeResident, "Habitante du 11e"},
		},
		pastMinutes: "La circulation dans Paris a baissé de 39 % entre 2004 et 2014 et le fret de 18 % " +
			"(source : rapport parisactionclimat.paris.fr 2018). Le comité a examiné les actions de mobilité du Plan " +
			"et retenu une décision sur les rues aux écoles.",
		decisions: []demoDecision{
			{text: "Obtenir de la DVD le bilan des rues aux écoles ouvertes cette année et la liste des prochaines.",
				actionLike: "cole", status: DecisionDone, dueInMonths: -1, followUps: []demoFollowUp{
					{daysAgo: 20, byStaff: true, from: DecisionOpen, status: DecisionDone,
						note: "Bilan présenté et mis en ligne avec le compte rendu."},
				}},
		},
	},
}

// DemoEvent writes a meeting's City event in the demo's transaction (the
// events feature owns that table) and returns its id.
type DemoEvent func(ctx context.Context, tx *db.Tx, m DemoMeeting) (int64, error)

// DemoMeeting is what a demo meeting's event says.
type DemoMeeting struct {
	Committee, Title, Place, District string
	StartsAt, EndsAt                  time.Time
}

// SeedDemo adds the demo committees (after the actions' themes and the
// volunteers' accounts); nothing when a committee already exists. With
// event nil, the meetings have no event.
func SeedDemo(ctx context.Context, tx *db.Tx, now time.Time, event DemoEvent) error {
	var n int
	if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM plan_committees").Scan(&n); err != nil || n > 0 {
		return err
	}
	vols, err := demoIDs(ctx, tx, "SELECT id FROM users WHERE role = 'volunteer' AND status = 'active' ORDER BY id LIMIT 5")
	if err != nil {
		return err
	}
	var staff any // the demo's first coordinator, if any
	if ids, err := demoIDs(ctx, tx, "SELECT id FROM users WHERE role = 'coordinator' ORDER BY id LIMIT 1"); err != nil {
		return err
	} else if len(ids) > 0 {
		staff = ids[0]
	}
	today := now.In(Paris)
	for _, dc := range demoCommittees {
		theme, err := demoLookup(ctx, tx, "SELECT id FROM plan_themes WHERE name LIKE ? ORDER BY id LIMIT 1", dc.themeLike)
		if err != nil {
			return err
		}
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO plan_committees (slug, name, description, theme_id, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, dc.slug, dc.name, dc.description, nullable(theme), now, now).Scan(&id); err != nil {
			return err
		}
		joined := today.AddDate(0, -8, 0).Format(time.DateOnly)
		var seated []int64
		for i := 0; i < dc.volunteers && i < len(vols); i++ {
			seated = append(seated, vols[i])
			if err := insertMember(ctx, tx, id, vols[i], MemberInput{College: CollegeVolunteer, Role: "Volontaire du Climat"}, joined); err != nil {
				return err
			}
		}
		vols = append(vols[min(dc.volunteers, len(vols)):], vols[:min(dc.volunteers, len(vols))]...)
		for _, m := range dc.named {
			if err := insertMember(ctx, tx, id, 0, MemberInput{Name: m.name, College: m.college, Role: m.role}, joined); err != nil {
				return err
			}
		}
		if err := demoMeetings(ctx, tx, id, dc, today, now, event); err != nil {
			return err
		}
		for _, dd := range dc.decisions {
			if err := demoDecide(ctx, tx, id, dd, seated, staff, today, now); err != nil {
				return err
			}
		}
	}
	return nil
}

// demoMeetings adds a past meeting with published minutes and the next one.
func demoMeetings(ctx context.Context, tx *db.Tx, committeeID int64, dc demoCommittee, today time.Time, now time.Time, event DemoEvent) error {
	at := func(days int) time.Time {
		d := today.AddDate(0, 0, days)
		return time.Date(d.Year(), d.Month(), d.Day(), 18, 30, 0, 0, Paris).UTC()
	}
	past, next := at(-45), at(24)
	for _, m := range []struct {
		title   string
		starts  time.Time
		minutes string
	}{{"Séance d’automne", past, dc.pastMinutes}, {"Séance d’hiver", next, ""}} {
		var published any
		if m.minutes != "" {
			published = m.starts.Add(14 * 24 * time.Hour)
		}
		const place = "Hôtel de Ville, 5 rue de Lobau, Paris 4e"
		ends := m.starts.Add(2 * time.Hour)
		var eventID any
		if event != nil {
			id, err := event(ctx, tx, DemoMeeting{Committee: dc.name, Title: m.title, Place: place, District: "4", StartsAt: m.starts, EndsAt: ends})
			if err != nil {
				return err
			}
			eventID = id
		}
		if _, err := tx.Exec(ctx, `INSERT INTO plan_committee_meetings (committee_id, event_id, title, starts_at, ends_at, place, minutes,
			minutes_published_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, committeeID, eventID, m.title, m.starts,
			ends, place, m.minutes, published, now); err != nil {
			return err
		}
	}
	return nil
}

func demoDecide(ctx context.Context, tx *db.Tx, committeeID int64, dd demoDecision, seated []int64, staff any, today, now time.Time) error {
	var action int64
	if dd.actionLike != "" {
		var err error
		if action, err = demoLookup(ctx, tx, "SELECT id FROM plan_actions WHERE title LIKE ? ORDER BY identifier LIMIT 1", dd.actionLike); err != nil {
			return err
		}
	}
	var id int64
	created := now.AddDate(0, 0, -45)
	if err := tx.QueryRow(ctx, `INSERT INTO plan_committee_decisions (committee_id, action_id, text, status, due_on, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, committeeID, nullable(action), dd.text, dd.status,
		today.AddDate(0, dd.dueInMonths, 0).Format(time.DateOnly), created, now).Scan(&id); err != nil {
		return err
	}
	for _, f := range dd.followUps {
		author := staff
		if !f.byStaff {
			author = nil
			if len(seated) > 0 {
				author = seated[0]
			}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO plan_decision_followups (decision_id, author_id, previous_status, status, note, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`, id, author, f.from, f.status, f.note, now.AddDate(0, 0, -f.daysAgo)); err != nil {
			return err
		}
	}
	return nil
}

// demoLookup finds an id by a word of a name; 0 when like is "" or nothing
// matches.
func demoLookup(ctx context.Context, tx *db.Tx, q, like string) (int64, error) {
	if like == "" {
		return 0, nil
	}
	var id int64
	err := tx.QueryRow(ctx, q, "%"+like+"%").Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

func demoIDs(ctx context.Context, tx *db.Tx, q string) ([]int64, error) {
	rows, err := tx.Query(ctx, q)
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
