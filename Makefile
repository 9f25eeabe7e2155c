# newsarchive — the two commands a new machine needs:
#   make demo    crawl the bundled demo site into demo.db and export demo.jsonl (no network)
#   make test    vet, then every test with the race detector
GO      ?= go
PKGS    := ./...
BENCHCOUNT ?= 10

.PHONY: all build test demo bench bench-peers lint staticcheck fmt fuzz clean

all: lint test build

build:
	$(GO) build -o bin/newsarchive ./cmd/newsarchive

# The race detector needs cgo (a C compiler); without one the tests run
# without it rather than not at all.
RACE := $(shell [ "$$($(GO) env CGO_ENABLED)" = 1 ] && command -v $$($(GO) env CC) >/dev/null 2>&1 && echo -race)

test:
	$(GO) vet $(PKGS)
	$(GO) test $(RACE) -count=1 -timeout 15m $(PKGS)

demo:
	$(GO) run ./cmd/newsarchive demo

# Product benchmarks; compare two runs with benchstat (go run golang.org/x/perf/cmd/benchstat).
bench:
	$(GO) test -run '^$$' -bench . -benchmem -count $(BENCHCOUNT) $(PKGS) | tee bench.txt

# Extraction quality and speed against peer extractors (own go.mod in bench/).
bench-peers:
	$(MAKE) -C bench

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)

# Deeper static analysis (fetched from the module proxy on first use).
staticcheck:
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 -checks 'all,-ST1000,-ST1003,-ST1016,-ST1020,-ST1021,-ST1022' $(PKGS)

fmt:
	gofmt -w $$(git ls-files '*.go')

# A short fuzzing pass over every parser (FUZZTIME each).
FUZZTIME ?= 30s
FUZZ_TARGETS := FuzzNormalize:./internal/urlnorm FuzzExtract:./extract FuzzRewriteHTML:./web \
	FuzzSeedParsers:./crawler FuzzRetryAfter:./crawler FuzzLinks:./crawler \
	FuzzDecoders:./archive FuzzDiffWords:./archive FuzzHandlers:./fixtures
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		echo "== $${t%%:*} $${t#*:}"; \
		$(GO) test -run '^$$' -fuzz "^$${t%%:*}$$" -fuzztime $(FUZZTIME) "$${t#*:}"; \
	done

clean:
	rm -rf bin demo.db demo.jsonl bench.txt
