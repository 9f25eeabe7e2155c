// Package archive is newsarchive's store: one bbolt file that keeps every
// fetch as a snapshot and one deduplicated, versioned record per article.
// It is the only package that imports go.etcd.io/bbolt.
//
// # How it fits the pipeline
//
// The crawler hands each fetched newsarchive.Page to Store.Put. Put stores
// the page as a snapshot, asks Options.Extract (the extractor, wired in by
// cmd: this package imports neither crawler nor extract) for the article,
// and files the article under its record. Export writes the records as
// JSONL; Validators gives the crawler the ETag and Last-Modified for a
// conditional GET.
//
// # Model
//
// Snapshots are the evidence: URL, fetch time, status, headers and raw
// body, never rewritten by the pipeline. Bodies are compressed with zstd
// and content-addressed by SHA-256: a byte-identical body is stored once,
// and the later fetch is a revisit that points at it. Each host gets a
// compression dictionary made of its first HTML page, so the markup its
// pages share is not paid for again, and a page fetched again is stored as
// a delta of its first fetch (delta.go) when that is smaller: a new header
// date and new teasers cost tens of bytes, not a whole page.
//
// Records are keyed by canonical URL (Article.URL, normalised by
// internal/urlnorm); every URL an article was fetched under becomes an
// alias that leads to the same record. A fetch whose ContentHash equals the
// record's adds a snapshot ref and nothing else; a changed ContentHash adds a
// version, and old versions stay readable. Pages the extractor says are not
// articles (IsArticle false) are kept as snapshots but make no record, so an
// export holds articles only.
//
// Site knowledge: per host, how many pages were counted and on how many of
// them each text-block fingerprint appeared. Put passes it to the extractor
// as Page.SiteBlocks / Page.SitePages, so blocks that repeat across a site
// (sidebars, teasers) can be told from the article.
//
// # API by task
//
//   - Ingest: Put (one page, one transaction), PutBatch (many pages, one
//     commit), Validators (conditional GET), Frontier (resumable crawl
//     state in colly's storage shapes).
//   - Read: Record / RecordVersion (by id or any URL), Versions, Diff
//     (word level, Diff.String for a terminal), Stats (kept totals, no
//     scan), Usage (page fill, scans), Check (every invariant, scans).
//   - Out: Export (JSONL, filters Since, Site, AsOf), ExportWARC (WARC/1.1
//     request/response/revisit records).
//   - In: ImportJSONL (into an empty archive), ImportWARC (any WARC, through
//     Put).
//   - Re-extract: Replay (the current extractor over stored snapshots).
//
// # Transactions
//
// One write transaction per Put: snapshot, body, record, version, aliases,
// refs and the running totals commit together or not at all,
// so a process killed at any moment leaves a consistent file. Put extracts
// and compresses before its transaction; PutBatch does it in parallel
// workers while its transaction files the pages already prepared (one
// commit, one fsync for the batch). Concurrent writes (Puts, the
// Frontier's) share their commits: a group gathers for
// Options.BatchDelay, as bbolt's Batch would, and commits in a writer's
// goroutine, where a panic on a corrupt page becomes ErrCorrupt (see
// group.go). Export reads in short transactions of a
// few hundred records, so it streams in constant memory and does not hold
// back a writer in the same process.
//
// # Caveats
//
//   - bbolt allows one process to hold the file: a second Open waits up to
//     Options.Timeout and then fails with ErrLocked, even a read-only one
//     while a writer holds it. To export during a crawl, export from the
//     crawling process (same Store) or wait for the crawl to end.
//   - Page.SiteBlocks given to the extractor lists only fingerprints seen on
//     at least two pages of the host, and the map is shared between calls:
//     the extractor must not modify it.
//   - A page counts into its host's site knowledge once: when it makes a new
//     record, or for a non-article, on the first fetch of its URL. After a
//     host's first 1,000 pages, blocks not seen before are added only when
//     they recur within the next 256 pages (the counts of known ones still
//     grow), so a big site's knowledge stays the size of its boilerplate.
//   - Site counts are derived data and are written in bulk: every 256
//     pages counted (all hosts together) and on Close, not with each Put.
//     A killed process loses the counts of up to 256 pages, never a
//     snapshot or a record; the profile learns them again from later pages.
//   - The pages of the file that bbolt's memory map has read are released
//     to the kernel ten times a second while the archive is written, and
//     every few MB of a long read (Linux), so the
//     process's RSS does not grow with the archive in a long crawl.
//   - A record's identity is decided at its first fetch; a later fetch whose
//     canonical URL differs but whose fetch URL is an alias on the same site
//     joins the existing record.
//   - Versions compare content hashes made by the extractor of the day. A new
//     extractor that extracts an article differently makes its next fetch a
//     new version; run Replay after upgrading the extractor to re-extract
//     the stored snapshots first (changed hashes of unchanged content are
//     then updated in place).
//   - A revisit (a 304, or a body byte-identical to a stored one) is not
//     extracted and never makes a version; it is filed under the record of
//     the snapshot it revisits. An identical body whose record has moved on
//     since (an edit that was reverted, a replay) is extracted afresh.
//   - Memory stays bounded with many sites: the codec caches 8 encoders and
//     32 decoders with a dictionary and 128 dictionaries, and 1,024 site
//     profiles are kept; others are read again from the file when used.
//   - With NoSync set, a power failure may lose the last commits (never
//     consistency); a killed process loses nothing.
//   - Files of schema 1 (written before the indexes were made smaller:
//     body hashes by 8 bytes, record ids by their bytes, one URL bucket)
//     are refused with ErrSchema: export them as JSONL and WARC with the
//     newsarchive that wrote them and import those into a new archive.
//   - The file keeps, besides the data, the pages its last commit freed
//     (bbolt reuses them on the next commit). A commit of many pages with
//     random URLs and hashes rewrites most pages of those indexes: 20,000
//     records written 1,000 per commit make a file 1.18 times its data
//     (1.23 with the URLs in random order); the share shrinks as the
//     archive grows. An archive of a few dozen pages is mostly the first
//     page of each bucket (twice its data). New files have 2 KB pages
//     (files made before keep 4 KB ones): bodies of a few KB waste half as
//     much of their last page.
//   - Corruption is reported (ErrCorrupt), never repaired: restore the file
//     from a backup. Open refuses files whose pages reach past their end
//     (bbolt would crash on them); damage inside the file is found by
//     Check, which reads everything.
//   - A JSONL import holds no bodies and only each record's latest version:
//     Replay and ExportWARC have nothing to work on for imported records.
//   - WARC export rebuilds request records from the URL (request headers
//     are not stored) and writes Content-Length for the stored body, which
//     is stored decoded from any transfer encoding.
//   - Export writes the archive fields (urls, version, firstSeen, lastSeen,
//     snapshots) after the extractor's fields: JSON readers do not care
//     about the order, line-oriented tools that grep for them may.
package archive
