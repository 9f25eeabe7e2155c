package bench

import (
	"testing"
)

// loadPages reads the extraction pages once per test binary.
func loadPages(b *testing.B) []*Page {
	b.Helper()
	dir, err := DataDir()
	if err != nil {
		b.Skip(err)
	}
	pages, err := Load(dir, true)
	if err != nil {
		b.Fatal(err)
	}
	return pages
}

// BenchmarkExtract measures every text extractor on the same pages, one
// page per iteration, in page order. Run on one core and compare with
// benchstat:
//
//	go test -run '^$' -bench Extract -cpu 1 -count 10 -benchtime 749x | tee new.txt
func BenchmarkExtract(b *testing.B) {
	pages := loadPages(b)
	for _, x := range Extractors() {
		if !x.Text {
			continue
		}
		b.Run(x.Name, func(b *testing.B) {
			b.ReportAllocs()
			var bytes int64
			for i := 0; b.Loop(); i++ {
				p := pages[i%len(pages)]
				bytes += int64(len(p.HTML))
				if _, err := x.Run(p); err != nil {
					_ = err // a page an extractor refuses still costs its time
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pages/s")
			b.SetBytes(bytes / int64(max(1, b.N)))
		})
	}
}
