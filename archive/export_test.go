package archive

// Bounds of the site knowledge, for the external tests.
const (
	LearnPages = learnPages
	FlushPages = flushPages
)

// MaxDropped bounds the visited copies one lease transaction drops.
const MaxDropped = maxDropped
