// Package text cleans people's text where it enters the domain: names, file names,
// governors' answers. It removes what makes text display as something it is not (the
// bidirectional overrides that show "inv‮gnp.pdf" for a PNG, zero-width characters that
// make two names look alike, control characters) and says whether text fits a length.
// It is a leaf: forms, missions and accounts call it at their boundaries. It also checks an
// email address as typed (NormaliseEmail), the one check admins and link teachers share.
package text
