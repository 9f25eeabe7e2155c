package archive

// Bounds of the site knowledge, for the external tests.
const (
	LearnPages = learnPages
	FlushPages = flushPages
)
