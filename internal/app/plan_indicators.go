package app

// wirePlanIndicators builds the Climate Plan's indicators part and registers its routes
// (skeleton: the part's engineer fills it in).
func wirePlanIndicators(d *planDeps) error {
	return nil
}
