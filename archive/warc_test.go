package archive_test

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/base32"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/newsarchive/newsarchive"
	"github.com/newsarchive/newsarchive/archive"
	gowarc "github.com/nlnwa/gowarc/v3"
)

// readWARC reads a WARC with gowarc (not our writer's code) under strict
// validation, digests included, and counts the record types.
func readWARC(t *testing.T, b []byte) map[string]int {
	t.Helper()
	rd, err := gowarc.NewWarcFileReaderFromStream(bytes.NewReader(b), 0, gowarc.WithStrictValidation())
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	types := map[string]int{}
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("gowarc: record at %d: %v", rec.Offset, err)
		}
		if len(rec.Validation) > 0 {
			t.Errorf("gowarc: record at %d: %v", rec.Offset, rec.Validation)
		}
		if v, err := rec.WarcRecord.ValidateDigest(); err != nil || len(v) > 0 {
			t.Errorf("gowarc: digest of record at %d: %v %v", rec.Offset, v, err)
		}
		types[rec.WarcRecord.Type().String()]++
		rec.Close()
	}
	return types
}

// withoutWarcinfo drops the first record of an uncompressed WARC (its
// warcinfo names the file and the time of the export).
func withoutWarcinfo(b []byte) []byte {
	i := bytes.Index(b[1:], []byte("WARC/1.1\r\n"))
	return b[i+1:]
}

