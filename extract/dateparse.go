package extract

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// dateParser reads dates written by machines (ISO 8601, RFC 1123) and by
// people ("December 2, 2024", "2024.12.02 09:14", "2 déc. 2024",
// "2024년 12월 2일", "2. Dezember 2024", "2 de diciembre de 2024").
// It is built once per Extractor and only read afterwards.
type dateParser struct {
	months map[string]time.Month
}

// monthNames lists month names and abbreviations in the languages news
// sites are written in, lower case, without trailing dots.
func monthNames() map[string]time.Month {
	m := map[string]time.Month{}
	add := func(month time.Month, names ...string) {
		for _, n := range names {
			m[n] = month
		}
	}
	// English, French, German, Spanish, Portuguese, Italian, Dutch,
	// Swedish/Danish/Norwegian, Indonesian, Turkish, Polish, Czech,
	// Russian, Ukrainian, Greek (genitive and nominative where they
	// differ), Arabic (the Egyptian names, and the one-word Levantine
	// names that are written beside them: "نيسان / أبريل").
	add(time.January, "january", "jan", "janvier", "janv", "januar", "jänner", "jän", "enero", "ene", "janeiro", "gennaio", "gen", "januari", "ocak", "stycznia", "styczeń", "styczen", "sty", "ledna", "leden", "января", "январь", "янв", "січня", "січень", "ιανουαρίου", "ιανουάριος", "tammikuuta", "يناير")
	add(time.February, "february", "feb", "février", "fevrier", "févr", "fevr", "fév", "februar", "febrero", "fevereiro", "fev", "febbraio", "februari", "şubat", "subat", "lutego", "luty", "lut", "února", "unora", "únor", "февраля", "февраль", "фев", "лютого", "лютий", "φεβρουαρίου", "helmikuuta", "فبراير", "شباط")
	add(time.March, "march", "mar", "mars", "märz", "maerz", "mär", "marzo", "março", "marco", "mrt", "maart", "mart", "marca", "marzec", "března", "brezna", "březen", "марта", "март", "мар", "березня", "березень", "μαρτίου", "maaliskuuta", "مارس", "آذار")
	add(time.April, "april", "apr", "avril", "avr", "abril", "abr", "aprile", "nisan", "kwietnia", "kwiecień", "kwi", "dubna", "duben", "апреля", "апрель", "апр", "квітня", "квітень", "απριλίου", "huhtikuuta", "أبريل", "ابريل", "نيسان")
	add(time.May, "may", "mai", "mayo", "maio", "maggio", "mag", "mei", "maj", "mayıs", "mayis", "maja", "května", "kvetna", "květen", "мая", "май", "травня", "травень", "μαΐου", "toukokuuta", "مايو", "أيار")
	add(time.June, "june", "jun", "juin", "juni", "junio", "junho", "giugno", "giu", "haziran", "czerwca", "czerwiec", "cze", "června", "cervna", "červen", "июня", "июнь", "июн", "червня", "червень", "ιουνίου", "kesäkuuta", "يونيو", "حزيران")
	add(time.July, "july", "jul", "juillet", "juil", "juli", "julio", "julho", "luglio", "lug", "temmuz", "lipca", "lipiec", "lip", "července", "cervence", "červenec", "июля", "июль", "июл", "липня", "липень", "ιουλίου", "heinäkuuta", "يوليو", "تموز")
	add(time.August, "august", "aug", "août", "aout", "agosto", "ago", "augustus", "agustus", "agu", "ağustos", "agustos", "sierpnia", "sierpień", "sie", "srpna", "srpen", "августа", "август", "авг", "серпня", "серпень", "αυγούστου", "elokuuta", "أغسطس", "اغسطس", "آب")
	add(time.September, "september", "sep", "sept", "septembre", "septiembre", "setiembre", "setembro", "set", "settembre", "eylül", "eylul", "września", "wrzesnia", "wrzesień", "wrz", "září", "zari", "сентября", "сентябрь", "сен", "вересня", "вересень", "σεπτεμβρίου", "syyskuuta", "سبتمبر", "أيلول")
	add(time.October, "october", "oct", "octobre", "oktober", "okt", "octubre", "outubro", "out", "ottobre", "ott", "ekim", "października", "pazdziernika", "październik", "paź", "října", "rijna", "říjen", "октября", "октябрь", "окт", "жовтня", "жовтень", "οκτωβρίου", "lokakuuta", "أكتوبر", "اكتوبر")
	add(time.November, "november", "nov", "novembre", "noviembre", "novembro", "kasım", "kasim", "listopada", "listopad", "lis", "ноября", "ноябрь", "ноя", "листопада", "листопад", "νοεμβρίου", "marraskuuta", "نوفمبر")
	add(time.December, "december", "dec", "décembre", "decembre", "déc", "dezember", "dez", "diciembre", "dic", "dezembro", "dicembre", "desember", "des", "aralık", "aralik", "grudnia", "grudzień", "gru", "prosince", "prosinec", "декабря", "декабрь", "дек", "грудня", "грудень", "δεκεμβρίου", "joulukuuta", "ديسمبر")
	return m
}

