package archive

// Bucket names. Every bucket of the archive is named here and nowhere else.
//
// Keys that are scanned in order are fixed-width big-endian integers: 8-byte
// sequence numbers (snapshots, bodies, records) optionally followed by a
// 4-byte version number or an 8-byte snapshot id. Keys that are only looked
// up (URLs, body hashes, record ids) are the natural key.
var (
	// bucketMeta holds the schema version and the archive's counters.
	bucketMeta = []byte("meta")
	// bucketSnapshots: snapshot id (8) → snapshot (see encodeSnapshot).
	bucketSnapshots = []byte("snapshots")
	// bucketBodies: body id (8) → compressed body (see encodeBody).
	bucketBodies = []byte("bodies")
	// bucketBodyHashes: the first bodyHashPrefix (8) bytes of the raw
	// body's SHA-256, or all 32 when another body has that prefix → body
	// id + first snapshot id with that body (uvarints). See findBody.
	bucketBodyHashes = []byte("bodyhashes")
	// bucketURLs: normalised URL → the record it leads to and the latest
	// snapshot of the URL with a body (see urlEntry). One index for both,
	// so a fetched article's URL is one key, not two.
	bucketURLs = []byte("urls")
	// bucketRecords: record sequence (8) → record (see encodeRecord).
	bucketRecords = []byte("records")
	// bucketRecordIDs: record id (see recordIDKey: 9 bytes for the usual
	// 16 hex digits) → record sequence (8).
	bucketRecordIDs = []byte("recordids")
	// bucketVersions: record sequence (8) + version (4) → version.
	bucketVersions = []byte("versions")
	// bucketRefs: record sequence (8) + snapshot id (8) → snapshot ref.
	bucketRefs = []byte("refs")
	// bucketSites: host → site profile header (pages counted).
	bucketSites = []byte("sites")
	// bucketSiteBlocks: host + 0x00 + block fingerprint (8) → pages count.
	bucketSiteBlocks = []byte("siteblocks")
	// bucketDicts: dictionary id (4) → SHA-256 (32) of the body it is made of.
	bucketDicts = []byte("dicts")
	// bucketHostDicts: host → dictionary id (4) used for that host's bodies.
	bucketHostDicts = []byte("hostdicts")
	// bucketFrontier: job name → bucket of the job's crawl state, with
	// sub-buckets frontierVisited (request id (8) → empty), frontierCookies
	// (host → cookie string) and frontierQueue (sequence (8) → request), and
	// the key frontierQueued (queue length, 8).
	bucketFrontier = []byte("frontier")
)

// Parts of a job's bucket in bucketFrontier.
var (
	frontierVisited = []byte("visited")
	frontierCookies = []byte("cookies")
	frontierQueue   = []byte("queue")
	frontierQueued  = []byte("queued")
)

// allBuckets lists the buckets Open creates in a new archive.
var allBuckets = [][]byte{
	bucketMeta, bucketSnapshots, bucketBodies, bucketBodyHashes, bucketURLs,
	bucketRecords, bucketRecordIDs, bucketVersions, bucketRefs,
	bucketSites, bucketSiteBlocks, bucketDicts, bucketHostDicts, bucketFrontier,
}

// appendBuckets are the buckets whose keys mostly grow at the end.
var appendBuckets = [][]byte{bucketSnapshots, bucketBodies, bucketRecords, bucketVersions, bucketRefs}

// optionalBuckets were added after schema 1 was first written: Open makes
// them in archives that lack them, and readers treat a missing one as
// empty.
var optionalBuckets = map[string]bool{string(bucketFrontier): true}

// Keys of bucketMeta.
var (
	metaSchema   = []byte("schema")
	metaCounters = []byte("counters")
	// metaFallbackDict: id (4) of the dictionary for hosts that have none
	// yet: the archive's first host dictionary.
	metaFallbackDict = []byte("fallbackdict")
	// metaImportJSONL: which JSONL file an archive without snapshots was
	// imported from (see importMark), so that the same import, stopped and
	// run again, may add the rest.
	metaImportJSONL = []byte("importjsonl")
)

// SchemaVersion is the layout version of the archive file this package
// writes. Open refuses files with another version (ErrSchema).
//
// Schema 2 (schema 1 was written until November 2026) keys bucketBodyHashes
// by 8 bytes of the hash with uvarint values, bucketRecordIDs by the id's
// bytes (recordIDKey), and keeps a URL's record and latest snapshot in one
// bucket (bucketURLs; schema 1 had "aliases" and "latest"): the indexes
// looked up by random keys are half their former size, and so is what
// each commit rewrites of them.
const SchemaVersion = 2
