package main

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// importCmd loads data sets; the districts feature fills it in.
func importCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fmt.Fprintln(stderr, "usage: climatevolunteers import districts FILE.geojson [--code-property P] [--name-property P]")
	return usageError{errors.New("import is not available yet")}
}
