package exports

import (
	"io"

	"codeberg.org/go-pdf/fpdf"
)

// Certificate is one certificate: for a JOSO (named only where their consent allows) or
// for a school's whole team.
type Certificate struct {
	Name     string // "" when the JOSO may not be named
	Team     bool
	School   string
	Category string
	Year     string // the programme year, like 2022-23
}

// WriteCertificatesPDF writes one landscape A4 page per certificate, with go-pdf/fpdf as
// for the receipt. A JOSO's name appears only where their consent allows; otherwise the
// certificate is for "a Junior Online Safety Officer" of the school.
func WriteCertificatesPDF(w io.Writer, partnership string, certs []Certificate) error {
	pdf := fpdf.New("L", "mm", "A4", "")
	pdf.SetTitle("Junior Online Safety Officer certificates", true)
	pdf.SetAuthor(partnership, true)
	tr := pdf.UnicodeTranslatorFromDescriptor("")
	pdf.SetAutoPageBreak(false, 0)
	for _, c := range certs {
		pdf.AddPage()
		pdf.SetDrawColor(29, 112, 184)
		pdf.SetLineWidth(3)
		pdf.Rect(10, 10, 277, 190, "D")
		pdf.SetLineWidth(0.8)
		pdf.Rect(16, 16, 265, 178, "D")
		line := func(y float64, size float64, style, text string) {
			pdf.SetFont("Helvetica", style, size)
			pdf.SetXY(20, y)
			pdf.MultiCell(257, size*0.5, tr(text), "", "C", false)
		}
		line(30, 16, "", partnership)
		line(48, 34, "B", "Certificate of achievement")
		line(75, 14, "", "awarded to")
		who := c.Name
		switch {
		case c.Team:
			who = "The Junior Online Safety Officer team"
		case who == "":
			who = "A Junior Online Safety Officer"
		}
		line(88, 30, "B", who)
		line(110, 16, "", "of "+c.School)
		line(128, 14, "", "for")
		line(138, 26, "B", c.Category)
		line(165, 13, "", "Junior Online Safety Officer programme "+c.Year)
	}
	if len(certs) == 0 {
		pdf.AddPage()
		pdf.SetFont("Helvetica", "", 16)
		pdf.SetXY(20, 90)
		pdf.MultiCell(257, 8, tr("No certificates have been awarded yet."), "", "C", false)
	}
	return pdf.Output(w)
}
