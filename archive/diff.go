package archive

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newsarchive/newsarchive"
)

// Diff is the difference between two versions of a record, field by field,
// word by word.
type Diff struct {
	ID     string      `json:"id"`
	From   int         `json:"from"` // version numbers
	To     int         `json:"to"`
	Fields []FieldDiff `json:"fields"` // only the fields that differ, in record order
}

// FieldDiff is the word-level difference of one field.
type FieldDiff struct {
	Field string   `json:"field"` // the record's JSON field name
	Ops   []DiffOp `json:"ops"`
}

// DiffOp is one run of text that is in both versions (Equal), only in the
// newer one (Insert), or only in the older one (Delete).
type DiffOp struct {
	Kind OpKind `json:"kind"`
	Text string `json:"text"`
}

// OpKind says which side of a diff a text run belongs to.
type OpKind string

// Kinds of DiffOp.
const (
	Equal  OpKind = "="
	Insert OpKind = "+"
	Delete OpKind = "-"
)

// String writes the diff for a terminal: one block per field, deleted text
// as [-text-] and inserted text as {+text+}, as git diff --word-diff does.
func (d *Diff) String() string {
	var b strings.Builder
	b.WriteString("record " + d.ID + ": version " + strconv.Itoa(d.From) + " → " + strconv.Itoa(d.To) + "\n")
	if len(d.Fields) == 0 {
		b.WriteString("(no differences)\n")
	}
	for _, f := range d.Fields {
		b.WriteString("--- " + f.Field + "\n")
		for _, op := range f.Ops {
			switch op.Kind {
			case Equal:
				b.WriteString(shorten(op.Text))
			case Delete:
				b.WriteString("[-" + op.Text + "-]")
			case Insert:
				b.WriteString("{+" + op.Text + "+}")
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

// articleFields returns the compared fields of an article as text, in
// record order.
func articleFields(a *newsarchive.Article) [][2]string {
	caps := make([]string, len(a.Captions))
	for i, c := range a.Captions {
		caps[i] = c.Text
	}
	var rel []string
	for _, r := range a.Related {
		for _, l := range r.Links {
			rel = append(rel, r.Label+": "+l.Title+" <"+l.URL+">")
		}
	}
	return [][2]string{
		{"isArticle", strconv.FormatBool(a.IsArticle)},
		{"headline", a.Headline},
		{"datePublished", a.DatePublished},
		{"dateModified", a.DateModified},
		{"dateSource", a.DateSource},
		{"authors", strings.Join(a.Authors, "; ")},
		{"section", a.Section},
		{"language", a.Language},
		{"description", a.Description},
		{"image", a.Image},
		{"captions", strings.Join(caps, "\n")},
		{"paragraphs", strings.Join(a.Paragraphs, "\n\n")},
		{"related", strings.Join(rel, "\n")},
		{"extractor", a.Extractor},
	}
}

// changedFields names the fields that differ between two articles.
func changedFields(a, b *newsarchive.Article) []string {
	fa, fb := articleFields(a), articleFields(b)
	var out []string
	for i := range fa {
		if fa[i][1] != fb[i][1] {
			out = append(out, fa[i][0])
		}
	}
	return out
}

// DiffArticles compares two articles field by field, word by word.
func DiffArticles(a, b *newsarchive.Article) *Diff {
	d := &Diff{ID: b.ID, From: a.Version, To: b.Version}
	fa, fb := articleFields(a), articleFields(b)
	for i := range fa {
		if fa[i][1] == fb[i][1] {
			continue
		}
		d.Fields = append(d.Fields, FieldDiff{Field: fa[i][0], Ops: diffWords(fa[i][1], fb[i][1])})
	}
	return d
}

// tokens splits text into words, the spaces between them and single
// punctuation marks, so that joining the tokens gives the text back.
func tokens(s string) []string {
	class := func(r rune) int {
		switch {
		case unicode.IsSpace(r):
			return 1
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'' || r == '’':
			return 2
		}
		return 3 // a mark: a token of its own
	}
	var out []string
	start, prev := 0, 0
	for i, r := range s {
		c := class(r)
		if i > start && (c != prev || c == 3) {
			out = append(out, s[start:i])
			start = i
		}
		prev = c
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// maxDiffCells bounds the LCS table; past it the changed middle is shown
// as one deletion and one insertion.
const maxDiffCells = 4 << 20

// diffWords returns the word-level difference of two texts: common prefix
// and suffix, and a longest-common-subsequence diff of the middle.
func diffWords(a, b string) []DiffOp {
	ta, tb := tokens(a), tokens(b)
	pre := 0
	for pre < len(ta) && pre < len(tb) && ta[pre] == tb[pre] {
		pre++
	}
	suf := 0
	for suf < len(ta)-pre && suf < len(tb)-pre && ta[len(ta)-1-suf] == tb[len(tb)-1-suf] {
		suf++
	}
	var ops []DiffOp
	add := func(k OpKind, t string) {
		if t == "" {
			return
		}
		if n := len(ops); n > 0 && ops[n-1].Kind == k {
			ops[n-1].Text += t
			return
		}
		ops = append(ops, DiffOp{Kind: k, Text: t})
	}
	add(Equal, strings.Join(ta[:pre], ""))
	ma, mb := ta[pre:len(ta)-suf], tb[pre:len(tb)-suf]
	if (len(ma)+1)*(len(mb)+1) > maxDiffCells {
		add(Delete, strings.Join(ma, ""))
		add(Insert, strings.Join(mb, ""))
	} else {
		// lcs[i][j] = length of the LCS of ma[i:] and mb[j:].
		w := len(mb) + 1
		lcs := make([]int32, (len(ma)+1)*w)
		for i := len(ma) - 1; i >= 0; i-- {
			for j := len(mb) - 1; j >= 0; j-- {
				if ma[i] == mb[j] {
					lcs[i*w+j] = lcs[(i+1)*w+j+1] + 1
				} else {
					lcs[i*w+j] = max(lcs[(i+1)*w+j], lcs[i*w+j+1])
				}
			}
		}
		i, j := 0, 0
		for i < len(ma) && j < len(mb) {
			switch {
			case ma[i] == mb[j]:
				add(Equal, ma[i])
				i, j = i+1, j+1
			case lcs[(i+1)*w+j] >= lcs[i*w+j+1]:
				add(Delete, ma[i])
				i++
			default:
				add(Insert, mb[j])
				j++
			}
		}
		add(Delete, strings.Join(ma[i:], ""))
		add(Insert, strings.Join(mb[j:], ""))
	}
	add(Equal, strings.Join(ta[len(ta)-suf:], ""))
	return ops
}

// shorten keeps the ends of a long unchanged run, as context.
func shorten(s string) string {
	const keep = 80
	if len(s) <= 3*keep {
		return s
	}
	head, tail := s[:keep], s[len(s)-keep:]
	// Cut on rune boundaries.
	for len(head) > 0 && !utf8.RuneStart(s[len(head)]) {
		head = head[:len(head)-1]
	}
	for len(tail) > 0 && !utf8.RuneStart(tail[0]) {
		tail = tail[1:]
	}
	return head + " … " + tail
}
