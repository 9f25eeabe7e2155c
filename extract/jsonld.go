package extract

import (
	"encoding/json"
	"strings"
)

// parseJSONLD decodes one ld+json script and files its typed objects in m:
// article types in m.ld, the rest in m.ldOther. Arrays, @graph and nested
// mainEntity objects are flattened. A script that does not decode (many
// sites write broken JSON) is retried with control characters removed.
func parseJSONLD(src string, m *meta) {
	src = strings.TrimSpace(src)
	src = strings.TrimPrefix(src, "<!--")
	src = strings.TrimSuffix(src, "-->")
	src = strings.TrimSuffix(strings.TrimSpace(src), ";")
	var v any
	if err := json.Unmarshal([]byte(src), &v); err != nil {
		clean := strings.Map(func(r rune) rune {
			if r < 0x20 {
				return ' '
			}
			return r
		}, src)
		if err := json.Unmarshal([]byte(clean), &v); err != nil {
			return
		}
	}
	flattenLD(v, m, 0)
}

func flattenLD(v any, m *meta, depth int) {
	if depth > 6 {
		return
	}
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			flattenLD(e, m, depth+1)
		}
	case map[string]any:
		if g, ok := x["@graph"]; ok {
			flattenLD(g, m, depth+1)
		}
		if isArticleType(x["@type"]) {
			m.ld = append(m.ld, x)
		} else if x["@type"] != nil {
			m.ldOther = append(m.ldOther, x)
		}
		for _, k := range [...]string{"mainEntity", "mainEntityOfPage", "itemListElement"} {
			if e, ok := x[k].(map[string]any); ok {
				if isArticleType(e["@type"]) {
					m.ld = append(m.ld, e)
				}
			}
		}
	}
}

// isArticleType reports whether a JSON-LD @type names an article.
func isArticleType(t any) bool {
	switch x := t.(type) {
	case string:
		x = strings.TrimPrefix(strings.TrimPrefix(x, "http://schema.org/"), "https://schema.org/")
		switch x {
		case "Article", "NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle", "OpinionNewsArticle",
			"ReviewNewsArticle", "BackgroundNewsArticle", "AskPublicNewsArticle", "SatiricalArticle",
			"BlogPosting", "LiveBlogPosting", "TechArticle", "ScholarlyArticle", "SocialMediaPosting",
			"DiscussionForumPosting", "Report", "Review", "Recipe", "HowTo", "APIReference", "MedicalScholarlyArticle":
			return true
		}
	case []any:
		for _, e := range x {
			if isArticleType(e) {
				return true
			}
		}
	}
	return false
}

// jsonString returns a JSON-LD value as a string: strings as they are, the
// first string of an array, "@value" of a value object.
func jsonString(v any) string {
	switch x := v.(type) {
	case string:
		return foldSpace(x)
	case []any:
		for _, e := range x {
			if s := jsonString(e); s != "" {
				return s
			}
		}
	case map[string]any:
		if s, ok := x["@value"].(string); ok {
			return foldSpace(s)
		}
	case float64:
		return ""
	}
	return ""
}

// jsonNames returns the names of a JSON-LD author value (a string, a
// Person or Organization, or an array of them).
func jsonNames(v any) []string {
	switch x := v.(type) {
	case string:
		if strings.HasPrefix(x, "http") {
			return nil
		}
		return splitAuthors(x)
	case map[string]any:
		if s := jsonString(x["name"]); s != "" {
			return []string{s}
		}
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, jsonNames(e)...)
		}
		return out
	}
	return nil
}

// jsonImage returns the URL of a JSON-LD image value.
func jsonImage(v any) string {
	switch x := v.(type) {
	case string:
		return strings.TrimSpace(x)
	case map[string]any:
		if s := jsonString(x["url"]); s != "" {
			return s
		}
		return jsonString(x["contentUrl"])
	case []any:
		for _, e := range x {
			if s := jsonImage(e); s != "" {
				return s
			}
		}
	}
	return ""
}
