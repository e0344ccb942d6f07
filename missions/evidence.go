package missions

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // image.DecodeConfig must know the types evidence may be
	_ "image/png"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/lscp/assure/internal/problem"
	"github.com/lscp/assure/internal/text"
)

// Evidence is a file attached to an activity. The file is in GridFS; the activity keeps
// what views need to list it.
type Evidence struct {
	ID         string    `bson:"id"` // the GridFS file's ObjectID, hex
	Name       string    `bson:"name"`
	Type       string    `bson:"type"` // the content type the bytes were found to be
	Size       int64     `bson:"size"`
	ShowsFaces bool      `bson:"shows_faces"`
	Added      time.Time `bson:"added"`
}

// Limits on evidence: enough for a photo of a poster or a short document.
const (
	MaxEvidenceBytes       = 10 << 20
	MaxEvidencePerActivity = 5
)

// evidenceTypes are the kinds of file accepted, by the type their bytes show, with the
// extensions a name may have for that type. A file whose name claims another type is
// refused, so nothing is served under a type it is not.
var evidenceTypes = map[string][]string{
	"image/png":       {".png"},
	"image/jpeg":      {".jpg", ".jpeg"},
	"application/pdf": {".pdf"},
}

// Errors about evidence.
var (
	ErrEvidenceType    = problem.New(problem.Invalid, "the file must be a PNG or JPEG image or a PDF document, named to match")
	ErrEvidenceSize    = fmt.Errorf("the file must be smaller than %d MB", MaxEvidenceBytes>>20)
	ErrEvidenceCount   = fmt.Errorf("an activity can have at most %d files", MaxEvidencePerActivity)
	ErrPhotoConsent    = problem.New(problem.Invalid, "a file that shows faces needs photo consent for every JOSO who took part")
	ErrEvidenceMissing = problem.New(problem.NotFound, "that file is no longer held")
)

// File names are kept to maxFileName characters, and an extension longer than maxExt is
// part of the name rather than something to keep whole.
const (
	maxFileName = 100
	maxExt      = 10
)

// CleanFileName keeps only the last part of an uploaded file's name, without control or
// hidden characters (a right-to-left override shows "inv\u202Egnp.pdf" as "invfdp.png"),
// or anything that could climb out of a directory or break a header.
func CleanFileName(name string) string {
	name = strings.ReplaceAll(text.Line(name), `\`, "/")
	name = filepath.Base(name)
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`"/:*?<>|;`, r) {
			return -1
		}
		return r
	}, name)
	name = strings.Trim(name, ". ")
	if !text.Fits(name, maxFileName) {
		ext := filepath.Ext(name)
		if !text.Fits(ext, maxExt) {
			ext = ""
		}
		stem := text.Cut(strings.TrimSuffix(name, ext), maxFileName-utf8.RuneCountInString(ext))
		name = strings.TrimRight(stem, ". ") + ext
	}
	if name == "" {
		name = "evidence"
	}
	return name
}

// Images are bounded in size as well as bytes: a small file can claim a huge picture
// that a viewer would try to allocate.
const (
	maxImageSide   = 12_000
	maxImagePixels = 50_000_000
)

// evidenceError is a refusal that says why, while still being ErrEvidenceType to callers
// that sort refusals from failures.
type evidenceError string

func (e evidenceError) Error() string        { return string(e) }
func (e evidenceError) Is(target error) bool { return target == ErrEvidenceType }

// Specific refusals of a file whose bytes are not what its type promises.
var (
	errImageUnreadable = evidenceError("the image cannot be read as the type it claims to be; save it again as a PNG or JPEG")
	errImageTooLarge   = evidenceError(fmt.Sprintf("the image must be at most %d pixels wide and high", maxImageSide))
	errPDFActive       = evidenceError("the PDF contains scripts, actions, attachments or encryption; print it to a new PDF and upload that")
)

// CheckEvidence says what type a file is, refusing anything not allowed or disguised: an
// image must decode as the image its first bytes claim, and a PDF must carry nothing that
// acts when it is opened.
func CheckEvidence(name string, data []byte) (string, error) {
	if len(data) > MaxEvidenceBytes {
		return "", ErrEvidenceSize
	}
	if len(data) == 0 {
		return "", ErrEvidenceType
	}
	typ := http.DetectContentType(data)
	exts, ok := evidenceTypes[typ]
	if !ok || !slices.Contains(exts, strings.ToLower(filepath.Ext(name))) {
		return "", ErrEvidenceType
	}
	if typ == "application/pdf" {
		return typ, checkPDF(data)
	}
	return typ, checkImage(typ, data)
}

