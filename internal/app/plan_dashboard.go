package app

// wirePlanDashboard builds the Climate Plan's dashboard part and registers its routes
// (skeleton: the part's engineer fills it in).
func wirePlanDashboard(d *planDeps) error {
	return nil
}
