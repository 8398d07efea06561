package export

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestLaunchdRoundTrip parses each plist with encoding/xml, as launchd
// reads it, runs its ProgramArguments in WorkingDirectory with exactly its
// EnvironmentVariables, and checks what the process gets byte for byte.
// XML cannot hold most control characters, so CONTROL is left out here and
// TestLaunchdRejectsControlCharacters checks the error instead.
func TestLaunchdRoundTrip(t *testing.T) {
	srv := newHelperServer(t)
	spec := trickySpec(t, srv.path, "CONTROL")
	dir := exportTo(t, "launchd", spec)
	want := wantEnv(spec, false)
	for _, in := range spec.Instances {
		path := filepath.Join(dir, "tricky-"+strings.Replace(in.Name, ".", "-", 1)+".plist")
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		v, err := parsePlist(data)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		job := v.(map[string]any)
		if job["Label"] != "tricky-"+strings.Replace(in.Name, ".", "-", 1) {
			t.Errorf("%s: Label %q", path, job["Label"])
		}
		var argv []string
		env := []string{"PATH=/usr/bin:/bin:/usr/sbin:/sbin"} // launchd's own, before EnvironmentVariables
		for _, a := range job["ProgramArguments"].([]any) {
			argv = append(argv, a.(string))
		}
		for k, v := range job["EnvironmentVariables"].(map[string]any) {
			env = append(env, k+"="+v.(string))
		}
		wantKeepAlive := any(true)
		if in.Type == "beta" { // restart: on-failure
			wantKeepAlive = map[string]any{"SuccessfulExit": false}
		}
		if fmt.Sprint(job["KeepAlive"]) != fmt.Sprint(wantKeepAlive) || job["RunAtLoad"] != true || job["ExitTimeOut"] != int64(5) {
			t.Errorf("%s: KeepAlive %v, RunAtLoad %v, ExitTimeOut %v", path, job["KeepAlive"], job["RunAtLoad"], job["ExitTimeOut"])
		}
		cmd := runDirect(t, argv, env, job["WorkingDirectory"].(string))
		h, err := srv.accept(time.Now().Add(30 * time.Second))
		if err != nil {
			t.Fatal(err)
		}
		checkHelper(t, spec, in.Name, h, want[in.Name])
		stopGroup(t, cmd, h, syscall.SIGTERM) // launchd always stops with SIGTERM
	}
}

func TestLaunchdRejectsControlCharacters(t *testing.T) {
	spec := trickySpec(t, "/run/hancho-test.sock")
	err := Export("launchd", spec, t.TempDir(), io.Discard)
	if err == nil || !strings.Contains(err.Error(), "CONTROL holds the character U+0007, which a property list (XML) cannot carry") {
		t.Errorf("got %v, want an error naming CONTROL and U+0007", err)
	}
}

// parsePlist decodes an XML property list into strings, int64s, bools,
// []any and map[string]any, rejecting anything else.
func parsePlist(data []byte) (any, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	for {
		tok, err := d.Token()
		if err != nil {
			return nil, err
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "plist" {
			return plistValue(d, nil)
		}
	}
}

// plistValue decodes the next value; start is its element when already read.
func plistValue(d *xml.Decoder, start *xml.StartElement) (any, error) {
	for start == nil {
		tok, err := d.Token()
		if err != nil {
			return nil, err
		}
		if se, ok := tok.(xml.StartElement); ok {
			start = &se
		}
	}
	switch start.Name.Local {
	case "string", "integer", "key":
		var s string
		if err := d.DecodeElement(&s, start); err != nil {
			return nil, err
		}
		if start.Name.Local == "integer" {
			return strconv.ParseInt(s, 10, 64)
		}
		return s, nil
	case "true", "false":
		return start.Name.Local == "true", d.Skip()
	case "array", "dict":
		var items []any
		for {
			tok, err := d.Token()
			if err != nil {
				return nil, err
			}
			if _, ok := tok.(xml.EndElement); ok {
				break
			}
			if se, ok := tok.(xml.StartElement); ok {
				v, err := plistValue(d, &se)
				if err != nil {
					return nil, err
				}
				items = append(items, v)
			}
		}
		if start.Name.Local == "array" {
			return items, nil
		}
		m := map[string]any{}
		if len(items)%2 != 0 {
			return nil, fmt.Errorf("a dict with a key and no value")
		}
		for i := 0; i < len(items); i += 2 {
			k, ok := items[i].(string)
			if !ok {
				return nil, fmt.Errorf("a dict key that is not a <key>")
			}
			if _, dup := m[k]; dup {
				return nil, fmt.Errorf("the key %s twice", k)
			}
			m[k] = items[i+1]
		}
		return m, nil
	}
	return nil, fmt.Errorf("unexpected <%s>", start.Name.Local)
}
