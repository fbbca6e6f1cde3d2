package indicators

import (
	"context"
	"fmt"
	"time"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/plan/history"
)

// demoIndicator is one indicator of the demo plan.
type demoIndicator struct {
	slug, theme, description, source string
	def                              Indicator
	values                           []Value
	linkThemes                       []string // the first actions of these themes are linked to it
}

var demoIndicators = []demoIndicator{
	{
		slug: "empreinte-carbone", theme: "mobilite",
		description: "Émissions de gaz à effet de serre dues à la consommation des Parisiens, où qu'elles aient lieu " +
			"(Bilan Carbone). En 2018, le transport aérien en représente 33 % et l'alimentation 17 %. " +
			"Valeur 2004 déduite des baisses publiées (-9,2 % en 2014, -20 % en 2018).",
		source: SourcePlanClimat2018, def: DemoFootprint, values: DemoFootprintValues,
		linkThemes: []string{"alimentation", "mobilisation"},
	},
	{
		slug: "emissions-locales", theme: "energie-batiments",
		description: "Émissions de gaz à effet de serre sur le territoire parisien (« intra-muros »). " +
			"Valeur 2004 déduite de la baisse de 25 % publiée pour 2018.",
		source: SourcePlanClimat2018, def: DemoLocalEmissions, values: DemoLocalEmissionsValues,
		linkThemes: []string{"energie-batiments", "mobilite"},
	},
}

// SeedDemo writes Paris's carbon footprint and local emissions, with their
// 2030 and 2050 goals, the published values and their sources (FACTS.md),
// and links each to the first two top-level actions of a few themes (or
// their sub-themes). The themes and
// actions come from the actions part's seed, which runs first; a missing
// theme leaves the indicator without one.
func SeedDemo(ctx context.Context, tx *db.Tx, now time.Time) error {
	for _, d := range demoIndicators {
		var themeID int64
		var theme string
		if err := tx.QueryRow(ctx, "SELECT COALESCE(MAX(id), 0), COALESCE(MAX(name), '') FROM plan_themes WHERE slug = ?", d.theme).
			Scan(&themeID, &theme); err != nil {
			return fmt.Errorf("indicators: demo theme: %w", err)
		}
		c := Checked{Slug: d.slug, Description: d.description, Source: d.source, ThemeID: themeID, Indicator: d.def}
		id, err := insertIndicator(ctx, tx, c, 0, now)
		if err != nil {
			return err
		}
		changes := append([]history.Change{{Field: "created", New: c.Name}}, diffFields(Checked{}, "", c, theme)...)
		for _, v := range d.values {
			if _, err := insertValue(ctx, tx, id, v, 0, now); err != nil {
				return err
			}
			changes = append(changes, valueChanges(nil, &v)...)
		}
		if _, err := history.Record(ctx, tx, history.Set{Kind: history.KindIndicator, SubjectID: id, SubjectLabel: c.Name,
			Origin: history.OriginCreate, At: now, Changes: changes}); err != nil {
			return err
		}
		for _, slug := range d.linkThemes {
			if _, err := tx.Exec(ctx, `INSERT INTO plan_action_links (action_id, target_kind, target_id)
				SELECT a.id, 'indicator', ? FROM plan_actions a JOIN plan_themes t ON t.id = a.theme_id
				WHERE (t.slug = ? OR t.parent_id = (SELECT id FROM plan_themes WHERE slug = ?)) AND a.parent_id IS NULL
				ORDER BY a.identifier LIMIT 2`, id, slug, slug); err != nil {
				return fmt.Errorf("indicators: demo links: %w", err)
			}
		}
	}
	return nil
}

// SeedBench writes n indicators with years yearly values each, ending last
// year, for the dashboard's benchmark. The figures are made up and the
// slugs ("bench-001"…) say so.
func SeedBench(ctx context.Context, tx *db.Tx, now time.Time, n, years int) error {
	base := now.Year() - years
	for i := 1; i <= n; i++ {
		dir := LowerIsBetter
		if i%5 == 0 {
			dir = HigherIsBetter
		}
		start := 100 + float64(i)
		c := Checked{Slug: fmt.Sprintf("bench-%03d", i), Source: "benchmark", Indicator: Indicator{
			Name: fmt.Sprintf("Indicateur de test %d", i), Unit: "kt", Direction: dir, BaselineYear: base, BaselineValue: start,
			Goals: []Goal{{max(2030, base+1), start * 0.6}, {max(2050, base+2), start * 0.2}},
		}}
		id, err := insertIndicator(ctx, tx, c, 0, now)
		if err != nil {
			return err
		}
		for y := 0; y < years; y++ {
			v := Value{Year: base + y, Value: start - float64(y*(i%7+1))/3, Source: "benchmark"}
			if _, err := insertValue(ctx, tx, id, v, 0, now); err != nil {
				return err
			}
		}
	}
	return nil
}
