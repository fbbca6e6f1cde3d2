package app

// wireNetwork builds the solidarity network part and registers its pages.
func wireNetwork(d *solidarityDeps) error {
	return nil
}
