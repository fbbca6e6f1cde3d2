package app

// wirePlanQuestions builds the Climate Plan's questions part and registers its routes
// (skeleton: the part's engineer fills it in).
func wirePlanQuestions(d *planDeps) error {
	return nil
}
