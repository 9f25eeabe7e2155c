package urlnorm

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"sort"
	"strings"
)

// isTracking reports whether a query key is a tracking parameter: one that
// never changes what a page shows.
func isTracking(key string) bool {
	k := strings.ToLower(key)
	if strings.HasPrefix(k, "utm_") {
		return true
	}
	switch k {
	case "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "igshid",
		"mc_cid", "mc_eid", "_ga", "_gl", "ref_src", "ref_url", "cmpid", "ocid", "smid", "sr_share", "spm":
		return true
	}
	return false
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
	u, err := resolve(base, ref)
	if err != nil {
		return "", err
	}
	return normalizeURL(u)
}

// ResolveClean resolves ref against base and cleans the result (see Clean):
// the URL a link leads to, as it would be fetched.
func ResolveClean(base, ref string) (string, error) {
	u, err := resolve(base, ref)
	if err != nil {
		return "", err
	}
	return cleanURL(u)
}

func resolve(base, ref string) (*url.URL, error) {
	b, err := url.Parse(strings.TrimSpace(base))
	if err != nil {
		return nil, err
	}
	r, err := url.Parse(strings.TrimSpace(ref))
	if err != nil {
		return nil, err
	}
	return b.ResolveReference(r), nil
}

func normalizeURL(u *url.URL) (string, error) {
	if _, err := cleanURL(u); err != nil {
		return "", err
	}
	if u.RawQuery != "" {
		u.RawQuery = normalQuery(u.RawQuery)
	}
	return u.String(), nil
}

// normalQuery drops the tracking parameters of a raw query and sorts the
// rest, keeping every other pair exactly as written: url.Query would drop
// pairs with a ";" or a bad escape and turn "?p" into "?p=", and so give
// two different pages one identity.
func normalQuery(raw string) string {
	// A raw space is not a URL character (and would be trimmed off the
	// end of the result when it is read back): write it escaped.
	raw = strings.ReplaceAll(raw, " ", "%20")
	pairs := strings.Split(raw, "&")
	kept := pairs[:0]
	for _, p := range pairs {
		if p == "" {
			continue
		}
		key, _, _ := strings.Cut(p, "=")
		if k, err := url.QueryUnescape(key); err == nil {
			key = k
		}
		if !isTracking(key) {
			kept = append(kept, p)
		}
	}
	sort.Strings(kept)
	return strings.Join(kept, "&")
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
// digits of its SHA-256; "" for an empty URL (no URL, no invented id).
func ID(canonical string) string {
	if canonical == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(canonical))
	return hex.EncodeToString(sum[:8])
}
