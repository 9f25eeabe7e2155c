package extract

import (
	"strings"
)

// urlDate adds a date written in the URL path: /2024/12/02/, /2024-12-02,
// /20241202, and with stamps also a file name's timestamp
// (20201007120909561.jpg). The page's own URL is read without stamps: an
// archive's address carries the capture time, not the publication's.
func urlDate(f *dateFinder, u string, stamps bool) {
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
	}
	if i := strings.IndexByte(u, '/'); i >= 0 {
		u = u[i:]
	} else {
		return
	}
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	toks := tokenize(u, 200)
	for i := 0; i+4 < len(toks); i++ {
		t := toks[i]
		if t.kind != 'n' || len(t.s) != 4 || i > 0 && toks[i-1].s != "/" && toks[i-1].s != "-" && toks[i-1].s != "_" {
			continue
		}
		sep, mo, sep2, d := toks[i+1], toks[i+2], toks[i+3], toks[i+4]
		if sep.kind != 's' || sep.s != sep2.s || sep.s != "/" && sep.s != "-" || d.kind != 'n' || len(d.s) > 2 {
			continue
		}
		month := 0
		switch {
		case mo.kind == 'n' && len(mo.s) <= 2:
			// /2024/12/02/, and Squarespace's /2017/7/12/.
			month = mo.n
		case mo.kind == 'w' && (i+5 == len(toks) || toks[i+5].s == "/"):
			// /2023/october/03/: a month's name, and a day that ends a
			// segment (not /2023/march/10-tips).
			month = int(f.dp.months[mo.s])
		}
		if p, ok := mk(t.n, month, d.n); ok {
			f.add(p, "url")
			return
		}
	}
	// /29-10-2021: day first, as everywhere but the US, unless the month
	// cannot be the first.
	for i := 0; i+4 < len(toks); i++ {
		d, sep, mo, sep2, y := toks[i], toks[i+1], toks[i+2], toks[i+3], toks[i+4]
		if d.kind != 'n' || mo.kind != 'n' || y.kind != 'n' || len(d.s) != 2 || len(mo.s) != 2 || len(y.s) != 4 || sep.s != "-" || sep2.s != "-" || i > 0 && toks[i-1].s != "/" {
			continue
		}
		day, month := d.n, mo.n
		if month > 12 {
			day, month = month, day
		}
		if p, ok := mk(y.n, month, day); ok {
			f.add(p, "url")
			return
		}
	}
	for _, t := range toks {
		if t.kind == 'n' && (len(t.s) == 8 || stamps && stampLike(t.s)) && (strings.HasPrefix(t.s, "19") || strings.HasPrefix(t.s, "20")) {
			if p, ok := mk(atoi(t.s[:4]), atoi(t.s[4:6]), atoi(t.s[6:8])); ok {
				f.add(p, "url")
				return
			}
		}
	}
}

// versionStamp returns the v= query value of an image URL when it is a
// Unix time in seconds (Shopify's CDN versions its files by upload time),
// or "".
func versionStamp(u string) string {
	i := strings.IndexByte(u, '?')
	if i < 0 {
		return ""
	}
	for _, kv := range strings.Split(u[i+1:], "&") {
		if v, ok := strings.CutPrefix(kv, "v="); ok && len(v) == 10 && allDigits(v) {
			return v
		}
	}
	return ""
}

// stampLike reports whether a run of digits is a timestamp written
// YYYYMMDDhhmmss, perhaps with fractions (an upload's file name:
// 20201007120909561.jpg), rather than an id that happens to start with a
// year.
func stampLike(s string) bool {
	if len(s) < 14 || len(s) > 17 {
		return false
	}
	return atoi(s[8:10]) < 24 && atoi(s[10:12]) < 60 && atoi(s[12:14]) < 60
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// lastSegment returns the last non-empty segment of a URL's path, the
// query of a URL without a path ("p=959" of /?p=959), or "" for a home
// page.
func lastSegment(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
	}
	if i := strings.IndexByte(u, '#'); i >= 0 {
		u = u[:i]
	}
	query := ""
	if i := strings.IndexByte(u, '?'); i >= 0 {
		u, query = u[:i], u[i+1:]
	}
	i := strings.IndexByte(u, '/')
	if i < 0 || strings.Trim(u[i:], "/") == "" {
		return query
	}
	segs := strings.Split(strings.Trim(u[i:], "/"), "/")
	return segs[len(segs)-1]
}

// pathDate returns the year and month of an upload path, "/2024/10/" in
// https://example.com/wp-content/uploads/2024/10/bridge.jpg, as "2024-10",
// with the day when the path has one ("2025-12-08"), or "".
func pathDate(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
	}
	i := strings.IndexByte(u, '/')
	if i < 0 {
		return ""
	}
	u = u[i:]
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	parts := strings.Split(u, "/")
	for k := 0; k+2 < len(parts); k++ {
		y, mo := parts[k], parts[k+1]
		if len(y) == 4 && allDigits(y) && len(mo) == 2 && allDigits(mo) && (y[:2] == "19" || y[:2] == "20") && mo >= "01" && mo <= "12" {
			if d := parts[k+2]; k+3 < len(parts) && len(d) == 2 && allDigits(d) && d >= "01" && d <= "31" {
				// …/2025/12/08/mice.png: filed by day.
				return y + "-" + mo + "-" + d
			}
			return y + "-" + mo
		}
	}
	return ""
}
