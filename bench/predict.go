package bench

import (
	"fmt"
	"sync"
)

// Prediction is one line of the JSONL that score.py reads.
type Prediction struct {
	ID    string  `json:"id"`
	Body  *string `json:"body,omitempty"`
	Date  *string `json:"datePublished"`
	Error string  `json:"error,omitempty"`
}

// Predict runs x over pages on jobs goroutines and returns the
// predictions in page order. A page whose extraction fails or panics gets
// an empty prediction with the error.
func Predict(x Extractor, pages []*Page, jobs int) []Prediction {
	out := make([]Prediction, len(pages))
	ch := make(chan int)
	var wg sync.WaitGroup
	for range max(1, jobs) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range ch {
				out[i] = predictOne(x, pages[i])
			}
		}()
	}
	for i := range pages {
		ch <- i
	}
	close(ch)
	wg.Wait()
	return out
}

func predictOne(x Extractor, p *Page) (pr Prediction) {
	pr.ID = p.ID
	empty := ""
	if x.Text {
		pr.Body = &empty
	}
	defer func() {
		if r := recover(); r != nil {
			pr.Error = fmt.Sprint("panic: ", r)
		}
	}()
	r, err := x.Run(p)
	if err != nil {
		pr.Error = err.Error()
		return pr
	}
	if x.Text {
		pr.Body = &r.Body
	}
	if r.Date != "" {
		d := r.Date
		pr.Date = &d
	}
	return pr
}
