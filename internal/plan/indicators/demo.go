package indicators

// Demo data from ../shared/FACTS.md. The 2004 figures are derived there from
// the published percentages ("about"), and goals are percentages of 2004,
// turned into absolute values here so the trajectory needs no base year.
// Nothing wires these yet; the demo seeder will.

// Sources as FACTS.md names them: the first two for values, the last for goals.
const (
	SourceBilanCarbone2018 = "paris.fr, « le bilan carbone de Paris 2018 »"
	SourceActionClimat2018 = "parisactionclimat.paris.fr, rapport 2018"
	SourcePlanClimat2018   = "Plan Climat de Paris 2018 (objectifs 2030 et 2050 par rapport à 2004)"
)

// DemoFootprint is Paris's carbon footprint: -40 % by 2030, -80 % by 2050.
var DemoFootprint = Indicator{
	Name:          "Empreinte carbone de Paris",
	Unit:          "MtCO2e",
	Direction:     LowerIsBetter,
	BaselineYear:  2004,
	BaselineValue: 28.2,
	Goals: []Goal{
		{Year: 2030, Value: 28.2 * (1 - 0.40)}, // 16.92
		{Year: 2050, Value: 28.2 * (1 - 0.80)}, // 5.64
	},
}

// DemoFootprintValues are the Bilan Carbone figures (2004 derived from -9.2 %
// in 2014 and -20 % in 2018).
var DemoFootprintValues = []Value{
	{Year: 2004, Value: 28.2, Source: SourceBilanCarbone2018},
	{Year: 2014, Value: 25.6, Source: SourceBilanCarbone2018},
	{Year: 2018, Value: 22.7, Source: SourceBilanCarbone2018},
}

// DemoLocalEmissions are the emissions inside Paris ("intra-muros"): -50 % by
// 2030, -100 % (carbon neutral, residual offset) by 2050.
var DemoLocalEmissions = Indicator{
	Name:          "Émissions locales de gaz à effet de serre",
	Unit:          "MtCO2e",
	Direction:     LowerIsBetter,
	BaselineYear:  2004,
	BaselineValue: 7.3,
	Goals: []Goal{
		{Year: 2030, Value: 7.3 * (1 - 0.50)}, // 3.65
		{Year: 2050, Value: 0},
	},
}

// DemoLocalEmissionsValues: 2004 derived from the -25 % of 2018.
var DemoLocalEmissionsValues = []Value{
	{Year: 2004, Value: 7.3, Source: SourceActionClimat2018},
	{Year: 2018, Value: 5.5, Source: SourceActionClimat2018},
}
