package extract

import "testing"

func TestHiddenClass(t *testing.T) {
	tests := []struct {
		ci   string
		want bool
	}{
		{"hidden", true},
		{"is-hidden card", true},
		{"visually-hidden", true},
		{"bricks-lazy-hidden", true},
		{"grid overflow-hidden transition-all", false},
		{"tw-overflow-hidden", false},
		{"lg:hidden block", false},
		{"print:hidden", false},
		{"kt-accordion-panel kt-accordion-panel-hidden", false},
		{"qaaccordionitem_hiddenanswer__v1rzs", false},
		{"muicollapse-hidden", false},
		{"entry-content", false},
	}
	for _, tt := range tests {
		if got := hiddenClass(tt.ci); got != tt.want {
			t.Errorf("hiddenClass(%q) = %v, want %v", tt.ci, got, tt.want)
		}
	}
}
