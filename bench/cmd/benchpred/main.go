// Command benchpred runs one extractor over every page of the benchmark
// and writes the prediction JSONL that shared/bench/score.py scores.
//
//	go run ./cmd/benchpred -x newsarchive -o /tmp/newsarchive.jsonl
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"

	"github.com/newsarchive/newsarchive/bench"
)

func main() {
	name := flag.String("x", "newsarchive", "extractor: newsarchive, trafilatura, readability or htmldate")
	out := flag.String("o", "-", "output file (- for stdout)")
	data := flag.String("data", "", "benchmark folder (default: found by bench.DataDir)")
	jobs := flag.Int("j", runtime.NumCPU(), "pages extracted in parallel")
	flag.Parse()
	if err := run(*name, *out, *data, *jobs); err != nil {
		fmt.Fprintln(os.Stderr, "benchpred:", err)
		os.Exit(1)
	}
}

func run(name, out, data string, jobs int) error {
	if data == "" {
		d, err := bench.DataDir()
		if err != nil {
			return err
		}
		data = d
	}
	var x *bench.Extractor
	for _, e := range bench.Extractors() {
		if e.Name == name {
			x = &e
		}
	}
	if x == nil {
		return fmt.Errorf("unknown extractor %q", name)
	}
	pages, err := bench.Load(data, false)
	if err != nil {
		return err
	}
	preds := bench.Predict(*x, pages, jobs)
	w := os.Stdout
	if out != "-" {
		f, err := os.Create(out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	for _, p := range preds {
		if err := enc.Encode(p); err != nil {
			return err
		}
	}
	return bw.Flush()
}
