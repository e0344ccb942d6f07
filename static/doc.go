// Package static embeds the front end: Assets (the compiled GOV.UK Frontend stylesheet,
// its JavaScript and images, served under /assets/) and Templates (html/template source,
// never served). They are separate embed.FS values so template source cannot leak through
// the asset route.
//
// assets/ is built from the pinned npm packages in package.json by `npm run build` (see
// build.mjs) and committed, so the Go binary needs no Node at run time; the test script
// rebuilds it and fails if the committed copy differs.
package static
