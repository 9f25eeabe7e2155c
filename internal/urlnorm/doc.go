// Package urlnorm normalises URLs so that the same article fetched under
// different URLs (tracking parameters, fragments, default ports, letter case
// of the host, order of the query) gets one identity. The crawler uses it for
// what it queues, the extractor for the canonical URL and the archive for
// aliases, so all three agree on what "the same URL" means.
//
// Two forms: Normalize gives the identity (no tracking parameters, sorted
// query); Clean gives the URL as it is fetched (query kept as written), the
// form in which a record lists the URLs it was fetched under.
//
// # Caveats
//
//   - Query pairs are compared as written: "a=%41" and "a=A" are two URLs.
//   - Only well-known tracking parameters are dropped (utm_*, fbclid, gclid
//     and similar); a site's own "ref=" or "src=" parameters are kept.
package urlnorm
