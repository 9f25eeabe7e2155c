package web

import (
	"bytes"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/net/html/charset"
)

// replay serves /web/<timestamp>/<url>: the stored snapshot of url nearest
// the timestamp, rewritten to load only from the archive.
func (s *Server) replay(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(strings.TrimPrefix(r.URL.EscapedPath(), "/web"), "/")
	if r.URL.RawQuery != "" {
		rest += "?" + r.URL.RawQuery // the query belongs to the archived URL
	}
	tsPart, target, ok := strings.Cut(rest, "/")
	if !ok || !isDigits(tsPart) {
		// /web/<url>: no timestamp, the latest snapshot.
		tsPart, target = "", rest
	}
	target = fixTarget(target)
	if !isWebURL(target) {
		s.fail(w, r, http.StatusBadRequest, fmt.Errorf("replay: %q is not an http or https URL; use /web/YYYYMMDDhhmmss/http://host/path", target))
		return
	}
	at := s.now()
	if tsPart != "" {
		t, err := parseTimestamp(tsPart)
		if err != nil {
			s.fail(w, r, http.StatusBadRequest, fmt.Errorf("replay: %w", err))
			return
		}
		at = t
	}
	snap, err := s.arch.NearestSnapshot(r.Context(), target, at)
	if errors.Is(err, ErrNotFound) {
		// ArchiveURL escapes ' ( and ), which an archived URL keeps as
		// they are: look the URL up as it was stored too.
		if raw := archivedForm.Replace(target); raw != target {
			snap, err = s.arch.NearestSnapshot(r.Context(), raw, at)
		}
	}
	if err != nil {
		code := status(err)
		if code == http.StatusNotFound {
			err = fmt.Errorf("%s was not archived", target)
		}
		s.fail(w, r, code, err)
		return
	}
	// Like the Wayback Machine: a timestamp that is not the snapshot's own
	// redirects to it, so the address bar and the banner agree and every
	// link of the page is rewritten with the snapshot's time.
	if ts := Timestamp(snap.FetchedAt); ts != tsPart {
		redirect(w, ArchiveURL(ts, target))
		return
	}

	h := w.Header()
	h.Set("Content-Security-Policy", CSPReplay)
	h.Set("X-Archive-Snapshot", snap.ID)
	h.Set("Cache-Control", "private, max-age=3600")
	code := snap.Status
	if code < 200 || (code >= 300 && code < 400) || code > 599 {
		code = http.StatusOK // 304 revisits and the like replay their body
	}
	ctype := snap.Header.Get("Content-Type")
	mt, _, _ := mime.ParseMediaType(ctype)
	if mt == "" {
		mt = strings.ToLower(strings.TrimSpace(strings.Split(http.DetectContentType(snap.Body), ";")[0]))
	}
	base, _ := url.Parse(snap.URL)
	if base == nil || !isWebURL(snap.URL) {
		base, _ = url.Parse(target)
	}
	rw := &rewriter{base: base, ts: tsPart}
	switch mt {
	case "text/html", "application/xhtml+xml":
		var out bytes.Buffer
		body, err := charset.NewReader(bytes.NewReader(snap.Body), ctype)
		if err != nil {
			// An unknown charset: the bytes as they are.
			body = bytes.NewReader(snap.Body)
		}
		banner, err := s.banner(snap, target)
		if err != nil {
			s.fail(w, r, http.StatusInternalServerError, err)
			return
		}
		if err := rewriteHTML(&out, body, rw, banner); err != nil {
			s.fail(w, r, http.StatusInternalServerError, fmt.Errorf("replay %s: %w", target, err))
			return
		}
		h.Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(code)
		_, _ = w.Write(out.Bytes())
	case "text/css":
		h.Set("Content-Type", ctype)
		w.WriteHeader(code)
		_, _ = w.Write([]byte(rw.css(string(snap.Body))))
	default:
		// Anything else goes out as it came in; the CSP and nosniff keep
		// a hostile one (an SVG with a script, say) from running.
		if ctype == "" {
			ctype = mt // sniffed above
		}
		h.Set("Content-Type", ctype)
		w.WriteHeader(code)
		_, _ = w.Write(snap.Body)
	}
}

// redirect answers 302 Found to loc as it is: http.Redirect would clean
// the "//" of the archived URL inside the path.
func redirect(w http.ResponseWriter, loc string) {
	w.Header().Set("Location", loc)
	w.WriteHeader(http.StatusFound)
}

// isDigits reports whether s is a non-empty run of ASCII digits.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// fixTarget repairs what proxies and path cleaners do to a URL inside a
// path ("http:/host" for "http://host") and adds http:// to a bare host.
func fixTarget(t string) string {
	for _, scheme := range []string{"http:", "https:"} {
		if strings.HasPrefix(t, scheme+"/") && !strings.HasPrefix(t, scheme+"//") {
			return scheme + "/" + t[len(scheme):]
		}
	}
	if !strings.Contains(t, "://") && t != "" {
		return "http://" + t
	}
	return t
}

// bannerView is the data of the replay banner.
type bannerView struct {
	URL       string
	FetchedAt time.Time
	Status    int
	Snapshot  string
	Record    string
}

// banner renders the bar shown at the top of a replayed page.
func (s *Server) banner(snap *Snapshot, target string) ([]byte, error) {
	var b bytes.Buffer
	u := snap.URL
	if u == "" {
		u = target
	}
	err := s.tmpl.ExecuteTemplate(&b, "banner.html", bannerView{
		URL: u, FetchedAt: snap.FetchedAt, Status: snap.Status, Snapshot: snap.ID, Record: snap.RecordID,
	})
	if err != nil {
		return nil, fmt.Errorf("replay banner: %w", err)
	}
	return b.Bytes(), nil
}
