package network

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/volunteers"
)

// SeedDemo makes n of the demo volunteers (their profiles are read in tx)
// trained members of the network: capacities of 1 to 3 mostly, some 4 or
// 5; their profile's languages (French when none); their district, and
// for some the nearest other one; a rounded location for a third of them.
// Their consent is granted as the volunteers' demo grants consents.
func SeedDemo(ctx context.Context, tx *db.Tx, now time.Time, n int) error {
	if n <= 0 {
		return nil
	}
	type volunteer struct {
		id       int64
		district string
	}
	var people []volunteer
	rows, err := tx.Query(ctx, `SELECT user_id, district_code FROM volunteer_profiles
		WHERE active = ? AND district_code IS NOT NULL ORDER BY user_id`, true)
	if err != nil {
		return err
	}
	for rows.Next() {
		var v volunteer
		if err := rows.Scan(&v.id, &v.district); err != nil {
			rows.Close()
			return err
		}
		people = append(people, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	langs := map[int64][]string{}
	if err := eachRow(ctx, tx, "SELECT user_id, lang FROM volunteer_languages ORDER BY user_id, lang",
		func(id int64, l string) { langs[id] = append(langs[id], l) }); err != nil {
		return err
	}
	centroids, err := demoCentroids(ctx, tx)
	if err != nil {
		return err
	}

	rng := rand.New(rand.NewPCG(2003, 1154)) // same demo on every machine
	rng.Shuffle(len(people), func(i, j int) { people[i], people[j] = people[j], people[i] })
	for _, p := range people[:min(n, len(people))] {
		c, ok := centroids[p.district]
		if !ok {
			continue
		}
		v := valid{capacity: demoCapacity(rng), languages: langs[p.id], districts: []string{p.district}}
		if len(v.languages) == 0 {
			v.languages = []string{"fr"}
		}
		if rng.IntN(10) < 3 {
			if near := nearestOther(centroids, p.district); near != "" {
				v.districts = append(v.districts, near)
			}
		}
		if rng.IntN(3) == 0 {
			lat := roundPoint(c[0] + (rng.Float64()-0.5)*0.012)
			lon := roundPoint(c[1] + (rng.Float64()-0.5)*0.018)
			v.lat, v.lon = &lat, &lon
		}
		joined := now.Add(-time.Duration(1+rng.IntN(60*24)) * time.Hour).UTC().Truncate(time.Microsecond)
		score := Heatwave.PassMark + rng.IntN(len(Heatwave.Questions)-Heatwave.PassMark+1)
		r := Result{Version: Heatwave.Version, Score: score, Total: len(Heatwave.Questions), Passed: true}
		if err := recordAttempt(ctx, tx, p.id, r, joined.Add(-time.Hour)); err != nil {
			return err
		}
		if _, err := insertMember(ctx, tx, p.id, v, joined); err != nil {
			return err
		}
		if _, err := volunteers.SetConsentTx(ctx, tx, p.id, Purpose, true, joined); err != nil {
			return err
		}
	}
	return nil
}

// demoCapacity: 1 to 3 for nine in ten, 4 or 5 for the others.
func demoCapacity(rng *rand.Rand) int {
	switch r := rng.IntN(20); {
	case r < 6:
		return 1
	case r < 12:
		return 2
	case r < 18:
		return 3
	case r < 19:
		return 4
	default:
		return 5
	}
}

func demoCentroids(ctx context.Context, tx *db.Tx) (map[string][2]float64, error) {
	rows, err := tx.Query(ctx, "SELECT code, lat, lon FROM districts")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][2]float64{}
	for rows.Next() {
		var code string
		var lat, lon float64
		if err := rows.Scan(&code, &lat, &lon); err != nil {
			return nil, err
		}
		out[code] = [2]float64{lat, lon}
	}
	return out, rows.Err()
}

// nearestOther is the district whose centroid is closest to code's.
func nearestOther(centroids map[string][2]float64, code string) string {
	c := centroids[code]
	codes := make([]string, 0, len(centroids))
	for k := range centroids {
		codes = append(codes, k)
	}
	slices.Sort(codes) // ties broken the same way on every run
	best, bestD := "", math.Inf(1)
	for _, k := range codes {
		if k == code {
			continue
		}
		o := centroids[k]
		dlat, dlon := o[0]-c[0], (o[1]-c[1])*math.Cos(c[0]*math.Pi/180)
		if d := dlat*dlat + dlon*dlon; d < bestD {
			best, bestD = k, d
		}
	}
	return best
}
