// Package web is newsarchive's browsing UI and JSON API: what `newsarchive
// serve` puts on the network for researchers.
//
// # How it fits the pipeline
//
// It sits at the end of the pipeline, beside export: it only reads. It does
// not import the archive package (nor bbolt, nor goquery); it declares
// Archive, the small interface of what it reads, and cmd/newsarchive adapts
// *archive.Store to it.
//
// # Pages
//
//   - / lists the records, newest first, with filters (site, publication
//     date range, text in the headline) and paging.
//   - /records/{id} shows one record: every field, captions, related blocks,
//     a timeline of its snapshots, its versions, a word-level diff between
//     two versions chosen in a form, and the page itself replayed beside it.
//   - /web/<timestamp>/<url> replays the stored snapshot of url nearest the
//     14-digit UTC timestamp (a shorter prefix is padded; a timestamp that
//     is not the snapshot's own redirects to it, as the Wayback Machine
//     does). The page is decoded to UTF-8, its links, images, frames,
//     stylesheets, srcsets and CSS url()s are rewritten to /web/<timestamp>/
//     <absolute url>, its scripts, event-handler attributes and <base> are
//     removed, and a banner says what is shown.
//   - /api/records, /api/records/{id} (?version=N), /api/records/{id}/versions,
//     /api/records/{id}/diff (?from=&to=), /api/snapshots/{id} and
//     /api/snapshots/{id}/body are the JSON API the pages are made from.
//
// # Hostile input
//
// Every stored page is hostile. Pages are rendered by html/template, so
// headlines, captions and URLs are escaped in their context; a related link
// or snapshot URL that is not http or https is shown as text, never as a
// link. A replayed page is served with a Content-Security-Policy that lets it
// load nothing from outside this server and run no script
// (default-src 'self'; script-src 'none'; a sandbox without allow-scripts),
// on top of the rewriting that removes scripts and points every URL it knows
// at the archive. The raw body of /api/snapshots/{id}/body is sent as an
// attachment, never rendered.
//
// # Caveats
//
//   - Replay rewrites what HTML and CSS say; URLs that only a script would
//     build are not rewritten (and scripts do not run), so pages that draw
//     themselves with JavaScript replay as their server-rendered HTML.
//   - Resources the crawler did not fetch (images, stylesheets: it keeps
//     HTML only) answer 404 from the archive: the replayed page shows without
//     them, and nothing is fetched from the live web instead.
//   - The server has no authentication: it binds to 127.0.0.1 by default.
package web
