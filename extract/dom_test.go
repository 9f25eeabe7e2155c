package extract

import "testing"

func TestNormKey(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Hot this week", "hot this week"},
		{"  Related   Articles: ", "related articles"},
		{"Don't miss!", "don t miss"},
		{"À LIRE AUSSI", "à lire aussi"},
		{"2. Dezember 2024", "2 dezember 2024"},
		{"관련 기사", "관련 기사"},
		{"—", ""},
	}
	for _, tt := range tests {
		if got := normKey(tt.in); got != tt.want {
			t.Errorf("normKey(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestStripSite(t *testing.T) {
	tests := []struct{ title, site, url, want string }{
		{"Harbour Ferry Returns After Two-Year Refit | The Daily Harbour", "The Daily Harbour", "https://news.example.com/a", "Harbour Ferry Returns After Two-Year Refit"},
		{"Neue Brücke über den Kanal eröffnet – Stadtanzeiger", "", "https://stadtanzeiger.example.de/a", "Neue Brücke über den Kanal eröffnet"},
		{"The Daily Harbour | Harbour Ferry Returns", "The Daily Harbour", "https://news.example.com/a", "Harbour Ferry Returns"},
		{"Left - Right: a title with a dash in it and many words", "", "https://x.example/a", "Left - Right: a title with a dash in it and many words"},
	}
	for _, tt := range tests {
		if got := stripSite(tt.title, tt.site, tt.url); got != tt.want {
			t.Errorf("stripSite(%q) = %q, want %q", tt.title, got, tt.want)
		}
	}
}
