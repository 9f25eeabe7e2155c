package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"sort"
	"time"

	"github.com/newsarchive/newsarchive"
)

// templateFuncs are the helpers the page templates use. Every one returns
// plain strings: html/template escapes them for where they land.
func templateFuncs() template.FuncMap {
	return template.FuncMap{
		"ts": Timestamp,
		"time": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.UTC().Format("2006-01-02 15:04:05 UTC")
		},
		// replay is the archive URL of u at t, or "" when u is not an
		// http(s) URL (javascript: and friends are shown, never linked).
		"replay": func(t time.Time, u string) string {
			if !isWebURL(u) {
				return ""
			}
			return ArchiveURL(Timestamp(t), u)
		},
		"short": func(s string) string {
			if len(s) > 12 {
				return s[:12]
			}
			return s
		},
		"pct": func(f float64) string { return fmt.Sprintf("%.2f%%", f) },
	}
}

// listView is the data of the record list.
type listView struct {
	Title   string
	Site    string
	Text    string
	From    string
	To      string
	Records []RecordSummary
	NextURL string
	Error   string
}

func (s *Server) listPage(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	view := listView{Title: "Records", Site: v.Get("site"), Text: v.Get("q"), From: v.Get("from"), To: v.Get("to")}
	q, err := parseQuery(v, s.page)
	if err != nil {
		view.Error = err.Error()
		s.render(w, http.StatusBadRequest, "list.html", view)
		return
	}
	list, err := s.arch.Records(r.Context(), q)
	if err != nil {
		if code := status(err); code != http.StatusBadRequest {
			s.fail(w, r, code, err)
			return
		}
		view.Error = err.Error()
		s.render(w, http.StatusBadRequest, "list.html", view)
		return
	}
	view.Records = list.Records
	if list.Next != "" {
		next := url.Values{}
		for _, k := range []string{"site", "q", "from", "to", "limit"} {
			if v.Get(k) != "" {
				next.Set(k, v.Get(k))
			}
		}
		next.Set("before", list.Next)
		view.NextURL = "/?" + next.Encode()
	}
	s.render(w, http.StatusOK, "list.html", view)
}

// recordView is the data of a record page.
type recordView struct {
	Title    string
	A        *newsarchive.Article
	Latest   int
	Versions []Version
	From, To int
	Diff     *Diff
	DiffErr  string
	Timeline []timelineItem
	Frame    string // replay URL shown beside the record
	FrameAt  time.Time
}

// timelineItem is one snapshot on a record's timeline.
type timelineItem struct {
	newsarchive.SnapshotRef
	Version  int     // the record version whose content it showed, or 0
	Pos      float64 // position on the timeline bar, percent
	Replay   string  // replay URL, or "" when the URL is not http(s)
	Selected bool
}

func (s *Server) recordPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := r.PathValue("id")
	v := r.URL.Query()
	ver, err := intParam(v, "version")
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, err)
		return
	}
	a, err := s.arch.Record(ctx, id, ver)
	if err != nil {
		s.fail(w, r, status(err), err)
		return
	}
	vers, err := s.arch.Versions(ctx, id)
	if err != nil {
		s.fail(w, r, status(err), err)
		return
	}
	view := recordView{Title: a.Headline, A: a, Versions: vers}
	if view.Title == "" {
		view.Title = a.URL
	}
	for _, vi := range vers {
		view.Latest = max(view.Latest, vi.Version)
	}

	// The diff: the two versions asked for, else the last two.
	from, err := intParam(v, "from")
	if err == nil {
		view.To, err = intParam(v, "to")
	}
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, err)
		return
	}
	view.From = from
	if view.To == 0 {
		view.To = view.Latest
	}
	if view.From == 0 {
		view.From = view.To - 1
	}
	if view.Latest > 1 && view.From >= 1 {
		d, err := s.arch.Diff(ctx, id, view.From, view.To)
		switch {
		case err == nil:
			view.Diff = d
		case status(err) == http.StatusNotFound:
			view.DiffErr = err.Error()
		default:
			s.fail(w, r, status(err), err)
			return
		}
	}

	// The timeline, oldest first, and the snapshot replayed beside it:
	// the one asked for (?snap=ID), else the newest.
	byHash := map[string]int{}
	for _, vi := range vers {
		if _, ok := byHash[vi.ContentHash]; !ok {
			byHash[vi.ContentHash] = vi.Version
		}
	}
	snaps := append([]newsarchive.SnapshotRef(nil), a.Snapshots...)
	sort.SliceStable(snaps, func(i, j int) bool { return snaps[i].FetchedAt.Before(snaps[j].FetchedAt) })
	want := v.Get("snap")
	if want == "" && len(snaps) > 0 {
		want = snaps[len(snaps)-1].ID
	}
	var first, last time.Time
	if len(snaps) > 0 {
		first, last = snaps[0].FetchedAt, snaps[len(snaps)-1].FetchedAt
	}
	span := last.Sub(first)
	for _, sr := range snaps {
		it := timelineItem{SnapshotRef: sr, Version: byHash[sr.ContentHash], Pos: 50}
		if span > 0 {
			it.Pos = 100 * float64(sr.FetchedAt.Sub(first)) / float64(span)
		}
		if isWebURL(sr.URL) {
			it.Replay = ArchiveURL(Timestamp(sr.FetchedAt), sr.URL)
		}
		if sr.ID == want {
			it.Selected = true
			view.Frame, view.FrameAt = it.Replay, sr.FetchedAt
		}
		view.Timeline = append(view.Timeline, it)
	}
	s.render(w, http.StatusOK, "record.html", view)
}

// snapshotRedirect sends /snapshots/{id} to its replay URL.
func (s *Server) snapshotRedirect(w http.ResponseWriter, r *http.Request) {
	snap, err := s.arch.Snapshot(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, status(err), err)
		return
	}
	if !isWebURL(snap.URL) {
		s.fail(w, r, http.StatusNotFound, fmt.Errorf("snapshot %s: URL %q cannot be replayed", snap.ID, snap.URL))
		return
	}
	redirect(w, ArchiveURL(Timestamp(snap.FetchedAt), snap.URL))
}
