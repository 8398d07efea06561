package export

import (
	"bufio"
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// manifestPrefix starts the name of the file, in the export directory, that
// lists what the last export of an app wrote there. The next export of the
// app removes the files listed there that it no longer writes; files of
// other apps, and files it did not write, are never touched.
const manifestPrefix = ".hancho-export-"

// write writes files into dir atomically, removes what the app's previous
// export wrote and this one does not, and records the new list.
func write(dir, app string, files []file, out io.Writer) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("export directory: %w", err)
	}
	manifest := filepath.Join(dir, manifestPrefix+app)
	previous, err := readManifest(manifest)
	if err != nil {
		return err
	}
	written := map[string]bool{}
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.path))
		mode := fs.FileMode(0o644)
		if f.exec {
			mode = 0o755
		}
		if err := writeAtomic(p, f.data, mode); err != nil {
			return err
		}
		written[filepath.ToSlash(filepath.Clean(filepath.FromSlash(f.path)))] = true
		fmt.Fprintf(out, "wrote %s\n", p)
	}
	if err := removeStale(dir, previous, written, out); err != nil {
		return err
	}
	list := slices.Sorted(func(yield func(string) bool) {
		for p := range written {
			if !yield(p) {
				return
			}
		}
	})
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "# Files that `hancho export` wrote here for the app %s; the next export removes those it no longer writes.\n", app)
	for _, p := range list {
		fmt.Fprintln(&buf, p)
	}
	if err := writeAtomic(manifest, buf.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(out, "wrote %s\n", manifest)
	return nil
}

// readManifest returns the files a previous export listed; none when there
// was none. Lines that are not plain relative paths inside the directory
// are ignored, so a damaged manifest cannot make an export delete files
// outside it.
func readManifest(path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the list of the previous export: %w", err)
	}
	var paths []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if p := filepath.FromSlash(line); filepath.IsLocal(p) && !strings.HasPrefix(filepath.Base(p), manifestPrefix) {
			paths = append(paths, filepath.ToSlash(filepath.Clean(p)))
		}
	}
	return paths, nil
}

// removeStale removes the previous files that were not written now, then
// the directories that this leaves empty (a runit service directory).
func removeStale(dir string, previous []string, written map[string]bool, out io.Writer) error {
	parents := map[string]bool{}
	for _, rel := range previous {
		if written[rel] {
			continue
		}
		p := filepath.Join(dir, filepath.FromSlash(rel))
		info, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("removing an old export file: %w", err)
		}
		if info.IsDir() {
			continue
		}
		if err := os.Remove(p); err != nil {
			return fmt.Errorf("removing an old export file: %w", err)
		}
		fmt.Fprintf(out, "removed %s\n", p)
		for d := filepath.Dir(rel); d != "."; d = filepath.Dir(d) {
			parents[d] = true
		}
	}
	// Deepest first, so that a directory is empty once its children are gone.
	dirs := slices.SortedFunc(func(yield func(string) bool) {
		for d := range parents {
			if !yield(d) {
				return
			}
		}
	}, func(a, b string) int {
		return cmp.Or(cmp.Compare(strings.Count(b, "/"), strings.Count(a, "/")), strings.Compare(a, b))
	})
	for _, d := range dirs {
		p := filepath.Join(dir, filepath.FromSlash(d))
		if err := os.Remove(p); err == nil { // fails, as wanted, when something else is left in it
			fmt.Fprintf(out, "removed %s\n", p)
		}
	}
	return nil
}

// writeAtomic replaces path with data: it writes a temporary file in the
// same directory and renames it over path, so a reader sees the old file or
// the new one, never a part.
func writeAtomic(path string, data []byte, mode fs.FileMode) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	_, err = tmp.Write(data)
	err = cmp.Or(err, tmp.Chmod(mode), tmp.Sync())
	err = cmp.Or(err, tmp.Close())
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
