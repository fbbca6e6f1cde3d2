package app

// wireRegistry builds the solidarity registry part and registers its pages.
func wireRegistry(d *solidarityDeps) error {
	return nil
}
