package static

import (
	"embed"
	"io/fs"
)

//go:embed assets
var assets embed.FS

//go:embed templates
var templates embed.FS

// Assets is the tree served under /assets/.
var Assets = mustSub(assets, "assets")

// Templates is the html/template source.
var Templates = mustSub(templates, "templates")

func mustSub(f embed.FS, dir string) fs.FS {
	sub, err := fs.Sub(f, dir)
	if err != nil {
		panic(err)
	}
	return sub
}
