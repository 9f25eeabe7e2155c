package archive

import (
	"bytes"
	"encoding/binary"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// Two bodies whose hashes share the 8-byte prefix: the second is filed
// under its full hash, and each hash finds its own body.
func TestBodyHashPrefixCollision(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "a.db"), DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var h1, h2, h3 [32]byte
	for i := range h1 {
		h1[i], h2[i], h3[i] = 1, 1, 1
	}
	h2[31], h3[30] = 2, 3
	err = s.update(func(tx *bolt.Tx) error {
		for i, h := range [][32]byte{h1, h2} {
			id := uint64(i + 1)
			if err := tx.Bucket(bucketSnapshots).Put(u64key(id), encodeSnapshot(&snapshot{URL: "u", BodyID: id, BodyHash: h})); err != nil {
				return err
			}
			_, first, _, key, err := lookupBody(newLookups(tx), h)
			if err != nil {
				return err
			}
			if first != nil {
				return errors.New("a new body's hash found")
			}
			if err := putBodyHash(tx, key, id, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = s.view(func(tx *bolt.Tx) error {
		if n := tx.Bucket(bucketBodyHashes).Stats().KeyN; n != 2 {
			t.Errorf("%d keys", n)
		}
		if tx.Bucket(bucketBodyHashes).Get(h2[:]) == nil {
			t.Error("second body not under its full hash")
		}
		for i, h := range [][32]byte{h1, h2} {
			bodyID, first, firstID, err := findBody(tx, h)
			if err != nil || first == nil || bodyID != uint64(i+1) || firstID != uint64(i+1) || first.BodyHash != h {
				t.Errorf("body %d: %d %v %d %v", i+1, bodyID, first, firstID, err)
			}
		}
		if _, first, _, err := findBody(tx, h3); first != nil || err != nil {
			t.Errorf("unknown hash with a taken prefix: %v %v", first, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestRecordIDKey(t *testing.T) {
	hexID := "0123456789abcdef"
	if k := recordIDKey(hexID); len(k) != 9 || k[0] != 1 || binary.BigEndian.Uint64(k[1:]) != 0x0123456789abcdef {
		t.Errorf("hex id key %x", k)
	}
	keys := map[string]bool{}
	for _, id := range []string{hexID, strings.ToUpper(hexID), "0123456789abcdeg", "\x01\x01#Eg\x89\xab\xcd\xef", "x", "0123456789abcde"} {
		k := string(recordIDKey(id))
		if keys[k] {
			t.Errorf("%q: key %x taken", id, k)
		}
		keys[k] = true
	}
	if recordIDKey("") != nil {
		t.Error("empty id has a key")
	}
	if k := recordIDKey(strings.Repeat("a", 3000)); len(k) > 64 || !bytes.HasPrefix(k, []byte{2, 0}) {
		t.Errorf("long id key %q", k)
	}
}

// A file of schema 1 (bodyhashes keyed by the full hash) is refused with
// ErrSchema, saying how to carry its content over.
func TestOldSchemaRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	s, err := Open(path, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	err = s.update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).Put(metaSchema, binary.BigEndian.AppendUint32(nil, 1))
	})
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	_, err = Open(path, DefaultOptions())
	if !errors.Is(err, ErrSchema) || !strings.Contains(err.Error(), "schema 1") || !strings.Contains(err.Error(), "import") {
		t.Errorf("got %v", err)
	}
}
