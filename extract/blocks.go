package extract

import (
	"crypto/sha256"
	"encoding/hex"
	"hash/fnv"

	"github.com/newsarchive/newsarchive"
)

// minBlockKey is the shortest normalised text that gets a fingerprint: a
// shorter block ("Share", "Menu") says nothing about a site.
const minBlockKey = 20

// fingerprint is the 64-bit FNV-1a hash of a normalised block text.
func fingerprint(key string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(key))
	return h.Sum64()
}

// fingerprints returns the distinct fingerprints of the page's text
// blocks, in page order.
func (a *analysis) fingerprints() []uint64 {
	var out []uint64
	seen := make(map[uint64]bool, len(a.blocks))
	for i := range a.blocks {
		b := &a.blocks[i]
		if len(b.key) < minBlockKey {
			continue
		}
		fp := fingerprint(b.key)
		if !seen[fp] {
			seen[fp] = true
			out = append(out, fp)
		}
	}
	return out
}

// contentHash is the hex SHA-256 of the normalised headline, paragraphs
// and captions: what changes when the article changes, and nothing else.
func contentHash(headline string, paras []string, caps []newsarchive.Caption) string {
	h := sha256.New()
	write := func(tag byte, s string) {
		h.Write([]byte{tag, ':'})
		h.Write([]byte(foldSpace(s)))
		h.Write([]byte{'\n'})
	}
	write('h', headline)
	for _, p := range paras {
		write('p', p)
	}
	for _, c := range caps {
		write('c', c.Text)
	}
	return hex.EncodeToString(h.Sum(nil))
}
