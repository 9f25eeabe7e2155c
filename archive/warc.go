package archive

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/newsarchive/newsarchive/internal/urlnorm"
	bolt "go.etcd.io/bbolt"
)

// WARCOptions configure ExportWARC. The zero value writes every snapshot,
// uncompressed.
type WARCOptions struct {
	// Since keeps snapshots fetched at or after Since. Zero keeps all.
	Since time.Time
	// Site keeps snapshots of one host ("www." and letter case ignored).
	Site string
	// Gzip compresses each WARC record as its own gzip member (a
	// .warc.gz file), as WARC tools expect.
	Gzip bool
	// Software names the writer in the warcinfo record. Empty means
	// "newsarchive".
	Software string
}

// Revisit profiles of WARC/1.1.
const (
	profileIdenticalPayload = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
	profileNotModified      = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
)

// requestedURIField carries Page.RequestedURL (the URL asked for before a
// redirect) in response records: a WARC extension field, ignored by other
// tools, read back by ImportWARC.
const requestedURIField = "Newsarchive-Requested-URI"

// warcChunk is how many snapshots one read transaction of ExportWARC covers.
const warcChunk = 64

// ExportWARC writes the snapshots as WARC/1.1, in the order they were
// stored: a warcinfo record, then per snapshot a request record (rebuilt:
// the archive keeps no request headers) and a response record, or, for a
// body already written, a revisit record (profile identical-payload-digest;
// server-not-modified for a 304) that refers to the response with the body.
// Digests are SHA-256. It returns how many snapshots it wrote and streams
// like Export.
func (s *Store) ExportWARC(ctx context.Context, w io.Writer, opts WARCOptions) (int, error) {
	ww := &warcWriter{w: bufio.NewWriterSize(w, 256<<10), gzip: opts.Gzip}
	sw := opts.Software
	if sw == "" {
		sw = "newsarchive"
	}
	info := "software: " + sw + "\r\nformat: WARC File Format 1.1\r\n" +
		"conformsTo: http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n" +
		"description: snapshots of a newsarchive archive; request records are rebuilt from the URL\r\n"
	now := s.now().UTC()
	if err := ww.record([][2]string{
		{"WARC-Type", "warcinfo"},
		{"WARC-Record-ID", recordID("warcinfo", now.Format(time.RFC3339Nano), s.path)},
		{"WARC-Date", now.Format(time.RFC3339)},
		{"Content-Type", "application/warc-fields"},
	}, []byte(info), nil); err != nil {
		return 0, fmt.Errorf("archive: export warc: %w", err)
	}
	site := strings.TrimPrefix(strings.ToLower(opts.Site), "www.")
	n := 0
	var recs []warcSnapshot
	err := s.scanChunks(ctx, bucketSnapshots, warcChunk, func(tx *bolt.Tx, id uint64, v []byte) (bool, error) {
		snap, err := decodeSnapshot(v)
		if err != nil {
			return false, fmt.Errorf("snapshot %d: %w", id, err)
		}
		if (site != "" && urlnorm.Host(snap.URL) != site) ||
			(!opts.Since.IsZero() && snap.FetchedAt.Before(opts.Since)) {
			return false, nil
		}
		ws := warcSnapshot{id: id, snap: snap}
		if snap.RevisitOf != 0 {
			// Refer to the snapshot that wrote the body.
			orig, origID := snap, snap.RevisitOf
			for orig.RevisitOf != 0 {
				origID = orig.RevisitOf
				if orig, err = getSnapshot(tx, origID); err != nil {
					return false, err
				}
			}
			ws.orig, ws.origID = orig, origID
		} else if snap.BodyID != 0 {
			if ws.body, err = s.readBody(tx, snap.BodyID); err != nil {
				return false, fmt.Errorf("snapshot %d: %w", id, err)
			}
		}
		recs = append(recs, ws)
		return true, nil
	}, func() error {
		for _, r := range recs {
			if err := ww.snapshot(r); err != nil {
				return err
			}
			n++
		}
		recs = recs[:0]
		return nil
	})
	if err != nil {
		return n, fmt.Errorf("archive: export warc: %w", err)
	}
	if err := ww.w.Flush(); err != nil {
		return n, fmt.Errorf("archive: export warc: %w", err)
	}
	return n, nil
}

// warcSnapshot is one snapshot on its way to the WARC file.
type warcSnapshot struct {
	id     uint64
	snap   *snapshot
	body   []byte    // the body, for a snapshot that stored it
	orig   *snapshot // for a revisit: the snapshot that stored the body
	origID uint64
}

// warcWriter writes WARC records, each its own gzip member when asked.
type warcWriter struct {
	w    *bufio.Writer
	gzip bool
	gz   *gzip.Writer
	buf  bytes.Buffer
}

// recordID makes a stable WARC-Record-ID from the parts that identify a
// record, so the same archive exports the same file.
func recordID(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	h[6] = h[6]&0x0f | 0x40 // version 4 layout
	h[8] = h[8]&0x3f | 0x80 // RFC 4122 variant
	x := hex.EncodeToString(h[:16])
	return "<urn:uuid:" + x[:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:] + ">"
}

func sha256Digest(b []byte) string {
	h := sha256.Sum256(b)
	return "sha256:" + base32.StdEncoding.EncodeToString(h[:])
}

// cleanField keeps a header value on one line.
func cleanField(v string) string {
	return strings.NewReplacer("\r", " ", "\n", " ").Replace(v)
}

