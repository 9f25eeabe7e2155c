// Package bench measures newsarchive's extractor against its peers
// (go-trafilatura, go-readability, go-htmldate for dates) on the
// development benchmark in ../shared/bench: the same pages, the same run.
//
// It is its own Go module so that the product's go.mod never depends on
// the peers. cmd/benchpred writes the prediction JSONL that
// ../shared/bench/score.py scores; cmd/benchtable runs every extractor,
// scores it, measures pages per second on one core and rewrites the
// results table in README.md; BenchmarkExtract compares the speed of the
// extractors with the testing package (use benchstat).
package bench
