package archive

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base32"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/newsarchive/newsarchive"
	gowarc "github.com/nlnwa/gowarc/v3"
	bolt "go.etcd.io/bbolt"
)

// ImportWARC reads a WARC file (plain or .warc.gz, WARC/1.0 or 1.1, from
// any tool) and stores each response as a snapshot through Put, so the
// extractor makes the records as it would have during the crawl. Revisit
// records become revisits: server-not-modified as a 304 of the URL,
// identical-payload-digest with the body they refer to (found by SHA-256
// payload digest, or by WARC-Refers-To within the same file). Request,
// warcinfo and metadata records are not stored. Unlike ImportJSONL it may
// add to an archive that is not empty: pages merge into its records as
// fetches of a crawl do.
//
// A capture the archive already holds (same URL, requested URL, fetch
// time, status and body) is skipped, so an import that was stopped can be
// run again on the same file to store the rest, and a WARC imported twice
// adds nothing the second time. Finding them reads every snapshot of an
// archive that is not empty once, before the import starts.
func (s *Store) ImportWARC(ctx context.Context, r io.Reader) (ImportReport, error) {
	var rep ImportReport
	if s.opts.ReadOnly {
		return rep, fmt.Errorf("archive: import warc: %w", ErrReadOnly)
	}
	held, err := s.captures(ctx)
	if err != nil {
		return rep, fmt.Errorf("archive: import warc: %w", err)
	}
	rd, err := gowarc.NewWarcFileReaderFromStream(r, 0,
		gowarc.WithSyntaxErrorPolicy(gowarc.ErrWarn), gowarc.WithSpecViolationPolicy(gowarc.ErrWarn),
		gowarc.WithUnknownRecordTypePolicy(gowarc.ErrIgnore), gowarc.WithBlockErrorPolicy(gowarc.ErrWarn))
	if err != nil {
		return rep, fmt.Errorf("archive: import warc: %w", err)
	}
	defer rd.Close()
	// Bodies by WARC-Record-ID and by payload digest, for revisits that
	// refer to responses of this file with digests other than SHA-256.
	byID := map[string][32]byte{}
	byDigest := map[string][32]byte{}
	// Pages are stored in batches (one commit each); bodies of the batch
	// not yet committed are found here.
	var batch []*newsarchive.Page
	pending := map[[32]byte][]byte{}
	size := 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		res, err := s.PutBatch(ctx, batch)
		if err != nil {
			return err
		}
		for _, r := range res {
			rep.Snapshots++
			switch r.Outcome {
			case Revisit:
				rep.Revisits++
			case NewRecord:
				rep.Records++
			}
		}
		batch, size = batch[:0], 0
		clear(pending)
		return nil
	}
	for {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return rep, fmt.Errorf("archive: import warc: record at byte %d: %w", rec.Offset, err)
		}
		p, err := s.warcPage(rec.WarcRecord, byID, byDigest, pending, &rep)
		rec.Close()
		if err != nil {
			return rep, fmt.Errorf("archive: import warc: record at byte %d: %w", rec.Offset, err)
		}
		if p == nil {
			continue
		}
		var sum [32]byte // the body's hash, taken once
		if p.Status != 304 {
			sum = sha256Sum(p.Body)
		}
		if _, ok := held[captureOf(p.URL, p.RequestedURL, p.FetchedAt, p.Status, capturedBody(p, sum))]; ok {
			rep.Skipped++
			continue
		}
		batch = append(batch, p)
		size += len(p.Body)
		if p.Status != 304 {
			pending[sum] = p.Body
		}
		if len(batch) == warcImportBatch || size >= warcImportBytes {
			if err := flush(); err != nil {
				return rep, fmt.Errorf("archive: import warc: %w", err)
			}
		}
	}
	if err := flush(); err != nil {
		return rep, fmt.Errorf("archive: import warc: %w", err)
	}
	return rep, nil
}

// capture identifies one fetch for a WARC import: the SHA-256 of its URL,
// requested URL, fetch time, status and body hash, truncated (an archive's
// worth of them is held in memory).
type capture [16]byte

func captureOf(url, requested string, at time.Time, status int, body [32]byte) capture {
	h := sha256.New()
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(at.UTC().UnixNano()))
	h.Write(n[:])
	binary.BigEndian.PutUint64(n[:], uint64(status))
	h.Write(n[:])
	h.Write(body[:])
	fmt.Fprintf(h, "%d:%s%s", len(url), url, requested)
	var c capture
	copy(c[:], h.Sum(nil))
	return c
}

// capturedBody is the body hash a snapshot of p would hold, given the
// hash of p's body: none for a 304 (whose snapshot refers to an earlier
// body) or an empty body.
func capturedBody(p *newsarchive.Page, sum [32]byte) [32]byte {
	if p.Status == 304 || len(p.Body) == 0 {
		return [32]byte{}
	}
	return sum
}

