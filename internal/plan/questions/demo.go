package questions

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"climatevolunteers/internal/db"
)

// demoQuestion is a demo question, put on the first demo action whose title
// holds one of the keywords (lower case), or on any action left when none
// does. An empty Answer leaves it awaiting one.
type demoQuestion struct {
	Keywords    []string
	Title, Body string
	Answer      string
	Asker       int // index among the demo volunteers
	DaysAgo     int
}

var demoQuestions = []demoQuestion{
	{Keywords: []string{"vélo", "cycl"}, Asker: 0, DaysAgo: 40,
		Title: "Les nouvelles pistes cyclables seront-elles reliées d’un arrondissement à l’autre ?",
		Body:  "J’habite le 20e et je travaille dans le 13e : aujourd’hui les aménagements s’arrêtent souvent aux limites d’arrondissement. Le plan prévoit-il des itinéraires continus ?",
		Answer: "Oui. Les aménagements sont conçus comme des itinéraires continus entre arrondissements. Chaque tracé est présenté en conseil d’arrondissement avant les travaux, " +
			"et l’avancement est publié sur la page de cette action, mise à jour à chaque étape."},
	{Keywords: []string{"rénov", "logement", "isol", "bâtiment"}, Asker: 1, DaysAgo: 25,
		Title: "Notre copropriété peut-elle être accompagnée pour isoler l’immeuble ?",
		Body:  "Nous sommes une petite copropriété du 11e. Qui peut nous aider à monter un projet de rénovation énergétique et à trouver les aides ?",
		Answer: "Oui. Les copropriétés sont accompagnées gratuitement par l’Agence Parisienne du Climat, partenaire de la Ville : conseil technique, " +
			"aide au vote en assemblée générale et orientation vers les aides publiques. Prenez contact avec elle en indiquant l’adresse de l’immeuble."},
	{Keywords: []string{"arbre", "végétal", "vert", "fraîcheur", "ombre"}, Asker: 2, DaysAgo: 9,
		Title: "Comment proposer une cour d’école à transformer en îlot de fraîcheur ?",
		Body:  "L’école de notre rue n’a presque pas d’ombre l’été. Les parents voudraient la proposer : à qui s’adresser, et les volontaires peuvent-ils aider ?"},
	{Keywords: []string{"aliment", "cantine", "restauration"}, Asker: 0, DaysAgo: 4,
		Title: "Comment suivre la part de produits durables servis dans les cantines ?",
		Body:  "Les chiffres par arrondissement seront-ils publiés, pour que les parents puissent suivre les progrès ?"},
	{Asker: 1, DaysAgo: 2,
		Title: "Comment les Volontaires du Climat peuvent-ils contribuer à cette action ?",
		Body:  "Je suis volontaire depuis peu et j’aimerais aider concrètement. Y a-t-il des besoins identifiés pour cette action ?",
		Answer: "Merci pour votre proposition. Les besoins en bénévoles liés à cette action sont publiés comme événements et initiatives sur la plateforme, " +
			"et annoncés aux volontaires de votre arrondissement. Suivez cette question : nous la compléterons quand de nouveaux rendez-vous seront fixés."},
}

// SeedDemo puts a handful of questions from demo volunteers on the demo
// actions, some with an official answer of a responsible department. It
// does nothing without volunteers or actions (the actions part seeds first).
func SeedDemo(ctx context.Context, tx *db.Tx, now time.Time) error {
	askers, err := ids(ctx, tx, "SELECT id FROM users WHERE role = 'volunteer' AND status = 'active' ORDER BY id LIMIT 3")
	if err != nil || len(askers) == 0 {
		return err
	}
	staff, err := ids(ctx, tx, "SELECT id FROM users WHERE role = 'coordinator' AND status = 'active' ORDER BY id LIMIT 1")
	if err != nil {
		return err
	}
	actions, err := demoActions(ctx, tx)
	if err != nil || len(actions) == 0 {
		return err
	}
	used := map[int64]bool{}
	for _, dq := range demoQuestions {
		action, ok := pickAction(actions, dq.Keywords, used)
		if !ok {
			continue
		}
		used[action] = true
		asker := askers[dq.Asker%len(askers)]
		at := now.Add(-time.Duration(dq.DaysAgo) * 24 * time.Hour)
		id, err := insertQuestion(ctx, tx, action, asker, AskInput{Title: dq.Title, Body: dq.Body}, at)
		if err != nil {
			return err
		}
		if err := follow(ctx, tx, id, asker, at); err != nil {
			return err
		}
		if dq.Answer == "" {
			continue
		}
		deps, err := departments(ctx, tx, action)
		if err != nil {
			return err
		}
		dep := CityDepartment
		if len(deps) > 0 {
			dep = deps[0]
		}
		var author int64
		if len(staff) > 0 {
			author = staff[0]
		}
		if err := insertDemoAnswer(ctx, tx, id, author, dep, dq.Answer, at.Add(3*24*time.Hour)); err != nil {
			return err
		}
	}
	return nil
}

type demoAction struct {
	ID    int64
	Title string
}

func demoActions(ctx context.Context, tx *db.Tx) ([]demoAction, error) {
	rows, err := tx.Query(ctx, "SELECT id, title FROM plan_actions WHERE status <> 'merged' ORDER BY identifier")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []demoAction
	for rows.Next() {
		var a demoAction
		if err := rows.Scan(&a.ID, &a.Title); err != nil {
			return nil, err
		}
		a.Title = strings.ToLower(a.Title)
		out = append(out, a)
	}
	return out, rows.Err()
}

// pickAction finds an unused action matching a keyword; without keywords,
// any unused action.
func pickAction(actions []demoAction, keywords []string, used map[int64]bool) (int64, bool) {
	for _, a := range actions {
		if used[a.ID] {
			continue
		}
		if len(keywords) == 0 {
			return a.ID, true
		}
		for _, k := range keywords {
			if strings.Contains(a.Title, k) {
				return a.ID, true
			}
		}
	}
	return 0, false
}

func insertDemoAnswer(ctx context.Context, tx *db.Tx, questionID, author int64, department, body string, at time.Time) error {
	var by any
	if author != 0 {
		by = author
	}
	if _, err := tx.Exec(ctx, `INSERT INTO plan_answers (question_id, author_id, department, official, body, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`, questionID, by, department, true, body, at); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, "UPDATE plan_questions SET answered_at = ? WHERE id = ? AND answered_at IS NULL", at, questionID)
	return err
}

func ids(ctx context.Context, tx *db.Tx, query string) ([]int64, error) {
	rows, err := tx.Query(ctx, query)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
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
