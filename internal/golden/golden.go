// Package golden compares rendered text with a file under testdata/;
// `go test ./... -update` rewrites the files (review the diff before committing).
package golden

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// Assert fails t when got differs from testdata/name.
func Assert(t testing.TB, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run `go test -update` to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the rendered text (run `go test -update` and review the diff):\n--- want\n%s\n--- got\n%s", path, want, got)
	}
}
