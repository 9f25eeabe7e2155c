package archive_test

import (
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/newsarchive/newsarchive/archive"
	bolt "go.etcd.io/bbolt"
)

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.db")
	os.WriteFile(garbage, []byte(strings.Repeat("not a database ", 2000)), 0o644)
	tiny := filepath.Join(dir, "tiny.db")
	os.WriteFile(tiny, []byte("x"), 0o644)
	foreign := filepath.Join(dir, "foreign.db")
	db, err := bolt.Open(foreign, 0o644, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("other")); return err })
	db.Close()

	// A real archive, then truncated to half its size.
	truncated := filepath.Join(dir, "truncated.db")
	s := MustOpenPath(t, truncated, &fakeExtractor{})
	for i := range 60 {
		MustPut(t, s, page("https://news.example/"+strings.Repeat("x", i), day, "d", "", "H", strings.Repeat("text ", 2000+i)))
	}
	st, err := s.Stats(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	used := int(st.FileBytes) // bbolt grows the file ahead of its pages: cut into the pages
	s.Close()
	full, err := os.ReadFile(truncated)
	if err != nil {
		t.Fatal(err)
	}
	cut := func(name string, n int) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, full[:n], 0o644)
		return p
	}

	empty := filepath.Join(dir, "empty.db")
	os.WriteFile(empty, nil, 0o644)
	dirPath := filepath.Join(dir, "dir.db")
	os.Mkdir(dirPath, 0o755)
	// The freelist page, as the newer meta page names it, zeroed.
	noFreelist := filepath.Join(dir, "nofreelist.db")
	{
		b := append([]byte(nil), full...)
		le := binary.LittleEndian
		meta := func(off int) (txid, freelist, pageSize uint64) {
			m := b[off+16:]
			return le.Uint64(m[48:]), le.Uint64(m[32:]), uint64(le.Uint32(m[8:]))
		}
		tx0, fl, ps := meta(0)
		if tx1, fl1, _ := meta(int(ps)); tx1 > tx0 {
			fl = fl1
		}
		clear(b[fl*ps : (fl+1)*ps])
		os.WriteFile(noFreelist, b, 0o644)
	}
	readOnly := func(o *archive.Options) { o.ReadOnly = true }

	tests := []struct {
		name string
		path string
		opts func(*archive.Options)
		want error
	}{
		{"garbage", garbage, nil, archive.ErrCorrupt},
		{"one byte", tiny, nil, archive.ErrCorrupt},
		{"truncated to a quarter", cut("q.db", used/4), nil, archive.ErrCorrupt},
		{"truncated to half", cut("h.db", used/2), nil, archive.ErrCorrupt},
		{"last page missing", cut("l.db", used-4096), nil, archive.ErrCorrupt},
		{"meta pages only", cut("m.db", 8192), nil, archive.ErrCorrupt},
		{"half a meta page", cut("p.db", 2048), nil, archive.ErrCorrupt},
		{"other bbolt file", foreign, nil, archive.ErrSchema},
		{"read-only missing file", filepath.Join(dir, "missing.db"), readOnly, os.ErrNotExist},
		{"read-only empty file", empty, readOnly, archive.ErrCorrupt},
		{"directory", dirPath, nil, syscall.EISDIR},
		{"read-only directory", dirPath, readOnly, syscall.EISDIR},
		{"freelist page zeroed", noFreelist, nil, archive.ErrCorrupt},
		{"path under a file", filepath.Join(garbage, "a.db"), nil, syscall.ENOTDIR},
		{"read-only path under a file", filepath.Join(garbage, "a.db"), readOnly, syscall.ENOTDIR},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := archive.DefaultOptions()
			if tt.opts != nil {
				tt.opts(&opts)
			}
			s, err := archive.Open(tt.path, opts)
			if err == nil {
				s.Close()
				t.Fatal("opened")
			}
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.path) {
				t.Errorf("error %q, want %v naming the file", err, tt.want)
			}
			// Only a damaged file is worth restoring from a backup.
			if corrupt := errors.Is(tt.want, archive.ErrCorrupt); strings.Contains(err.Error(), "backup") != corrupt {
				t.Errorf("error %q: mentions a backup %v, want %v", err, !corrupt, corrupt)
			}
		})
	}
}

func TestOpenLocked(t *testing.T) {
	_, path := MustOpen(t, nil)
	// flock locks belong to the open file, so a second Open in the same
	// process meets the lock like another process would.
	opts := archive.DefaultOptions()
	opts.Timeout = 50 * 1e6
	s, err := archive.Open(path, opts)
	if err == nil {
		s.Close()
		t.Fatal("second open succeeded")
	}
	if !errors.Is(err, archive.ErrLocked) || !strings.Contains(err.Error(), path) {
		t.Errorf("error %q, want ErrLocked naming %s", err, path)
	}
}

func TestReadOnly(t *testing.T) {
	s, path := MustOpen(t, &fakeExtractor{})
	MustPut(t, s, page("https://news.example/1", day, "d", "", "H", "p"))
	s.Close()
	opts := archive.DefaultOptions()
	opts.ReadOnly = true
	ro, err := archive.Open(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if _, err := ro.Put(t.Context(), page("https://news.example/2", day, "d", "", "H", "p")); !errors.Is(err, archive.ErrReadOnly) {
		t.Errorf("put on read-only: %v", err)
	}
	if st, err := ro.Stats(t.Context()); err != nil || st.Records != 1 {
		t.Errorf("stats %+v %v", st, err)
	}
}