// checkImage reads the image's header with the decoder of its claimed type.
func checkImage(typ string, data []byte) error {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || "image/"+format != typ {
		return errImageUnreadable
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > maxImageSide || cfg.Height > maxImageSide || cfg.Width*cfg.Height > maxImagePixels {
		return errImageTooLarge
	}
	return nil
}

// bucket is a team's GridFS bucket: one per school and year, so reading a file scans only
// that school's chunks on the embedded store, and a year's evidence can go at once.
func (p *Programme) bucket(team string) *mongo.GridFSBucket {
	year, urn, _ := SplitTeamID(team)
	return p.st.DB.GridFSBucket(options.GridFSBucket().SetName("evidence_" + strings.ReplaceAll(year, "-", "_") + "_" + strconv.Itoa(urn)))
}

// AddEvidence stores a file and attaches it to an activity the link teacher can still change.
func (p *Programme) AddEvidence(ctx context.Context, team, activity, name string, data []byte, showsFaces bool) (Evidence, error) {
	name = CleanFileName(name)
	typ, err := CheckEvidence(name, data)
	if err != nil {
		return Evidence{}, err
	}
	a, err := p.Activity(ctx, activity)
	if err != nil || a.Team != team {
		return Evidence{}, ErrNotFound
	}
	if !a.Editable() {
		return Evidence{}, ErrNotEditable
	}
	if len(a.Evidence) >= MaxEvidencePerActivity {
		return Evidence{}, ErrEvidenceCount
	}
	if showsFaces {
		t, err := p.Team(ctx, team)
		if err != nil {
			return Evidence{}, err
		}
		credited := a.JOSOs
		if a.WholeTeam {
			credited = nil
			for _, j := range t.Active() {
				credited = append(credited, j.ID)
			}
		}
		for _, id := range credited {
			if j, _ := t.JOSO(id); !j.Consent.Photos {
				return Evidence{}, ErrPhotoConsent
			}
		}
	}
	fid := bson.NewObjectID()
	ev := Evidence{ID: fid.Hex(), Name: name, Type: typ, Size: int64(len(data)), ShowsFaces: showsFaces, Added: time.Now().UTC()}
	b := p.bucket(team)
	err = p.st.Write(ctx, func(ctx context.Context) error {
		// A retried attempt first clears what a failed one left.
		_ = b.Delete(ctx, fid)
		return b.UploadFromStreamWithID(ctx, fid, name, bytes.NewReader(data), options.GridFSUpload().SetMetadata(bson.D{
			{Key: "activity", Value: activity}, {Key: "type", Value: typ}, {Key: "shows_faces", Value: showsFaces}}))
	})
	if err != nil {
		return ev, fmt.Errorf("missions: storing evidence: %w", err)
	}
	_, err = p.changeActivity(ctx, activity, team, 0, func(a *Activity) error {
		if !a.Editable() || len(a.Evidence) >= MaxEvidencePerActivity {
			return ErrNotEditable
		}
		a.Evidence = append(a.Evidence, ev)
		return nil
	})
	if err != nil {
		_ = p.st.Write(ctx, func(ctx context.Context) error { return b.Delete(ctx, fid) })
		return ev, err
	}
	return ev, nil
}

// EvidenceFile reads one file of an activity of a team.
func (p *Programme) EvidenceFile(ctx context.Context, team, activity, id string) (Evidence, []byte, error) {
	a, err := p.Activity(ctx, activity)
	if err != nil || a.Team != team {
		return Evidence{}, nil, ErrNotFound
	}
	i := slices.IndexFunc(a.Evidence, func(e Evidence) bool { return e.ID == id })
	if i < 0 {
		return Evidence{}, nil, ErrNotFound
	}
	fid, err := bson.ObjectIDFromHex(id)
	if err != nil {
		return Evidence{}, nil, ErrNotFound
	}
	var buf bytes.Buffer
	if _, err := p.bucket(team).DownloadToStream(ctx, fid, &buf); err != nil {
		if errors.Is(err, mongo.ErrFileNotFound) {
			return a.Evidence[i], nil, ErrEvidenceMissing
		}
		return a.Evidence[i], nil, fmt.Errorf("missions: reading evidence: %w", err)
	}
	return a.Evidence[i], buf.Bytes(), nil
}

// PullEvidence removes one file from an activity and deletes it, so no view shows it.
func (p *Programme) PullEvidence(ctx context.Context, team, activity, id string) error {
	_, err := p.changeActivity(ctx, activity, team, 0, func(a *Activity) error {
		n := len(a.Evidence)
		a.Evidence = slices.DeleteFunc(a.Evidence, func(e Evidence) bool { return e.ID == id })
		if len(a.Evidence) == n {
			return ErrNotFound
		}
		return nil
	})
	if err != nil {
		return err
	}
	fid, _ := bson.ObjectIDFromHex(id)
	err = p.st.Write(ctx, func(ctx context.Context) error {
		err := p.bucket(team).Delete(ctx, fid)
		if errors.Is(err, mongo.ErrFileNotFound) {
			return nil
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("missions: deleting evidence: %w", err)
	}
	return nil
}

// PullFaces pulls every file flagged as showing faces in a year, from every activity.
func (p *Programme) PullFaces(ctx context.Context, year string) (int, error) {
	acts, err := p.YearActivities(ctx, year)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, a := range acts {
		for _, e := range a.Evidence {
			if e.ShowsFaces {
				if err := p.PullEvidence(ctx, a.Team, a.ID, e.ID); err != nil {
					return n, err
				}
				n++
			}
		}
	}
	return n, nil
}