func TestWARCRoundTrip(t *testing.T) {
	ctx := context.Background()
	src, _ := MustOpen(t, &fakeExtractor{})
	fillArchive(t, src)
	MustPut(t, src, &newsarchive.Page{URL: "https://a.example/story/0", FetchedAt: day.Add(100 * time.Hour), Status: 304})
	redirected := page("https://a.example/story/new", day.Add(101*time.Hour), "d5", "", "New", "new story")
	redirected.RequestedURL = "https://a.example/s/new"
	MustPut(t, src, redirected)
	st, _ := src.Stats(ctx)

	for _, gz := range []bool{false, true} {
		t.Run(fmt.Sprint("gzip=", gz), func(t *testing.T) {
			var w bytes.Buffer
			n, err := src.ExportWARC(ctx, &w, archive.WARCOptions{Gzip: gz})
			if err != nil || n != st.Snapshots {
				t.Fatalf("export: %d of %d snapshots, %v", n, st.Snapshots, err)
			}
			types := readWARC(t, w.Bytes())
			if types["warcinfo"] != 1 || types["request"] != st.Snapshots ||
				types["response"] != st.Snapshots-st.Revisits || types["revisit"] != st.Revisits {
				t.Errorf("record types %v for %+v", types, st)
			}

			dst, _ := MustOpen(t, &fakeExtractor{})
			rep, err := dst.ImportWARC(ctx, bytes.NewReader(w.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			if rep.Snapshots != st.Snapshots || rep.Revisits != st.Revisits || rep.Skipped != 0 {
				t.Errorf("import %+v, want %d snapshots, %d revisits", rep, st.Snapshots, st.Revisits)
			}
			got, _ := dst.Stats(ctx)
			if got.Snapshots != st.Snapshots || got.Records != st.Records || got.Versions != st.Versions ||
				got.Bodies != st.Bodies || got.BodyBytes != st.BodyBytes || got.Aliases != st.Aliases {
				t.Errorf("imported stats %+v, want %+v", got, st)
			}
			// Nothing lost: the records and a second WARC are identical.
			var a, b bytes.Buffer
			src.Export(ctx, &a, archive.ExportOptions{})
			dst.Export(ctx, &b, archive.ExportOptions{})
			if a.String() != b.String() {
				t.Errorf("records differ after the WARC round trip:\n%.3000s\n---\n%.3000s", a.String(), b.String())
			}
			var w1, w2 bytes.Buffer
			src.ExportWARC(ctx, &w1, archive.WARCOptions{})
			dst.ExportWARC(ctx, &w2, archive.WARCOptions{})
			if !bytes.Equal(withoutWarcinfo(w1.Bytes()), withoutWarcinfo(w2.Bytes())) {
				t.Error("second WARC export differs from the first")
			}
			if err := dst.Check(ctx); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestWARCExportFilters(t *testing.T) {
	ctx := context.Background()
	s, _ := MustOpen(t, &fakeExtractor{})
	fillArchive(t, s)
	var w bytes.Buffer
	n, err := s.ExportWARC(ctx, &w, archive.WARCOptions{Site: "b.example", Since: day.Add(24 * time.Hour)})
	// b.example's six re-fetches and the edits of stories 3 and 9.
	if err != nil || n != 8 {
		t.Errorf("filtered export: %d snapshots, %v; want 8", n, err)
	}
	readWARC(t, w.Bytes())
}

// warcRecord writes one WARC/1.0 record the way other tools do (SHA-1
// digests, LF-free CRLF framing).
func warcRecord(fields map[string]string, block string) string {
	h := sha1.Sum([]byte(block))
	var b strings.Builder
	b.WriteString("WARC/1.0\r\n")
	for _, k := range []string{"WARC-Type", "WARC-Record-ID", "WARC-Date", "WARC-Target-URI", "WARC-Profile", "WARC-Refers-To", "WARC-Payload-Digest", "Content-Type"} {
		if v, ok := fields[k]; ok {
			b.WriteString(k + ": " + v + "\r\n")
		}
	}
	b.WriteString("WARC-Block-Digest: sha1:" + base32.StdEncoding.EncodeToString(h[:]) + "\r\n")
	fmt.Fprintf(&b, "Content-Length: %d\r\n\r\n%s\r\n\r\n", len(block), block)
	return b.String()
}

func TestImportForeignWARC(t *testing.T) {
	body := "<html><h1>Foreign</h1><p>From another crawler.</p></html>"
	ph := sha1.Sum([]byte(body))
	digest := "sha1:" + base32.StdEncoding.EncodeToString(ph[:])
	head := "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nETag: \"v1\"\r\nContent-Length: " + fmt.Sprint(len(body)) + "\r\n\r\n"
	in := warcRecord(map[string]string{"WARC-Type": "warcinfo", "WARC-Record-ID": "<urn:uuid:00000000-0000-4000-8000-000000000000>",
		"WARC-Date": "2025-01-18T09:00:00Z", "Content-Type": "application/warc-fields"}, "software: other\r\n") +
		warcRecord(map[string]string{"WARC-Type": "response", "WARC-Record-ID": "<urn:uuid:00000000-0000-4000-8000-000000000001>",
			"WARC-Date": "2025-01-18T09:00:00Z", "WARC-Target-URI": "https://c.example/foreign", "WARC-Payload-Digest": digest,
			"Content-Type": "application/http;msgtype=response"}, head+body) +
		warcRecord(map[string]string{"WARC-Type": "revisit", "WARC-Record-ID": "<urn:uuid:00000000-0000-4000-8000-000000000002>",
			"WARC-Date": "2025-01-19T09:00:00Z", "WARC-Target-URI": "https://c.example/foreign?x=1",
			"WARC-Profile":   "http://netpreserve.org/warc/1.0/revisit/identical-payload-digest",
			"WARC-Refers-To": "<urn:uuid:00000000-0000-4000-8000-000000000001>", "WARC-Payload-Digest": digest,
			"Content-Type": "application/http;msgtype=response"}, head) +
		warcRecord(map[string]string{"WARC-Type": "revisit", "WARC-Record-ID": "<urn:uuid:00000000-0000-4000-8000-000000000003>",
			"WARC-Date": "2025-01-20T09:00:00Z", "WARC-Target-URI": "https://c.example/foreign",
			"WARC-Profile": "http://netpreserve.org/warc/1.0/revisit/server-not-modified",
			"Content-Type": "application/http;msgtype=response"}, "HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\n\r\n") +
		warcRecord(map[string]string{"WARC-Type": "metadata", "WARC-Record-ID": "<urn:uuid:00000000-0000-4000-8000-000000000004>",
			"WARC-Date": "2025-01-20T09:00:00Z", "WARC-Target-URI": "https://c.example/foreign", "Content-Type": "text/plain"}, "note")
	s, _ := MustOpen(t, &fakeExtractor{})
	rep, err := s.ImportWARC(context.Background(), strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Snapshots != 3 || rep.Revisits != 2 || rep.Records != 1 || rep.Skipped != 1 {
		t.Errorf("report %+v", rep)
	}
	a, err := s.Record(context.Background(), "https://c.example/foreign")
	if err != nil {
		t.Fatal(err)
	}
	if a.Headline != "Foreign" || len(a.Snapshots) != 3 || len(a.URLs) != 2 {
		t.Errorf("record %+v", a)
	}
	if e, _ := s.Validators("https://c.example/foreign"); e != `"v1"` {
		t.Errorf("etag %q", e)
	}
}
