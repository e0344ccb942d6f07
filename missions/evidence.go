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
	"strings"
	"time"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/problem"
	"github.com/lscp/assure/internal/text"
)

// EvidenceFile is a file attached to an activity. The file is in GridFS; the activity
// keeps what views need to list it.
type EvidenceFile struct {
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

// Evidence is the files attached to activities: added by the link teacher while the
// activity can change, pulled by the partnership at any time.
type Evidence struct {
	teams      teamStore
	activities activityStore
	files      fileStore
	log        Auditor
}

// Add stores a file and attaches it to an activity the link teacher can still change.
func (es *Evidence) Add(ctx context.Context, by audit.Actor, team, activity, name string, data []byte, showsFaces bool) (EvidenceFile, error) {
	name = CleanFileName(name)
	typ, err := CheckEvidence(name, data)
	if err != nil {
		return EvidenceFile{}, err
	}
	a, err := es.activities.get(ctx, activity)
	if err != nil || a.Team != team {
		return EvidenceFile{}, ErrNotFound
	}
	if err := a.canAttach(); err != nil {
		return EvidenceFile{}, err
	}
	if showsFaces {
		t, err := es.teams.get(ctx, team)
		if err != nil {
			return EvidenceFile{}, err
		}
		if !t.PhotoConsent(a) {
			return EvidenceFile{}, ErrPhotoConsent
		}
	}
	ev := EvidenceFile{ID: bson.NewObjectID().Hex(), Name: name, Type: typ, Size: int64(len(data)), ShowsFaces: showsFaces, Added: time.Now().UTC()}
	if err := es.files.put(ctx, team, activity, ev, data); err != nil {
		return ev, err
	}
	_, err = es.activities.change(ctx, activity, team, 0, func(a *Activity) error {
		if a.canAttach() != nil {
			return ErrNotEditable
		}
		a.Evidence = append(a.Evidence, ev)
		return nil
	})
	if err != nil {
		_ = es.files.delete(ctx, team, ev.ID)
		return ev, err
	}
	record(ctx, es.log, by, audit.ActionJOSOEvidence, activity, ev.Name+" ("+ev.Type+")")
	return ev, nil
}

// canAttach says whether another file may be attached: only while the link teacher can
// change the activity, and up to the limit.
func (a Activity) canAttach() error {
	if !a.Editable() {
		return ErrNotEditable
	}
	if len(a.Evidence) >= MaxEvidencePerActivity {
		return ErrEvidenceCount
	}
	return nil
}

// PhotoConsent says whether every JOSO who took part in an activity (the whole team: every
// JOSO who has not withdrawn) has photo consent, as a file showing faces needs.
func (t Team) PhotoConsent(a Activity) bool {
	took := a.JOSOs
	if a.WholeTeam {
		took = nil
		for _, j := range t.Active() {
			took = append(took, j.ID)
		}
	}
	for _, id := range took {
		if j, _ := t.JOSO(id); !j.Consent.Photos {
			return false
		}
	}
	return true
}

// File reads one file of an activity of a team.
func (es *Evidence) File(ctx context.Context, team, activity, id string) (EvidenceFile, []byte, error) {
	a, err := es.activities.get(ctx, activity)
	if err != nil || a.Team != team {
		return EvidenceFile{}, nil, ErrNotFound
	}
	i := slices.IndexFunc(a.Evidence, func(e EvidenceFile) bool { return e.ID == id })
	if i < 0 {
		return EvidenceFile{}, nil, ErrNotFound
	}
	data, err := es.files.get(ctx, team, id)
	return a.Evidence[i], data, err
}

// Remove takes a file off an activity the link teacher can still change, and deletes it.
func (es *Evidence) Remove(ctx context.Context, by audit.Actor, team, activity, id string) error {
	if err := es.pull(ctx, team, activity, id, true); err != nil {
		return err
	}
	record(ctx, es.log, by, audit.ActionJOSOPulled, activity, id)
	return nil
}

// Pull removes one file from an activity of a team, whatever its state, and deletes it, so
// no view shows it: the partnership's safeguard.
func (es *Evidence) Pull(ctx context.Context, by audit.Actor, team, activity, id string) error {
	if err := es.pull(ctx, team, activity, id, false); err != nil {
		return err
	}
	record(ctx, es.log, by, audit.ActionJOSOPulled, activity, id)
	return nil
}

func (es *Evidence) pull(ctx context.Context, team, activity, id string, onlyEditable bool) error {
	_, err := es.activities.change(ctx, activity, team, 0, func(a *Activity) error {
		if onlyEditable && !a.Editable() {
			return ErrNotEditable
		}
		n := len(a.Evidence)
		a.Evidence = slices.DeleteFunc(a.Evidence, func(e EvidenceFile) bool { return e.ID == id })
		if len(a.Evidence) == n {
			return ErrNotFound
		}
		return nil
	})
	if err != nil {
		return err
	}
	return es.files.delete(ctx, team, id)
}

// PullFaces pulls every file flagged as showing faces in a year, from every activity.
func (es *Evidence) PullFaces(ctx context.Context, by audit.Actor, year string) (int, error) {
	n, err := es.pullAll(ctx, year, func(e EvidenceFile) bool { return e.ShowsFaces })
	if err == nil {
		record(ctx, es.log, by, audit.ActionJOSOPulled, year, fmt.Sprintf("%d files showing faces", n))
	}
	return n, err
}

// pullAll pulls the year's files that match, counting them.
func (es *Evidence) pullAll(ctx context.Context, year string, match func(EvidenceFile) bool) (int, error) {
	acts, err := es.activities.find(ctx, bson.D{{Key: "year", Value: year}})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, a := range acts {
		for _, e := range a.Evidence {
			if !match(e) {
				continue
			}
			if err := es.pull(ctx, a.Team, a.ID, e.ID, false); err != nil && !errors.Is(err, ErrNotFound) {
				return n, err
			}
			n++
		}
	}
	return n, nil
}
