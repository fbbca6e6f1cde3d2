package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"path/filepath"
	"strings"

	"climatevolunteers/internal/coolplaces"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/districts"
)

const importUsage = `usage: climatevolunteers import districts FILE.geojson --code-property P --name-property P
       [--population-property P] [--data-dir DIR | --database-url URL]
       climatevolunteers import cool-places FILE.csv [--source NAME] [--data-dir DIR | --database-url URL]

Loads districts from a GeoJSON FeatureCollection of Polygon or MultiPolygon
features in WGS84 (for example Paris's "arrondissements" open data with
--code-property c_ar --name-property l_aroff). Districts are matched by code;
the file is imported whole or not at all.

cool-places loads the City's "ilots-de-fraicheur-…" or "fontaines-a-boire"
CSV exports (semicolons or commas, with a header). Places are matched by
their identifiant; the file is imported whole or not at all, and every
refused line is listed.
`

// importCmd loads data sets: districts from GeoJSON, cool places from CSV.
func importCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "cool-places" {
		return importCoolPlaces(ctx, args[1:], getenv, stdout, stderr)
	}
	if len(args) == 0 || args[0] != "districts" {
		fmt.Fprint(stderr, importUsage)
		if len(args) == 0 {
			return usageError{errors.New("say what to import: districts or cool-places")}
		}
		return usageError{fmt.Errorf("cannot import %q; only districts or cool-places", args[0])}
	}
	fs, cfg := storageFlags("import districts", stderr)
	var opts districts.ImportOptions
	fs.StringVar(&opts.CodeProperty, "code-property", "", "feature property holding the district's code (required)")
	fs.StringVar(&opts.NameProperty, "name-property", "", "feature property holding the district's name (required)")
	fs.StringVar(&opts.PopulationProperty, "population-property", "", "feature property holding the population (without it, known populations are kept)")
	fs.Usage = func() {
		fmt.Fprint(stderr, importUsage+"\nflags:\n")
		fs.PrintDefaults()
	}
	// The file usually comes before the flags, where the flag package stops
	// reading: parse again after each argument that is not a flag.
	var files []string
	rest := args[1:]
	for {
		if err := parseFlags(fs, cfg, rest, getenv); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		files, rest = append(files, fs.Arg(0)), fs.Args()[1:]
	}
	switch {
	case len(files) != 1:
		fs.Usage()
		return usageError{errors.New("give exactly one GeoJSON FILE")}
	case opts.CodeProperty == "" || opts.NameProperty == "":
		fs.Usage()
		return usageError{errors.New("--code-property and --name-property are required")}
	}

	// The file is checked before the database is touched: a refused file
	// needs no database, and leaves none behind.
	f, err := os.Open(files[0])
	if err != nil {
		return err
	}
	defer f.Close()
	feats, err := districts.ParseGeoJSON(f, opts)
	var ie *districts.ImportError
	if errors.As(err, &ie) {
		for _, line := range ie.Lines() {
			fmt.Fprintln(stderr, line)
		}
		return fmt.Errorf("%s refused (%d problems); nothing was imported", files[0], len(ie.Problems))
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", files[0], err)
	}

	d, err := db.Open(ctx, db.Options{DatabaseURL: cfg.DatabaseURL, DataDir: cfg.DataDir})
	if err != nil {
		return err
	}
	defer d.Close()
	if _, err := d.Migrate(ctx); err != nil {
		return err
	}
	res, err := districts.NewStore(d).Import(ctx, feats)
	if err != nil {
		return fmt.Errorf("import %s: %w; nothing was imported", files[0], err)
	}
	fmt.Fprintf(stdout, "imported %d districts from %s: %d new, %d updated\n", len(feats), files[0], res.Created, res.Updated)
	return nil
}

// importCoolPlaces loads one of the City's cool-place CSV files.
func importCoolPlaces(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs, cfg := storageFlags("import cool-places", stderr)
	source := fs.String("source", "", "data set name stored with each place (default: the file name without extension)")
	fs.Usage = func() {
		fmt.Fprint(stderr, importUsage+"\nflags:\n")
		fs.PrintDefaults()
	}
	var files []string
	rest := args
	for {
		if err := parseFlags(fs, cfg, rest, getenv); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		files, rest = append(files, fs.Arg(0)), fs.Args()[1:]
	}
	if len(files) != 1 {
		fs.Usage()
		return usageError{errors.New("give exactly one CSV FILE")}
	}
	if *source == "" {
		*source = strings.TrimSuffix(filepath.Base(files[0]), filepath.Ext(files[0]))
	}

	// As for districts, the file is checked before the database is touched.
	f, err := os.Open(files[0])
	if err != nil {
		return err
	}
	defer f.Close()
	rows, err := coolplaces.ParseCSV(f, *source)
	var ie *coolplaces.ImportError
	if errors.As(err, &ie) {
		for _, line := range ie.Lines() {
			fmt.Fprintln(stderr, line)
		}
		return fmt.Errorf("%s refused (%d problems); nothing was imported", files[0], len(ie.Problems))
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", files[0], err)
	}

	d, err := db.Open(ctx, db.Options{DatabaseURL: cfg.DatabaseURL, DataDir: cfg.DataDir})
	if err != nil {
		return err
	}
	defer d.Close()
	if _, err := d.Migrate(ctx); err != nil {
		return err
	}
	res, err := coolplaces.NewStore(d).Import(ctx, rows)
	if err != nil {
		return fmt.Errorf("import %s: %w; nothing was imported", files[0], err)
	}
	fmt.Fprintf(stdout, "imported %d cool places from %s: %d new, %d updated\n", len(rows), files[0], res.Created, res.Updated)
	if res.UnknownHours > 0 {
		fmt.Fprintf(stdout, "%d places have hours that could not be read; they count as closed on those days\n", res.UnknownHours)
	}
	if res.NoDistrict > 0 {
		fmt.Fprintf(stdout, "%d places match no district\n", res.NoDistrict)
	}
	return nil
}
