package web

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// Options configure New.
type Options struct {
	// Archive is what the server reads. Required.
	Archive Archive
	// Logger receives one line per failed request (level error for a
	// server fault, warn for an unavailable archive). Nil discards.
	Logger *slog.Logger
	// Now returns the current time: the replay time of a /web/<url> that
	// names no timestamp. Nil means time.Now.
	Now func() time.Time
	// PageSize is how many records a page of the list shows. Zero means
	// 50.
	PageSize int
	// Hosts are the Host header values (host:port, or host for the
	// default port) the server answers; any other gets 421 Misdirected
	// Request. That keeps a web page on another site from reading the
	// archive through DNS rebinding (its name pointed at 127.0.0.1). Empty
	// answers every Host: only for a server that is meant to be reached
	// under names it cannot know.
	Hosts []string
}

// DefaultOptions returns the options `newsarchive serve` starts from:
// everything but the Archive.
func DefaultOptions() Options {
	return Options{PageSize: 50}
}

// Server is the browsing UI and JSON API over an Archive. It is an
// http.Handler, safe for concurrent use.
type Server struct {
	arch  Archive
	log   *slog.Logger
	now   func() time.Time
	page  int
	tmpl  *template.Template
	mux   *http.ServeMux
	cspUI string
	hosts map[string]bool // empty: any Host
}

//go:embed templates/*.html
var templateFiles embed.FS

// Content-Security-Policy of the UI's own pages: no script at all, styles
// inline, frames (the replay beside a record) from this server only.
const cspUI = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-src 'self'; " +
	"form-action 'self'; base-uri 'none'; frame-ancestors 'self'"

// CSPReplay is the Content-Security-Policy of a replayed page: it may load
// from this server only (where every URL it names was rewritten to point),
// runs no script, submits no form, and is sandboxed without scripts.
const CSPReplay = "default-src 'self'; script-src 'none'; object-src 'none'; connect-src 'none'; " +
	"worker-src 'none'; manifest-src 'none'; img-src 'self' data:; font-src 'self' data:; media-src 'self' data:; " +
	"style-src 'self' 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'; " +
	"sandbox allow-same-origin allow-popups allow-top-navigation-by-user-activation"

// New returns a Server reading opts.Archive. It starts nothing: serve it
// with an http.Server.
func New(opts Options) (*Server, error) {
	if opts.Archive == nil {
		return nil, ErrNoArchive
	}
	s := &Server{arch: opts.Archive, log: opts.Logger, now: opts.Now, page: opts.PageSize, cspUI: cspUI}
	if len(opts.Hosts) > 0 {
		s.hosts = make(map[string]bool, len(opts.Hosts))
		for _, h := range opts.Hosts {
			s.hosts[strings.ToLower(h)] = true
		}
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.page <= 0 {
		s.page = 50
	}
	t, err := template.New("").Funcs(templateFuncs()).ParseFS(templateFiles, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: templates: %w", err)
	}
	s.tmpl = t

	m := http.NewServeMux()
	m.HandleFunc("GET /{$}", s.listPage)
	m.HandleFunc("GET /records/{id}", s.recordPage)
	m.HandleFunc("GET /snapshots/{id}", s.snapshotRedirect)
	m.HandleFunc("GET /api/records", s.apiRecords)
	m.HandleFunc("GET /api/records/{id}", s.apiRecord)
	m.HandleFunc("GET /api/records/{id}/versions", s.apiVersions)
	m.HandleFunc("GET /api/records/{id}/diff", s.apiDiff)
	m.HandleFunc("GET /api/snapshots/{id}", s.apiSnapshot)
	m.HandleFunc("GET /api/snapshots/{id}/body", s.apiSnapshotBody)
	m.HandleFunc("GET /api/export", s.apiExport)
	m.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	s.mux = m
	return s, nil
}

// ServeHTTP routes a request. Replay URLs (/web/...) are taken before the
// ServeMux, which would otherwise "clean" the "//" of the archived URL
// they carry into a redirect.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	if s.hosts != nil && !s.hosts[strings.ToLower(r.Host)] {
		s.fail(w, r, http.StatusMisdirectedRequest, fmt.Errorf("this archive answers only under its own address, not as %q", r.Host))
		return
	}
	if strings.HasPrefix(r.URL.Path, "/web/") || r.URL.Path == "/web" {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			h.Set("Allow", "GET, HEAD")
			s.fail(w, r, http.StatusMethodNotAllowed, errors.New("the archive is read-only"))
			return
		}
		s.replay(w, r)
		return
	}
	h.Set("Content-Security-Policy", s.cspUI)
	s.mux.ServeHTTP(w, r)
}

// status maps an archive error to an HTTP status.
func status(err error) int {
	switch {
	case errors.Is(err, ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, ErrBadQuery):
		return http.StatusBadRequest
	case errors.Is(err, ErrUnavailable):
		return http.StatusServiceUnavailable
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// fail answers an error: JSON under /api/, a small page elsewhere.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, code int, err error) {
	switch {
	case code >= 500 && code != http.StatusServiceUnavailable:
		s.log.Error("web: request failed", "url", r.URL.String(), "status", code, "err", err)
	case code == http.StatusServiceUnavailable:
		s.log.Warn("web: archive unavailable", "url", r.URL.String(), "status", code, "err", err)
		w.Header().Set("Retry-After", "2")
	}
	msg := err.Error()
	if code == http.StatusInternalServerError {
		msg = "internal error reading the archive (see the server log)"
	}
	if strings.HasPrefix(r.URL.Path, "/api/") {
		s.json(w, code, map[string]string{"error": msg})
		return
	}
	w.Header().Set("Content-Security-Policy", s.cspUI)
	s.render(w, code, "error.html", map[string]any{"Title": http.StatusText(code), "Code": code, "Message": msg})
}

// render executes a page template into a buffer first, so a template error
// never leaves half a page behind.
func (s *Server) render(w http.ResponseWriter, code int, name string, data any) {
	var b strings.Builder
	if err := s.tmpl.ExecuteTemplate(&b, name, data); err != nil {
		s.log.Error("web: template", "template", name, "err", err)
		http.Error(w, "internal error rendering the page", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	_, _ = w.Write([]byte(b.String()))
}

// json writes v as JSON (with <, > and & escaped, as encoding/json does).
func (s *Server) json(w http.ResponseWriter, code int, v any) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		s.log.Error("web: json", "err", err)
		code, b = http.StatusInternalServerError, []byte(`{"error":"internal error"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_, _ = w.Write(append(b, '\n'))
}
