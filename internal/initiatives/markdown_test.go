package initiatives

import (
	"strings"
	"testing"
)

func TestMarkdownCarriesNoScript(t *testing.T) {
	for _, src := range []string{
		`<script>alert(1)</script>`,
		`[click](javascript:alert(1))`,
		`[click](JaVaScRiPt:alert(1))`,
		`[click](  javascript:alert(1))`,
		`<img src=x onerror=alert(1)>`,
		`![x](javascript:alert(1))`,
		`<a href="javascript:alert(1)">x</a>`,
		"<iframe src=\"https://evil.example\"></iframe>",
		`[x](vbscript:msgbox)`,
		`[x](data:text/html;base64,PHNjcmlwdD4=)`,
	} {
		out := strings.ToLower(string(RenderMarkdown(src)))
		for _, bad := range []string{"<script", "javascript:", "vbscript:", "onerror", "<iframe", "data:text/html", "<img src=x"} {
			if strings.Contains(out, bad) {
				t.Errorf("Markdown %q renders %q, which contains %q", src, out, bad)
			}
		}
	}
}

func TestMarkdownKeepsFormatting(t *testing.T) {
	out := string(RenderMarkdown("**Compost** every *Saturday*\n\n- bring [bags](https://example.org/bags)\n- <b>gloves</b> & tools"))
	for _, want := range []string{"<strong>Compost</strong>", "<em>Saturday</em>", "<li>", `<a rel="nofollow ugc" href="https://example.org/bags">bags</a>`, "&amp; tools"} {
		if !strings.Contains(out, want) {
			t.Errorf("rendered Markdown lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "<b>") {
		t.Errorf("raw HTML passed through: %s", out)
	}
	img := string(RenderMarkdown("![a tracking pixel](https://tracker.example/p.gif)"))
	if strings.Contains(img, "<img") || strings.Contains(img, "tracker.example") || !strings.Contains(img, "a tracking pixel") {
		t.Errorf("a remote image renders as %q, want its alternative text only", img)
	}
}