// captures returns the capture of every snapshot the archive holds.
func (s *Store) captures(ctx context.Context) (map[capture]struct{}, error) {
	held := map[capture]struct{}{}
	err := s.scanChunks(ctx, bucketSnapshots, browseChunk, func(_ *bolt.Tx, id uint64, v []byte) (bool, error) {
		snap, err := decodeSnapshot(v)
		if err != nil {
			return false, fmt.Errorf("snapshot %d: %w", id, err)
		}
		body := snap.BodyHash
		if snap.Status == 304 || snap.BodyID == 0 || snap.RawLen == 0 {
			body = [32]byte{}
		}
		held[captureOf(snap.URL, snap.RequestedURL, snap.FetchedAt, snap.Status, body)] = struct{}{}
		return true, nil
	}, func() error { return nil })
	return held, err
}

// A WARC import commits every warcImportBatch pages or warcImportBytes of
// bodies, whichever comes first.
const (
	warcImportBatch = 200
	warcImportBytes = 32 << 20
)

// warcPage turns one WARC record into the Page to store, or nil.
func (s *Store) warcPage(wr gowarc.WarcRecord, byID, byDigest map[string][32]byte, pending map[[32]byte][]byte, rep *ImportReport) (*newsarchive.Page, error) {
	h := wr.WarcHeader()
	typ := wr.Type()
	if typ != gowarc.Response && typ != gowarc.Revisit {
		if typ != gowarc.Request && typ != gowarc.Warcinfo {
			rep.Skipped++
		}
		return nil, nil
	}
	date, err := wr.Date()
	if err != nil {
		return nil, fmt.Errorf("WARC-Date: %w", err)
	}
	p := &newsarchive.Page{
		URL: h.Get(gowarc.WarcTargetURI), RequestedURL: h.Get(requestedURIField),
		FetchedAt: date.UTC(), Header: http.Header{},
	}
	hb, isHTTP := wr.Block().(gowarc.HttpResponseBlock)
	switch {
	case isHTTP:
		p.Status = hb.HttpStatusCode()
		if hh := hb.HttpHeader(); hh != nil {
			p.Header = hh.Clone()
		}
	case typ == gowarc.Revisit:
		// gowarc gives a revisit's HTTP head as bytes only.
		pb, ok := wr.Block().(gowarc.ProtocolHeaderBlock)
		if !ok {
			rep.Skipped++
			return nil, nil
		}
		resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(pb.ProtocolHeaderBytes())), nil)
		if err != nil {
			rep.Skipped++ // not an HTTP revisit
			return nil, nil
		}
		resp.Body.Close()
		p.Status, p.Header = resp.StatusCode, resp.Header
	default:
		rep.Skipped++ // a non-HTTP response (dns:, ftp:)
		return nil, nil
	}
	if typ == gowarc.Response {
		pr, err := hb.PayloadBytes()
		if err != nil {
			return nil, err
		}
		if p.Body, err = io.ReadAll(pr); err != nil {
			return nil, err
		}
		sum := sha256Sum(p.Body)
		byID[h.GetId(gowarc.WarcRecordID)] = sum
		if d := h.Get(gowarc.WarcPayloadDigest); d != "" {
			byDigest[d] = sum
		}
		return p, nil
	}
	// A revisit.
	if strings.Contains(h.Get(gowarc.WarcProfile), "server-not-modified") {
		p.Status = 304
		return p, nil
	}
	sum, ok := byID[h.GetId(gowarc.WarcRefersTo)]
	if !ok {
		sum, ok = byDigest[h.Get(gowarc.WarcPayloadDigest)]
	}
	if !ok {
		sum, ok = parseSHA256(h.Get(gowarc.WarcPayloadDigest))
	}
	if !ok {
		rep.Skipped++ // refers to a body this archive does not hold
		return nil, nil
	}
	if body, ok := pending[sum]; ok {
		p.Body = body
		return p, nil
	}
	var body []byte
	found := false
	err = s.view(func(tx *bolt.Tx) error {
		bodyID, first, _, err := findBody(tx, sum)
		if err != nil || first == nil {
			return err
		}
		found = true
		body, err = s.readBody(tx, bodyID)
		return err
	})
	if err != nil {
		return nil, err
	}
	if !found {
		rep.Skipped++
		return nil, nil
	}
	p.Body = body
	return p, nil
}

// parseSHA256 reads a "sha256:" digest in base32 or hex.
func parseSHA256(d string) ([32]byte, bool) {
	var out [32]byte
	alg, val, ok := strings.Cut(d, ":")
	if !ok || !strings.EqualFold(strings.ReplaceAll(alg, "-", ""), "sha256") {
		return out, false
	}
	var b []byte
	var err error
	if len(val) == 64 {
		b, err = hex.DecodeString(val)
	} else {
		b, err = base32.StdEncoding.DecodeString(strings.ToUpper(val))
		if err != nil {
			b, err = base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.ToUpper(val))
		}
	}
	if err != nil || len(b) != 32 {
		return out, false
	}
	copy(out[:], b)
	return out, true
}
