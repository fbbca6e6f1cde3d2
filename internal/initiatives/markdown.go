package initiatives

import (
	"bytes"
	"html/template"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
)

// md renders authors' Markdown. goldmark's defaults are the safe ones this
// needs: raw HTML in the source is dropped (not passed through), and links
// or images to javascript:, vbscript:, file: or data: (other than images)
// lose their address. Links get rel="nofollow ugc" below.
var md = goldmark.New(
	goldmark.WithExtensions(extension.Linkify, extension.Strikethrough),
	goldmark.WithRendererOptions(html.WithHardWraps(),
		renderer.WithNodeRenderers(util.Prioritized(imagesAsText{}, 100))),
)

// imagesAsText writes an image's alternative text instead of the image:
// remote images in digests and feeds would tell their author who reads
// them (and the site's CSP blocks them anyway). Uploads have their own form.
type imagesAsText struct{}

func (imagesAsText) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindImage, func(util.BufWriter, []byte, ast.Node, bool) (ast.WalkStatus, error) {
		return ast.WalkContinue, nil // the children, the alternative text, render as text
	})
}

// RenderMarkdown turns an author's Markdown into HTML safe to show.
func RenderMarkdown(src string) template.HTML {
	var b bytes.Buffer
	if err := md.Convert([]byte(src), &b); err != nil {
		return template.HTML(template.HTMLEscapeString(src))
	}
	// Links written by authors are theirs, not the platform's.
	out := bytes.ReplaceAll(b.Bytes(), []byte("<a href="), []byte(`<a rel="nofollow ugc" href=`))
	return template.HTML(out)
}