// httpHead writes an HTTP/1.1 status line and header. Content-Length is
// the stored body's length and Transfer-Encoding is dropped, since the
// body is stored decoded from its transfer framing.
func httpHead(status int, h http.Header, bodyLen int, setLength bool) []byte {
	var b bytes.Buffer
	text := http.StatusText(status)
	if text == "" {
		text = "Unknown"
	}
	if status == 0 {
		status, text = 200, "OK"
	}
	fmt.Fprintf(&b, "HTTP/1.1 %d %s\r\n", status, text)
	keys := make([]string, 0, len(h))
	for k := range h {
		ck := http.CanonicalHeaderKey(k)
		if ck == "Transfer-Encoding" || (setLength && ck == "Content-Length") || ck == "" {
			continue
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range h[k] {
			b.WriteString(cleanField(k) + ": " + cleanField(v) + "\r\n")
		}
	}
	if setLength {
		b.WriteString("Content-Length: " + strconv.Itoa(bodyLen) + "\r\n")
	}
	b.WriteString("\r\n")
	return b.Bytes()
}

// snapshot writes the request and the response or revisit of a snapshot.
func (ww *warcWriter) snapshot(r warcSnapshot) error {
	snap := r.snap
	date := snap.FetchedAt.UTC().Format(time.RFC3339Nano)
	sid := strconv.FormatUint(r.id, 10)
	target := snap.URL
	var fields [][2]string
	var head, payload []byte
	respID := ""
	switch {
	case r.orig != nil:
		origDate := r.orig.FetchedAt.UTC().Format(time.RFC3339Nano)
		respID = recordID("revisit", sid, target, date)
		fields = [][2]string{
			{"WARC-Type", "revisit"},
			{"WARC-Record-ID", respID},
			{"WARC-Date", date},
			{"WARC-Target-URI", target},
		}
		if snap.Status == 304 {
			fields = append(fields, [2]string{"WARC-Profile", profileNotModified})
			head = httpHead(snap.Status, snap.Header, 0, false)
		} else {
			fields = append(fields, [2]string{"WARC-Profile", profileIdenticalPayload},
				[2]string{"WARC-Payload-Digest", "sha256:" + base32.StdEncoding.EncodeToString(snap.BodyHash[:])})
			head = httpHead(snap.Status, snap.Header, snap.RawLen, true)
		}
		fields = append(fields,
			[2]string{"WARC-Refers-To", recordID("response", strconv.FormatUint(r.origID, 10), r.orig.URL, origDate)},
			[2]string{"WARC-Refers-To-Target-URI", r.orig.URL},
			[2]string{"WARC-Refers-To-Date", origDate},
			[2]string{"Content-Type", "application/http;msgtype=response"})
	default:
		respID = recordID("response", sid, target, date)
		payload = r.body
		h := snap.Header
		if ce := h.Get("Content-Encoding"); ce != "" && !(ce == "gzip" && len(payload) > 1 && payload[0] == 0x1f && payload[1] == 0x8b) {
			// The body is stored decoded: do not claim an encoding.
			h = h.Clone()
			h.Del("Content-Encoding")
		}
		head = httpHead(snap.Status, h, len(payload), true)
		fields = [][2]string{
			{"WARC-Type", "response"},
			{"WARC-Record-ID", respID},
			{"WARC-Date", date},
			{"WARC-Target-URI", target},
			{"Content-Type", "application/http;msgtype=response"},
			{"WARC-Payload-Digest", sha256Digest(payload)},
		}
		if snap.RequestedURL != "" {
			fields = append(fields, [2]string{requestedURIField, snap.RequestedURL})
		}
	}
	if err := ww.record(fields, head, payload); err != nil {
		return err
	}
	// The request, rebuilt from the URL.
	u, err := url.Parse(target)
	if err != nil || u.Host == "" {
		return nil
	}
	req := "GET " + u.RequestURI() + " HTTP/1.1\r\nHost: " + u.Host + "\r\n\r\n"
	return ww.record([][2]string{
		{"WARC-Type", "request"},
		{"WARC-Record-ID", recordID("request", sid, target, date)},
		{"WARC-Date", date},
		{"WARC-Target-URI", target},
		{"WARC-Concurrent-To", respID},
		{"Content-Type", "application/http;msgtype=request"},
	}, []byte(req), nil)
}

// record writes one WARC record whose block is head followed by payload.
func (ww *warcWriter) record(fields [][2]string, head, payload []byte) error {
	bh := sha256.New()
	bh.Write(head)
	bh.Write(payload)
	ww.buf.Reset()
	b := &ww.buf
	b.WriteString("WARC/1.1\r\n")
	for _, f := range fields {
		b.WriteString(f[0] + ": " + cleanField(f[1]) + "\r\n")
	}
	b.WriteString("WARC-Block-Digest: sha256:" + base32.StdEncoding.EncodeToString(bh.Sum(nil)) + "\r\n")
	b.WriteString("Content-Length: " + strconv.Itoa(len(head)+len(payload)) + "\r\n\r\n")
	var out io.Writer = ww.w
	if ww.gzip {
		if ww.gz == nil {
			ww.gz, _ = gzip.NewWriterLevel(ww.w, gzip.DefaultCompression)
		} else {
			ww.gz.Reset(ww.w)
		}
		out = ww.gz
	}
	for _, p := range [][]byte{b.Bytes(), head, payload, []byte("\r\n\r\n")} {
		if _, err := out.Write(p); err != nil {
			return err
		}
	}
	if ww.gzip {
		return ww.gz.Close()
	}
	return nil
}