func newDateParser() *dateParser { return &dateParser{months: monthNames()} }

// machineLayouts are the layouts of dates written for machines, most
// common first.
var machineLayouts = [...]string{
	time.RFC3339,
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04Z0700",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05 Z07:00",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05 -0700 MST",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	time.RFC1123Z,
	time.RFC1123,
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04:05 MST",
	"Mon, 02 Jan 2006 15:04 -0700",
	time.RFC850,
	time.ANSIC,
	time.UnixDate,
}

// parsed is one date found in a text.
type parsed struct {
	t       time.Time
	hasTime bool
	// swappable marks a numeric date whose day and month could be read
	// the other way round (03/04/2024).
	swappable bool
	// shortYear marks a date written with a two-digit year: a weaker
	// reading, never enough to overrule the metadata.
	shortYear bool
}

// swapped returns the other reading of a swappable date.
func (p parsed) swapped() (parsed, bool) {
	if !p.swappable {
		return parsed{}, false
	}
	return mk(p.t.Year(), p.t.Day(), int(p.t.Month()))
}

// format writes the date as RFC 3339 when a time of day is known and as
// YYYY-MM-DD otherwise.
func (p parsed) format() string {
	if p.hasTime {
		return p.t.Format(time.RFC3339)
	}
	return p.t.Format("2006-01-02")
}

// parseMachine parses a date value of a meta tag, JSON-LD or a datetime
// attribute. It falls back to the human-date scanner for values such as
// "December 2, 2024".
func (dp *dateParser) parseMachine(s string) (parsed, bool) {
	p, ok := dp.parseMachineAny(s)
	if !ok || p.t.Year() < 1970 || p.t.Year() > 2100 {
		// "0000-01-01…" is a placeholder, not a date.
		return parsed{}, false
	}
	return p, true
}

