package extract

import "testing"

func TestDateFind(t *testing.T) {
	dp := newDateParser()
	tests := []struct {
		in       string
		dayFirst bool
		want     string // "" = no date
	}{
		{"December 2, 2024", false, "2024-12-02"},
		{"Dec. 2, 2024", false, "2024-12-02"},
		{"Published on December 2nd, 2024 at 9:14", false, "2024-12-02"},
		{"2024.12.02 09:14", false, "2024-12-02"},
		{"2024-12-02", false, "2024-12-02"},
		{"2024/12/02", false, "2024-12-02"},
		{"2 déc. 2024", true, "2024-12-02"},
		{"Publié le 2 décembre 2024 à 10h", true, "2024-12-02"},
		{"2024년 12월 2일", true, "2024-12-02"},
		{"2024年12月2日 9:14", true, "2024-12-02"},
		{"2. Dezember 2024", true, "2024-12-02"},
		{"Montag, 2. Dezember 2024, 09:14 Uhr", true, "2024-12-02"},
		{"2 de diciembre de 2024", true, "2024-12-02"},
		{"2 dezembro 2024", true, "2024-12-02"},
		{"2 декабря 2024 г.", true, "2024-12-02"},
		{"2 грудня 2024", true, "2024-12-02"},
		{"2 Aralık 2024", true, "2024-12-02"},
		{"2 grudnia 2024", true, "2024-12-02"},
		{"02.12.2024", true, "2024-12-02"},
		{"12/02/2024", false, "2024-12-02"},
		{"02/12/2024", true, "2024-12-02"},
		{"25/12/2024", false, "2024-12-25"},
		{"Saturday, January 18, 2025", false, "2025-01-18"},
		{"2 Dec 2024", false, "2024-12-02"},
		{"Posted 04-Aug-2021 5:11:10", false, "2021-08-04"},
		{"By FlowGuard EMEA on 04-ago-2021 5:11:10", true, "2021-08-04"},
		{"Updated 3 days ago 2021 edition", false, ""},
		{"26 | 01 | 2022 Natur & Umwelt", true, "2022-01-26"},
		{"تم نشره الجمعة 24 نيسان / أبريل 2020 09:22 مساءً", true, "2020-04-24"},
		{"24 أبريل 2020", true, "2020-04-24"},
		{"الأحد، 23 أغسطس 2020 09:14 ص", true, "2020-08-23"},
		{"ByKathryn GiuffridaMar 5, 2025 | 6 comments", false, "2025-03-05"}, // spans with no space between
		{"No date here, only 42 apples", false, ""},
		{"February 30, 2024", false, ""},
		{"May 2024", false, ""},
		{"31.13.2024", true, ""},
		{"Party, 30.10.23", true, ""}, // two-digit years only in bylines: findLine
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, ok := dp.find(tt.in, tt.dayFirst)
			got := ""
			if ok {
				got = p.format()
			}
			if got != tt.want {
				t.Errorf("find(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestDateFindLine covers what a byline may hold beyond find: two-digit
// years, but not versions or addresses.
func TestDateFindLine(t *testing.T) {
	dp := newDateParser()
	tests := []struct {
		in       string
		dayFirst bool
		want     string
	}{
		{"December 2, 2024", false, "2024-12-02"},
		{"Klaus-Peter Schöppner, 8.5.12", true, "2012-05-08"},
		{"Party, 30.10.23", true, "2023-10-30"},
		{"31.10.23 | Björn Jahner", false, "2023-10-31"},
		{"10/31/23", false, "2023-10-31"},
		{"03/04/23", true, "2023-04-03"},
		{"3.5.98", true, "1998-05-03"},
		{"Version 1.2.12", false, ""},
		{"192.168.10.12", false, ""},
		{"10.12.19.5", false, ""},
		{"31.02.23", true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, ok := dp.findLine(tt.in, tt.dayFirst)
			got := ""
			if ok {
				got = p.format()
			}
			if got != tt.want {
				t.Errorf("findLine(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestDateMachine(t *testing.T) {
	dp := newDateParser()
	tests := []struct{ in, want string }{
		{"2024-12-02T09:14:00+01:00", "2024-12-02T09:14:00+01:00"},
		{"2024-12-02T09:14:00Z", "2024-12-02T09:14:00Z"},
		{"2024-12-02T09:14:00.123Z", "2024-12-02T09:14:00Z"},
		{"2024-12-02T09:14:00+0100", "2024-12-02T09:14:00+01:00"},
		{"2024-12-02T09:14:00", "2024-12-02T09:14:00Z"},
		{"2024-12-02 09:14:00", "2024-12-02T09:14:00Z"},
		{"2024-12-02", "2024-12-02"},
		{"Mon, 02 Dec 2024 09:14:00 GMT", "2024-12-02T09:14:00Z"},
		{"Mon, 02 Dec 2024 09:14:00 +0100", "2024-12-02T09:14:00+01:00"},
		{"20241202", "2024-12-02"},
		{"December 2, 2024", "2024-12-02"},
		{"", ""},
		{"garbage", ""},
	}
	for _, tt := range tests {
		p, ok := dp.parseMachine(tt.in)
		got := ""
		if ok {
			got = p.format()
		}
		if got != tt.want {
			t.Errorf("parseMachine(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzDateParse checks that the date readers never panic and only return
// real calendar dates.
func FuzzDateParse(f *testing.F) {
	for _, s := range []string{"December 2, 2024", "8.5.12", "2024-12-02T09:14:00+01:00", "03/04/2024", "2024年12月2日", "1.2.3.4", "20201007120909561", ""} {
		f.Add(s)
	}
	dp := newDateParser()
	f.Fuzz(func(t *testing.T, s string) {
		for _, read := range []func(string) (parsed, bool){
			func(s string) (parsed, bool) { return dp.find(s, true) },
			func(s string) (parsed, bool) { return dp.findLine(s, false) },
			dp.parseMachine,
		} {
			p, ok := read(s)
			if !ok {
				continue
			}
			if y := p.t.Year(); y < 1970 || y > 2100 {
				t.Fatalf("%q: year %d", s, y)
			}
			if _, ok := p.swapped(); p.swappable && !ok && p.t.Day() <= 12 {
				t.Fatalf("%q: swappable %s has no other reading", s, p.format())
			}
		}
	})
}
