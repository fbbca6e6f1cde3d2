package network

import (
	"context"
	"fmt"
	"net/url"
	"sync/atomic"
	"testing"

	"climatevolunteers/internal/auth"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/districts"
	"climatevolunteers/internal/volunteers"
)

// fixture is the network over a test database with three Paris
// districts (1er, 11e, 16e) and no imported boundaries.
type fixture struct {
	d    *db.DB
	svc  *Service
	vols *volunteers.Service
}

var testDistricts = []districts.District{
	{Code: "1", Name: "Louvre", Position: 1, Lat: 48.8625, Lon: 2.3364},
	{Code: "11", Name: "Popincourt", Position: 11, Lat: 48.8591, Lon: 2.3801},
	{Code: "16", Name: "Passy", Position: 16, Lat: 48.8604, Lon: 2.2620},
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	if err := d.Tx(ctx, func(tx *db.Tx) error {
		for _, x := range testDistricts {
			if err := districts.Upsert(ctx, tx, x); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	vols := volunteers.NewService(d, nil)
	return &fixture{d: d, vols: vols, svc: NewService(Deps{DB: d, Districts: districts.NewStore(d), Volunteers: vols.Store()})}
}

var userSeq atomic.Int64

// account makes an account without a volunteer profile.
func (fx *fixture) account(t *testing.T) int64 {
	t.Helper()
	var id int64
	err := fx.d.Tx(context.Background(), func(tx *db.Tx) (err error) {
		id, err = auth.InsertDemoUser(context.Background(), tx, fmt.Sprintf("v%d@example.org", userSeq.Add(1)), "fr")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// volunteer makes an account with a profile in district.
func (fx *fixture) volunteer(t *testing.T, district string, langs ...string) int64 {
	t.Helper()
	id := fx.account(t)
	if len(langs) == 0 {
		langs = []string{"fr"}
	}
	errs, err := fx.vols.SaveProfile(context.Background(), volunteers.Profile{UserID: id, DisplayName: fmt.Sprint("Bénévole ", id),
		DistrictCode: district, Visibility: volunteers.VisibilityCommunity, Languages: langs}, true)
	if err != nil || len(errs) > 0 {
		t.Fatal(err, errs)
	}
	return id
}

// answers gives the quiz's answers with the listed questions answered
// wrongly.
func answers(wrong ...string) url.Values {
	v := url.Values{}
	for _, q := range Heatwave.Questions {
		a := q.Answer
		for _, w := range wrong {
			if w == q.ID {
				for _, o := range q.Options {
					if o != q.Answer {
						a = o
						break
					}
				}
			}
		}
		v.Set(q.ID, a)
	}
	return v
}

// pass records a passed attempt at the service's training version.
func (fx *fixture) pass(t *testing.T, id int64) {
	t.Helper()
	r, errs, err := fx.svc.SubmitQuiz(context.Background(), id, fx.svc.Training.Version, answers())
	if err != nil || len(errs) > 0 || !r.Passed {
		t.Fatalf("pass: %v %v %+v", err, errs, r)
	}
}

// input is a valid join form.
func input() Input {
	return Input{Consent: true, Capacity: "3", Languages: []string{"fr", "en"}, Districts: []string{"11", "1"}}
}

// join makes a trained member.
func (fx *fixture) join(t *testing.T, id int64, in Input) {
	t.Helper()
	fx.pass(t, id)
	errs, err := fx.svc.Save(context.Background(), id, in)
	if err != nil || len(errs) > 0 {
		t.Fatalf("join: %v %v", err, errs)
	}
}

func (fx *fixture) consentActive(t *testing.T, id int64) bool {
	t.Helper()
	cs, err := fx.vols.Store().Consents(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	_, ok := volunteers.ActiveConsents(cs)[Purpose]
	return ok
}

func (fx *fixture) available(t *testing.T) map[int64]bool {
	t.Helper()
	ms, err := fx.svc.Available(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]bool{}
	for _, m := range ms {
		out[m.UserID] = true
	}
	return out
}
