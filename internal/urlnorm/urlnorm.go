// Package urlnorm normalises URLs so that the same article fetched under
// different URLs (tracking parameters, fragments, default ports, letter case
// of the host, order of the query) gets one identity. The crawler uses it for
// its seen-set, the extractor for the canonical URL and the archive for
// aliases, so all three agree on what "the same URL" means.
package urlnorm

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/url"
	"sort"
	"strings"
)

// ErrNotHTTP is returned for URLs that are not absolute http(s) URLs.
var ErrNotHTTP = errors.New("not an absolute http(s) URL")

// trackingParams are query keys that never change what a page shows.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "dclid": true, "gbraid": true, "wbraid": true,
	"msclkid": true, "yclid": true, "twclid": true, "igshid": true, "mc_cid": true,
	"mc_eid": true, "_ga": true, "_gl": true, "ref_src": true, "ref_url": true,
	"cmpid": true, "ocid": true, "smid": true, "sr_share": true, "spm": true,
	"share": false,
}

// isTracking reports whether a query key is a tracking parameter.
func isTracking(key string) bool {
	k := strings.ToLower(key)
	return strings.HasPrefix(k, "utm_") || trackingParams[k]
}

// Normalize returns the normal form of an absolute http(s) URL: scheme and
// host in lower case, no default port, no fragment, no tracking parameters
// (utm_*, fbclid, gclid and similar), the remaining query sorted by key, an
// empty path written as "/". The result is stable: Normalize(Normalize(u))
// == Normalize(u).
func Normalize(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", err
	}
	return normalizeURL(u)
}

// Clean returns the URL as it would be fetched: scheme and host in lower
// case, no default port, no user info, no fragment, an empty path written as
// "/", but the query kept as it is, tracking parameters included. It is the
// form in which a URL is recorded as "fetched under" (Article.URLs), where
// Normalize gives the identity two such URLs share.
func Clean(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", err
	}
	return cleanURL(u)
}

// Resolve resolves ref against base and normalises the result.
func Resolve(base, ref string) (string, error) {
	b, err := url.Parse(strings.TrimSpace(base))
	if err != nil {
		return "", err
	}
	r, err := url.Parse(strings.TrimSpace(ref))
	if err != nil {
		return "", err
	}
	return normalizeURL(b.ResolveReference(r))
}

// ResolveClean resolves ref against base and cleans the result (see Clean):
// the URL a link leads to, as it would be fetched.
func ResolveClean(base, ref string) (string, error) {
	b, err := url.Parse(strings.TrimSpace(base))
	if err != nil {
		return "", err
	}
	r, err := url.Parse(strings.TrimSpace(ref))
	if err != nil {
		return "", err
	}
	return cleanURL(b.ResolveReference(r))
}

func normalizeURL(u *url.URL) (string, error) {
	if _, err := cleanURL(u); err != nil {
		return "", err
	}
	if u.RawQuery != "" {
		q := u.Query()
		keys := make([]string, 0, len(q))
		for k := range q {
			if !isTracking(k) {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		var b strings.Builder
		for _, k := range keys {
			vs := q[k]
			sort.Strings(vs)
			for _, v := range vs {
				if b.Len() > 0 {
					b.WriteByte('&')
				}
				b.WriteString(url.QueryEscape(k))
				b.WriteByte('=')
				b.WriteString(url.QueryEscape(v))
			}
		}
		u.RawQuery = b.String()
	}
	return u.String(), nil
}

// cleanURL does Clean's work on u in place.
func cleanURL(u *url.URL) (string, error) {
	u.Scheme = strings.ToLower(u.Scheme)
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", ErrNotHTTP
	}
	host := strings.ToLower(u.Hostname())
	host = strings.TrimRight(host, ".")
	if host == "" {
		return "", ErrNotHTTP
	}
	port := u.Port()
	if (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		port = ""
	}
	if strings.Contains(host, ":") { // IPv6 literal
		host = "[" + host + "]"
	}
	if port != "" {
		host += ":" + port
	}
	u.Host = host
	u.User = nil
	u.Fragment, u.RawFragment = "", ""
	if u.Path == "" {
		u.Path, u.RawPath = "/", ""
	}
	u.ForceQuery = false
	return u.String(), nil
}

// Host returns the lower-case host name of a URL without port and without a
// leading "www.", or "" when raw does not parse.
func Host(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
}

// SameSite reports whether two URLs are on the same site: the same host,
// ignoring a leading "www.".
func SameSite(a, b string) bool {
	ha, hb := Host(a), Host(b)
	return ha != "" && ha == hb
}

// ID returns the stable record id of a canonical URL: the first 16 hex
// digits of its SHA-256.
func ID(canonical string) string {
	sum := sha256.Sum256([]byte(canonical))
	return hex.EncodeToString(sum[:8])
}
