package app

// wirePlanCommittees builds the Climate Plan's committees part and registers its routes
// (skeleton: the part's engineer fills it in).
func wirePlanCommittees(d *planDeps) error {
	return nil
}
