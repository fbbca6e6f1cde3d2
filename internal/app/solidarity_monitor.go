package app

// wireMonitor builds the solidarity monitor part and registers its pages.
func wireMonitor(d *solidarityDeps) error {
	return nil
}
