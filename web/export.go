package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// ExportQuery filters GET /api/export, as the flags of `newsarchive export`
// do.
type ExportQuery struct {
	// Since keeps records seen at or after Since; zero keeps all.
	Since time.Time
	// Site keeps the records of one host; empty keeps all.
	Site string
	// AsOf exports each record as it stood then; zero exports the latest.
	AsOf time.Time
}

// GET /api/export?since=T&site=H&as-of=T streams the records as JSONL, one
// per line, as `newsarchive export` writes them. It reads through the same
// Archive as the pages, so a process that crawls and serves (newsarchive
// schedule --serve) can be exported from while it writes.
func (s *Server) apiExport(w http.ResponseWriter, r *http.Request) {
	q, err := parseExportQuery(r.URL.Query())
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/x-ndjson; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="newsarchive-export.jsonl"`)
	h.Set("Cache-Control", "no-store")
	cw := &countingWriter{w: w}
	n, err := s.arch.Export(r.Context(), cw, q)
	if err != nil {
		if cw.n == 0 {
			h.Del("Content-Disposition")
			s.fail(w, r, status(err), err)
			return
		}
		// The status is sent: all a client can be told is that the body
		// stops short. Abort the response so it sees an error, not an
		// export that looks complete.
		s.log.Error("export stopped", "url", r.URL.String(), "records", n, "err", err)
		panic(http.ErrAbortHandler)
	}
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w interface{ Write([]byte) (int, error) }
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func parseExportQuery(v url.Values) (ExportQuery, error) {
	var q ExportQuery
	var err error
	if q.Since, err = parseTime("since", v.Get("since")); err != nil {
		return q, err
	}
	if q.AsOf, err = parseTime("as-of", v.Get("as-of")); err != nil {
		return q, err
	}
	q.Site = strings.TrimSpace(v.Get("site"))
	return q, nil
}

// parseTime reads RFC 3339 or a date (midnight UTC).
func parseTime(name, s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	// The formats of the export command's --since and --as-of.
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%s %q: want RFC 3339 or a date YYYY-MM-DD: %w", name, s, ErrBadQuery)
}
