// Command benchshow prints newsarchive's record of benchmark pages, to
// look at a failure found with score.py --per-page.
//
//	go run ./cmd/benchshow wcxb-0001 [more ids]
package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"

	"github.com/newsarchive/newsarchive"
	"github.com/newsarchive/newsarchive/bench"
	"github.com/newsarchive/newsarchive/extract"
)

func main() {
	dir, err := bench.DataDir()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	pages, err := bench.Load(dir, false)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	want := map[string]bool{}
	for _, id := range os.Args[1:] {
		want[id] = true
	}
	x := extract.New(extract.DefaultOptions())
	for _, p := range pages {
		if !want[p.ID] {
			continue
		}
		a, err := x.Extract(&newsarchive.Page{URL: p.URL, Status: 200, Header: http.Header{}, Body: p.HTML})
		if err != nil {
			fmt.Println(p.ID, err)
			continue
		}
		a.Blocks = nil
		b, _ := json.MarshalIndent(a, "", "  ")
		fmt.Printf("== %s %s truthDate=%s\n%s\n", p.ID, p.URL, p.Date, b)
	}
}
