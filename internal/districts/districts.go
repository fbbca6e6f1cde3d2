// Package districts holds the city's districts (Paris's 20 arrondissements
// in the demo): their names, centroids, areas and populations.
package districts

import (
	"errors"
	"fmt"
	"strings"
)

// District is one part of the city.
type District struct {
	Code       string
	Name       string
	Position   int // display order
	Lat, Lon   float64
	AreaKm2    float64
	Population int
}

// Density is residents per km².
func (d District) Density() float64 {
	if d.AreaKm2 <= 0 {
		return 0
	}
	return float64(d.Population) / d.AreaKm2
}

// Validate checks a district before it is stored.
func (d District) Validate() error {
	var errs []error
	if strings.TrimSpace(d.Code) == "" || len(d.Code) > 32 {
		errs = append(errs, errors.New("code must be 1 to 32 characters"))
	}
	if strings.TrimSpace(d.Name) == "" || len(d.Name) > 200 {
		errs = append(errs, errors.New("name must be 1 to 200 characters"))
	}
	if d.Lat < -90 || d.Lat > 90 || d.Lon < -180 || d.Lon > 180 {
		errs = append(errs, fmt.Errorf("centroid %.4f, %.4f is not a WGS84 position", d.Lat, d.Lon))
	}
	if d.AreaKm2 < 0 || d.Population < 0 {
		errs = append(errs, errors.New("area and population cannot be negative"))
	}
	return errors.Join(errs...)
}
