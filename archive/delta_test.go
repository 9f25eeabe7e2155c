package archive

import (
	"bytes"
	"strings"
	"testing"
)

func TestDelta(t *testing.T) {
	page := func(date, teaser string) []byte {
		return []byte("<html><header>" + date + "</header>" + strings.Repeat("<nav>menu item</nav>", 200) +
			"<aside>" + teaser + "</aside><article>" + strings.Repeat("The article text goes on. ", 300) + "</article></html>")
	}
	base := page("Saturday, January 18, 2025", "Hot: kelp pact")
	tests := []struct {
		name   string
		target []byte
		max    int // largest acceptable delta
	}{
		{"same", base, 32},
		{"other date and teaser", page("Monday, April 21, 2025", "Hot: night train returns"), 200},
		{"unrelated", []byte(strings.Repeat("zq", 500)), 1100},
		{"empty", nil, 8},
		{"short", []byte("hi"), 8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := makeDelta(base, tt.target)
			if len(d) > tt.max {
				t.Errorf("delta of %d bytes, want at most %d", len(d), tt.max)
			}
			got, err := applyDelta(base, d, len(tt.target))
			if err != nil || !bytes.Equal(got, tt.target) {
				t.Fatalf("round trip: %v", err)
			}
		})
	}
}

func FuzzDelta(f *testing.F) {
	f.Add([]byte(strings.Repeat("abcdefghijklmnopqrstuvwxyz", 10)), []byte(strings.Repeat("abcdefghijklmnopqrstuvwxyz", 9)+"XYZ"))
	f.Add([]byte{}, []byte("x"))
	f.Fuzz(func(t *testing.T, base, target []byte) {
		got, err := applyDelta(base, makeDelta(base, target), len(target))
		if err != nil || !bytes.Equal(got, target) {
			t.Fatalf("round trip: %v", err)
		}
		// Any bytes as a delta: an error or a result, never a panic.
		applyDelta(base, target, len(base))
	})
}
