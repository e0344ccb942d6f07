package exports

import (
	"fmt"
	"io"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

// Receipt is a submitted return as the governor keeps it: every section the school was
// asked, with its answers in words.
type Receipt struct {
	Partnership, School, Round, Reference string
	URN                                   int
	Submitted                             time.Time // drawn in its own zone: give London time
	Late                                  bool
	// SignOff names the people of a two-person sign-off, a line each (empty otherwise).
	SignOff  []string
	Sections []ReceiptSection
}

// ReceiptSection is one section's answers.
type ReceiptSection struct {
	Title string
	Rows  []ReceiptRow
}

// ReceiptRow is one question and its answer.
type ReceiptRow struct {
	Question, Answer, Comment string
}

// WriteReceiptPDF writes the receipt as an A4 PDF with go-pdf/fpdf (pure Go, no external
// tools). Answers are drawn as plain text, so markup typed into a form stays inert.
func WriteReceiptPDF(w io.Writer, r Receipt) error {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetTitle("Safeguarding assurance receipt "+r.Reference, true)
	pdf.SetAuthor(r.Partnership, true)
	pdf.SetCreationDate(r.Submitted)
	pdf.SetModificationDate(r.Submitted)
	tr := pdf.UnicodeTranslatorFromDescriptor("") // UTF-8 to the core fonts' code page
	pdf.SetMargins(18, 18, 18)
	pdf.SetAutoPageBreak(true, 24)
	// A long return runs over several pages: each says which it is and carries the
	// reference, so a loose page can be matched to its return.
	pdf.AliasNbPages("")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-16)
		pdf.SetFont("Helvetica", "", 9)
		pdf.CellFormat(0, 5, tr("Reference "+r.Reference), "", 0, "L", false, 0, "")
		pdf.CellFormat(0, 5, fmt.Sprintf("Page %d of {nb}", pdf.PageNo()), "", 0, "R", false, 0, "")
	})
	pdf.AddPage()
	pdf.SetFont("Helvetica", "B", 16)
	pdf.MultiCell(0, 8, tr(r.Partnership), "", "L", false)
	pdf.SetFont("Helvetica", "B", 13)
	pdf.MultiCell(0, 8, tr("Safeguarding assurance "+r.Round+": receipt"), "", "L", false)
	pdf.Ln(2)
	pdf.SetFont("Helvetica", "", 11)
	late := ""
	if r.Late {
		late = " (after the deadline)"
	}
	for _, l := range append([]string{
		"School: " + r.School,
		fmt.Sprintf("URN: %d", r.URN),
		"Reference: " + r.Reference,
		"Submitted: " + r.Submitted.Format("2 January 2006 at 3:04pm") + late,
	}, r.SignOff...) {
		pdf.MultiCell(0, 6, tr(l), "", "L", false)
	}
	for _, s := range r.Sections {
		pdf.Ln(4)
		pdf.SetFont("Helvetica", "B", 12)
		pdf.MultiCell(0, 7, tr(s.Title), "B", "L", false)
		for _, row := range s.Rows {
			pdf.SetFont("Helvetica", "B", 10)
			pdf.MultiCell(0, 5, tr(row.Question), "", "L", false)
			pdf.SetFont("Helvetica", "", 10)
			pdf.MultiCell(0, 5, tr(row.Answer), "", "L", false)
			if row.Comment != "" {
				pdf.SetFont("Helvetica", "I", 10)
				pdf.MultiCell(0, 5, tr(row.Comment), "", "L", false)
			}
			pdf.Ln(1)
		}
	}
	return pdf.Output(w)
}
