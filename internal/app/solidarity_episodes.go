package app

// wireEpisodes builds the solidarity episodes part and registers its pages.
func wireEpisodes(d *solidarityDeps) error {
	return nil
}
