package archive

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/newsarchive/newsarchive"
)

// The decoders read bytes from the file: whatever they hold, they return
// a value or ErrCorrupt, never panic.
func FuzzDecoders(f *testing.F) {
	f.Add(encodeSnapshot(&snapshot{URL: "https://a.example/", FetchedAt: time.Unix(1, 0), Status: 200,
		Header: map[string][]string{"Etag": {`"x"`}}, BodyID: 3, RawLen: 10, Record: 1, Version: 1, ContentHash: "h"}))
	f.Add(encodeRecord(&record{ID: "id", URL: "https://a.example/", Versions: 2, Aliases: []string{"u"}}))
	f.Add(encodeRef(&ref{URL: "u", Status: 304}))
	f.Add(encodeVersion(&version{Article: []byte(`{"id":"x"}`), Splice: true}))
	f.Add(encodeVersion(&version{Article: []byte(strings.Repeat(`{"id":"x","body":"words words"}`, 20)), Splice: true}))
	f.Add(encodeBody(&body{Codec: codecZstd, Data: []byte("zz")}))
	f.Add(encodeCounters(&counters{Snapshots: 9}))
	f.Add([]byte{1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Fuzz(func(t *testing.T, b []byte) {
		decodeSnapshot(b)
		decodeRecord(b)
		decodeRef(b)
		decodeVersion(b)
		decodeBody(b)
		decodeCounters(b)
		decodeSite(b)
		decodeBodyHashValue(b)
		parseBoltMeta(b)
	})
}

func TestEncodingsRoundTrip(t *testing.T) {
	at := time.Date(2025, 1, 18, 9, 0, 0, 123, time.UTC)
	s := &snapshot{URL: "https://a.example/x", RequestedURL: "https://a.example/y", FetchedAt: at, Status: 200,
		Header: map[string][]string{"Etag": {`"x"`}, "Set-Cookie": {"a=1", "b=2"}}, BodyID: 7, RawLen: 99,
		RevisitOf: 3, Record: 2, Version: 4, ContentHash: "abc", Extracted: true, IsArticle: true, ExtractErr: "e",
		Hints: []newsarchive.Hint{{Source: "feed", Headline: "H", DatePublished: "2025-01-18"}, {Source: "sitemap"}}}
	s.BodyHash[0] = 9
	got, err := decodeSnapshot(encodeSnapshot(s))
	if err != nil || got.URL != s.URL || got.RequestedURL != s.RequestedURL || !got.FetchedAt.Equal(at) ||
		got.Header.Get("Etag") != `"x"` || len(got.Header["Set-Cookie"]) != 2 || got.BodyID != 7 || got.BodyHash != s.BodyHash ||
		got.RawLen != 99 || got.RevisitOf != 3 || got.Record != 2 || got.Version != 4 || got.ContentHash != "abc" ||
		!got.Extracted || !got.IsArticle || got.ExtractErr != "e" || !slices.Equal(got.Hints, s.Hints) {
		t.Errorf("snapshot round trip: %+v %v", got, err)
	}
	r := &record{ID: "i", URL: "u", Site: "s", FirstSeen: at, LastSeen: at.Add(time.Hour), Versions: 3, ContentHash: "h", Aliases: []string{"a", "b"}}
	gr, err := decodeRecord(encodeRecord(r))
	if err != nil || gr.ID != "i" || !gr.LastSeen.Equal(r.LastSeen) || gr.Versions != 3 || strings.Join(gr.Aliases, ",") != "a,b" {
		t.Errorf("record round trip: %+v %v", gr, err)
	}
	v, err := decodeVersion(encodeVersion(&version{ValidFrom: at, Snapshot: 5, Article: []byte("{}")}))
	if err != nil || v.Splice || v.Snapshot != 5 || string(v.Article) != "{}" {
		t.Errorf("version round trip: %+v %v", v, err)
	}
	long := []byte(`{"id":"x","paragraphs":["` + strings.Repeat("a long paragraph ", 50) + `"]}`)
	enc := encodeVersion(&version{Article: long, Splice: true})
	if enc[0] != 3 || len(enc) >= len(long) {
		t.Errorf("long version stored in format %d, %d bytes for %d", enc[0], len(enc), len(long))
	}
	if v, err := decodeVersion(enc); err != nil || !v.Splice || string(v.Article) != string(long) {
		t.Errorf("compressed version round trip: %v", err)
	}
	if _, err := decodeSnapshot([]byte{99}); err == nil {
		t.Error("unknown format accepted")
	}
}

// The word diff always gives both texts back.
func FuzzDiffWords(f *testing.F) {
	f.Add("The bridge opened on Monday.", "The bridge opened on Tuesday, late.")
	f.Add("", "x")
	f.Add("a  b\n\nc", "a b c")
	f.Fuzz(func(t *testing.T, a, b string) {
		var old, new strings.Builder
		for _, op := range diffWords(a, b) {
			if op.Text == "" {
				t.Fatalf("empty op")
			}
			if op.Kind != Insert {
				old.WriteString(op.Text)
			}
			if op.Kind != Delete {
				new.WriteString(op.Text)
			}
		}
		if old.String() != a || new.String() != b {
			t.Fatalf("diff of %q → %q gives back %q → %q", a, b, old.String(), new.String())
		}
	})
}