func (dp *dateParser) parseMachineAny(s string) (parsed, bool) {
	s = strings.TrimSpace(s)
	if len(s) < 6 || len(s) > 80 {
		if len(s) > 80 {
			return dp.find(s[:80], false)
		}
		return parsed{}, false
	}
	if s[0] >= '0' && s[0] <= '9' && len(s) >= 10 && s[4] == '-' {
		if len(s) == 10 {
			if t, err := time.Parse("2006-01-02", s); err == nil {
				return parsed{t: t}, true
			}
		}
		for _, l := range machineLayouts[:13] {
			if t, err := time.Parse(l, s); err == nil {
				return parsed{t: t, hasTime: true}, true
			}
		}
		// "2024-12-02T09:14:00+0100 extra" and other near misses: keep the day.
		if t, err := time.Parse("2006-01-02", s[:10]); err == nil {
			return parsed{t: t}, true
		}
	}
	for _, l := range machineLayouts[13:] {
		if t, err := time.Parse(l, s); err == nil {
			return parsed{t: t, hasTime: true}, true
		}
	}
	if len(s) == 8 && allDigits(s) {
		if t, err := time.Parse("20060102", s); err == nil {
			return parsed{t: t}, true
		}
	}
	if len(s) == 10 && allDigits(s) || len(s) == 13 && allDigits(s) {
		// Unix time in seconds or milliseconds.
		var v int64
		for _, c := range s {
			v = v*10 + int64(c-'0')
		}
		if len(s) == 13 {
			v /= 1000
		}
		t := time.Unix(v, 0).UTC()
		if t.Year() >= 1995 && t.Year() <= 2100 {
			return parsed{t: t, hasTime: true}, true
		}
	}
	return dp.find(s, false)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// token is one piece of a human-written date: a number, a word or a
// separator character.
type token struct {
	kind byte // 'n' number, 'w' word, 's' separator
	s    string
	n    int
}

// tokenize splits s into numbers, words and single separator characters;
// white space separates tokens and is dropped. CJK date units (年 月 日,
// 년 월 일) are separators of their own.
func tokenize(s string, max int) []token {
	toks := make([]token, 0, 16)
	i := 0
	for i < len(s) && len(toks) < max {
		c := s[i]
		if c >= '0' && c <= '9' {
			j := i
			v := 0
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				if j-i < 9 {
					v = v*10 + int(s[j]-'0')
				}
				j++
			}
			toks = append(toks, token{kind: 'n', s: s[i:j], n: v})
			i = j
			continue
		}
		r, size := rune(c), 1
		if c >= 0x80 {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		if isWordRune(r) {
			j := i + size
			prev := r
			for j < len(s) {
				r2, s2 := rune(s[j]), 1
				if s[j] >= 0x80 {
					r2, s2 = utf8.DecodeRuneInString(s[j:])
				}
				if !isWordRune(r2) || unicode.IsLower(prev) && unicode.IsUpper(r2) {
					// A capital after a small letter starts a new word:
					// inline elements with no space between them run
					// together ("GiuffridaMar 5, 2025").
					break
				}
				prev = r2
				j += s2
			}
			toks = append(toks, token{kind: 'w', s: strings.ToLower(s[i:j])})
			i = j
			continue
		}
		if !unicode.IsSpace(r) && r != '\u00a0' {
			toks = append(toks, token{kind: 's', s: s[i : i+size]})
		}
		i += size
	}
	return toks
}

func isWordRune(r rune) bool {
	if r < 0x80 {
		return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
	}
	return unicode.IsLetter(r) && !isDateUnit(r)
}

func isDateUnit(r rune) bool {
	switch r {
	case '年', '月', '日', '년', '월', '일':
		return true
	}
	return false
}

// fillers are words that may stand between the parts of a date.
func isFiller(w string) bool {
	switch w {
	case "de", "del", "of", "the", "th", "st", "nd", "rd", "den", "le", "el", "di", "im", "am", "r", "roku", "г", "року", "έτους":
		return true
	}
	return false
}

// find returns the first date in a human-written text. dayFirst decides
// ambiguous numeric dates such as 03/04/2024 (true: 3 April).
func (dp *dateParser) find(s string, dayFirst bool) (parsed, bool) {
	toks := tokenize(s, 400)
	for i := range toks {
		if p, ok := dp.matchAt(toks, i, dayFirst); ok {
			return p, true
		}
	}
	return parsed{}, false
}

// findLine is find for a byline or a date element, where a short numeric
// date with a two-digit year ("8.5.12", "31.10.23") is a date too.
// Elsewhere such numbers are as often versions, scores or addresses.
func (dp *dateParser) findLine(s string, dayFirst bool) (parsed, bool) {
	toks := tokenize(s, 400)
	for i := range toks {
		if p, ok := dp.matchAt(toks, i, dayFirst); ok {
			return p, true
		}
	}
	for i := range toks {
		if p, ok := shortYear(toks, i, dayFirst); ok {
			return p, true
		}
	}
	return parsed{}, false
}

// shortYear reads D.M.YY (and M/D/YY, D/M/YY by dayFirst) at token i: a
// run of exactly three numbers, not part of a longer dotted run such as
// an address or a version ("Version 1.2.12").
func shortYear(toks []token, i int, dayFirst bool) (parsed, bool) {
	if i+4 >= len(toks) {
		return parsed{}, false
	}
	a, sep, b, sep2, y := toks[i], toks[i+1], toks[i+2], toks[i+3], toks[i+4]
	if a.kind != 'n' || b.kind != 'n' || y.kind != 'n' || sep.kind != 's' || sep.s != sep2.s || sep.s != "." && sep.s != "/" {
		return parsed{}, false
	}
	if len(a.s) > 2 || len(b.s) > 2 || len(y.s) != 2 {
		return parsed{}, false
	}
	if i+6 < len(toks) && toks[i+5].kind == 's' && (toks[i+5].s == "." || toks[i+5].s == "/") && toks[i+6].kind == 'n' {
		return parsed{}, false
	}
	if i >= 2 && toks[i-1].kind == 's' && (toks[i-1].s == "." || toks[i-1].s == "/") && toks[i-2].kind == 'n' {
		return parsed{}, false
	}
	if i >= 1 && toks[i-1].kind == 'w' {
		switch toks[i-1].s {
		case "version", "v", "ver", "release", "build", "update", "score":
			return parsed{}, false
		}
	}
	day, month := a.n, b.n
	switch {
	case b.n > 12 && a.n <= 12:
		day, month = b.n, a.n
	case a.n > 12:
	case sep.s == "/" && !dayFirst:
		day, month = b.n, a.n
	}
	year := 2000 + y.n
	if y.n >= 90 {
		year = 1900 + y.n
	}
	p, ok := mk(year, month, day)
	p.shortYear = true
	p.swappable = a.n != b.n && a.n <= 12 && b.n <= 12
	return p, ok
}

// matchAt tries every date shape starting at token i.
func (dp *dateParser) matchAt(toks []token, i int, dayFirst bool) (parsed, bool) {
	t := toks[i]
	at := func(k int) token {
		if k < len(toks) {
			return toks[k]
		}
		return token{}
	}
	switch t.kind {
	case 'n':
		// Numeric: Y-M-D, Y.M.D, Y/M/D, Y年M月D日, Y년 M월 D일.
		if len(t.s) == 4 {
			sep, m, sep2, d := at(i+1), at(i+2), at(i+3), at(i+4)
			if sep.kind == 's' && m.kind == 'n' && sep2.kind == 's' && d.kind == 'n' && len(m.s) <= 2 && len(d.s) <= 2 {
				if (sep.s == sep2.s && strings.Contains("-./", sep.s)) || (sep.s == "年" || sep.s == "년") && (sep2.s == "月" || sep2.s == "월") {
					return dp.withTime(toks, i+5, t.n, m.n, d.n)
				}
			}
			// "2024 December 2"
			if mw := at(i + 1); mw.kind == 'w' {
				if mo, ok := dp.months[mw.s]; ok {
					k := i + 2
					if at(k).s == "." {
						k++
					}
					if d := at(k); d.kind == 'n' && len(d.s) <= 2 {
						return mk(t.n, int(mo), d.n)
					}
				}
			}
			return parsed{}, false
		}
		if len(t.s) > 2 {
			return parsed{}, false
		}
		// D.M.Y, D/M/Y, M/D/Y, and D | M | Y in a designed subline.
		sep, m, sep2, y := at(i+1), at(i+2), at(i+3), at(i+4)
		if sep.kind == 's' && m.kind == 'n' && sep2.kind == 's' && y.kind == 'n' && len(m.s) <= 2 && len(y.s) == 4 && sep.s == sep2.s && strings.Contains("-./|", sep.s) {
			a, b := t.n, m.n
			day, month := a, b
			switch {
			case b > 12 && a <= 12:
				day, month = b, a
			case a > 12:
			case sep.s == "/" && !dayFirst:
				day, month = b, a
			}
			p, ok := dp.withTime(toks, i+5, y.n, month, day)
			p.swappable = a != b && a <= 12 && b <= 12
			return p, ok
		}
		// D. Month Y, D Month Y, D de Month de Y; D-Mon-Y
		// ("04-Aug-2021", "04-ago-2021").
		k := i + 1
		if at(k).s == "-" && at(k+2).s == "-" && at(k+1).kind == 'w' && at(k+3).kind == 'n' && len(at(k+3).s) == 4 {
			if mo, ok := dp.months[at(k+1).s]; ok {
				return mk(at(k+3).n, int(mo), t.n)
			}
		}
		if at(k).s == "." {
			k++
		}
		for isFiller(at(k).s) {
			k++
		}
		if mw := at(k); mw.kind == 'w' {
			if mo, ok := dp.months[mw.s]; ok {
				k++
				if at(k).s == "/" && at(k+1).kind == 'w' && dp.months[at(k+1).s] == mo {
					// "24 نيسان / أبريل 2020": one month in two calendars' names.
					k += 2
				}
				if at(k).s == "." || at(k).s == "," {
					k++
				}
				for isFiller(at(k).s) {
					k++
				}
				if y := at(k); y.kind == 'n' && len(y.s) == 4 {
					return mk(y.n, int(mo), t.n)
				}
			}
		}
	case 'w':
		// Month D, Y ("December 2, 2024", "Dec. 2nd 2024").
		mo, ok := dp.months[t.s]
		if !ok {
			return parsed{}, false
		}
		k := i + 1
		if at(k).s == "." {
			k++
		}
		d := at(k)
		if d.kind != 'n' || len(d.s) > 2 {
			return parsed{}, false
		}
		k++
		for at(k).kind == 'w' && isFiller(at(k).s) {
			k++
		}
		if at(k).s == "," {
			k++
		}
		if y := at(k); y.kind == 'n' && len(y.s) == 4 {
			return mk(y.n, int(mo), d.n)
		}
	}
	return parsed{}, false
}

// withTime builds the date y-m-d. A wall-clock time that may follow
// ("2024.12.02 09:14") is not kept: without a zone it would claim more than
// the page says, so the date stays date-only.
func (dp *dateParser) withTime(_ []token, _, y, m, d int) (parsed, bool) {
	return mk(y, m, d)
}

// mk builds a valid calendar date or reports false.
func mk(y, m, d int) (parsed, bool) {
	if y < 1990 || y > 2100 || m < 1 || m > 12 || d < 1 || d > 31 {
		return parsed{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return parsed{}, false
	}
	return parsed{t: t}, true
}
