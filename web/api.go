package web

import (
	"fmt"
	"net/http"
	"strconv"
)

// The JSON API. Records are newsarchive.Article's JSON (field names of the
// record format, with the archive fields); errors are {"error": "..."} with
// the HTTP status saying which kind.

// GET /api/records?site=&q=&from=&to=&before=&limit=
func (s *Server) apiRecords(w http.ResponseWriter, r *http.Request) {
	q, err := parseQuery(r.URL.Query(), s.page)
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, err)
		return
	}
	list, err := s.arch.Records(r.Context(), q)
	if err != nil {
		s.fail(w, r, status(err), err)
		return
	}
	if list.Records == nil {
		list.Records = []RecordSummary{}
	}
	s.json(w, http.StatusOK, list)
}

// GET /api/records/{id}?version=N
func (s *Server) apiRecord(w http.ResponseWriter, r *http.Request) {
	ver, err := intParam(r.URL.Query(), "version")
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, err)
		return
	}
	a, err := s.arch.Record(r.Context(), r.PathValue("id"), ver)
	if err != nil {
		s.fail(w, r, status(err), err)
		return
	}
	s.json(w, http.StatusOK, a)
}

// GET /api/records/{id}/versions
func (s *Server) apiVersions(w http.ResponseWriter, r *http.Request) {
	vers, err := s.arch.Versions(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, status(err), err)
		return
	}
	if vers == nil {
		vers = []Version{}
	}
	s.json(w, http.StatusOK, vers)
}

// GET /api/records/{id}/diff?from=&to=
func (s *Server) apiDiff(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	from, err := intParam(v, "from")
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, err)
		return
	}
	to, err := intParam(v, "to")
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, err)
		return
	}
	d, err := s.arch.Diff(r.Context(), r.PathValue("id"), from, to)
	if err != nil {
		s.fail(w, r, status(err), err)
		return
	}
	s.json(w, http.StatusOK, d)
}

// snapshotJSON is the API form of a snapshot: its metadata, where to
// replay it and where its raw body is.
type snapshotJSON struct {
	*Snapshot
	Bytes  int    `json:"bytes"`
	Replay string `json:"replay,omitempty"`
	Raw    string `json:"raw"`
}

// GET /api/snapshots/{id}
func (s *Server) apiSnapshot(w http.ResponseWriter, r *http.Request) {
	snap, err := s.arch.Snapshot(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, status(err), err)
		return
	}
	out := snapshotJSON{Snapshot: snap, Bytes: len(snap.Body), Raw: "/api/snapshots/" + snap.ID + "/body"}
	if isWebURL(snap.URL) {
		out.Replay = ArchiveURL(Timestamp(snap.FetchedAt), snap.URL)
	}
	s.json(w, http.StatusOK, out)
}

// GET /api/snapshots/{id}/body: the raw body, byte for byte, as a download.
// It is hostile content, so it is never rendered: an attachment, no
// sniffing, and a CSP that would forbid everything if a browser did.
func (s *Server) apiSnapshotBody(w http.ResponseWriter, r *http.Request) {
	snap, err := s.arch.Snapshot(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, status(err), err)
		return
	}
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="snapshot-%s.body"`, snap.ID))
	h.Set("Content-Length", strconv.Itoa(len(snap.Body)))
	if ct := snap.Header.Get("Content-Type"); ct != "" {
		h.Set("X-Archived-Content-Type", ct)
	}
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(snap.Body)
	}
}
