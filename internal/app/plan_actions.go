package app

// wirePlanActions builds the Climate Plan's actions part and registers its routes
// (skeleton: the part's engineer fills it in).
func wirePlanActions(d *planDeps) error {
	return nil
}
