package missions

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"testing"
	"time"

	"github.com/lscp/assure/internal/audit"
)

func TestDisplayNamesAreFirstNameAndInitialOnly(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"Amira K": "Amira K", " Amira  K. ": "Amira K", "Mary-Jane O": "Mary-Jane O", "Zoë B": "Zoë B"} {
		if got, err := CheckDisplayName(in); err != nil || got != want {
			t.Errorf("%q: %q %v, want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"Amira Khan", "Amira", "amira k 2010", "<script> K", ""} {
		if _, err := CheckDisplayName(in); !errors.Is(err, ErrInvalid) {
			t.Errorf("%q accepted", in)
		}
	}
}

func TestTrainedNeedsBothTaughtSessionsAndReleasesMissions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p, team := liveTeam(t)
	y, _ := p.Catalogue.Year(ctx, "2022-23")
	team, j, err := p.Teams.AddJOSO(ctx, tester, team.ID, team.Version, "Cara D", Consent{})
	if err != nil {
		t.Fatal(err)
	}
	if team, err = p.Teams.SetAttendance(ctx, tester, team.ID, team.Version, "s1", []string{"j1", "j2", j.ID}); err != nil {
		t.Fatal(err)
	}
	if got, _ := team.JOSO(j.ID); got.Status(y) != StatusNominated {
		t.Fatalf("after one session: %s", got.Status(y))
	}
	if team, err = p.Teams.SetAttendance(ctx, tester, team.ID, team.Version, "s4", []string{j.ID}); err != nil { // the review is not taught
		t.Fatal(err)
	}
	if got, _ := team.JOSO(j.ID); got.Trained(y) {
		t.Fatal("the review session counted as a taught session")
	}
	if team, err = p.Teams.SetAttendance(ctx, tester, team.ID, team.Version, "s2", []string{j.ID}); err != nil {
		t.Fatal(err)
	}
	if team.Trained(y) != 3 {
		t.Fatalf("trained %d, want 3", team.Trained(y))
	}
	// A stale version is refused.
	if _, err := p.Teams.SetAttendance(ctx, tester, team.ID, team.Version-1, "s2", nil); !errors.Is(err, ErrConflict) {
		t.Fatalf("stale attendance: %v", err)
	}
	// A school with nobody trained cannot log missions.
	other, _ := p.Teams.Enrol(ctx, tester, "2022-23", SchoolRef{URN: 120002, Name: "Kirton Primary"}, "x@kirton.example", "Kim Lee")
	if _, err := p.Activities.Save(ctx, audit.Actor{Name: "t"}, other.ID, "", 0, ActivityInput{Type: "m1-a1", Date: "2023-01-01", WholeTeam: true, Description: "x"}, true); !errors.Is(err, ErrNotReleased) {
		t.Fatalf("untrained school logged: %v", err)
	}
}

func TestSignInLinksWorkOnceForTheCurrentTeacher(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p, team := liveTeam(t)
	tok, _, err := p.SignIns.NewLink(ctx, team.ID, SignInLasts)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := p.SignIns.Use(ctx, tok, "", time.Now()); err != nil || got.ID != team.ID {
		t.Fatalf("first use: %v", err)
	}
	if _, err := p.SignIns.Use(ctx, tok, "", time.Now()); !errors.Is(err, ErrLinkInvalid) {
		t.Fatalf("second use: %v", err)
	}
	tok, _, _ = p.SignIns.NewLink(ctx, team.ID, SignInLasts)
	if _, err := p.SignIns.Use(ctx, tok, "", time.Now().Add(time.Hour)); !errors.Is(err, ErrLinkInvalid) {
		t.Fatalf("expired: %v", err)
	}
	tok, _, _ = p.SignIns.NewLink(ctx, team.ID, SignInLasts)
	if _, err := p.Teams.Enrol(ctx, tester, "2022-23", SchoolRef{URN: team.URN, Name: team.School}, "new@boston.example", "New Teacher"); err != nil {
		t.Fatal(err)
	}
	if _, err := p.SignIns.Use(ctx, tok, "", time.Now()); !errors.Is(err, ErrLinkInvalid) {
		t.Fatalf("old teacher's link after a change of teacher: %v", err)
	}
	if _, err := p.SignIns.Use(ctx, "../../etc/passwd", "", time.Now()); !errors.Is(err, ErrLinkInvalid) {
		t.Fatalf("malformed: %v", err)
	}
	// The two spent links (the one used, the old teacher's) go now; an unused one stays
	// and still works, and the rest go once spent or expired.
	tok, _, _ = p.SignIns.NewLink(ctx, team.ID, SignInLasts)
	if n, err := p.SignIns.Purge(ctx, time.Now()); err != nil || n != 2 {
		t.Fatalf("purged %d, %v; want the two spent links", n, err)
	}
	if _, err := p.SignIns.Use(ctx, tok, "", time.Now()); err != nil {
		t.Fatalf("a fresh link after the purge: %v", err)
	}
	if n, _ := p.SignIns.Purge(ctx, time.Now().Add(time.Hour)); n != 2 {
		t.Fatalf("an hour on, purged %d, want the expired one and the one just used", n)
	}
}

func pngBytes(t *testing.T) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestEvidenceIsTypeCheckedStoredAndPulled(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p, team := liveTeam(t)
	a, err := p.Activities.Save(ctx, audit.Actor{Name: "t"}, team.ID, "", 0, ActivityInput{Type: "m8-a1", Date: "2023-03-01", JOSOs: []string{"j1"}, Description: "Posters"}, false)
	if err != nil {
		t.Fatal(err)
	}
	img := pngBytes(t)
	for name, data := range map[string][]byte{
		"poster.pdf": img,                                // a PNG named as a PDF
		"poster.png": []byte("<html><script>x</script>"), // HTML named as a PNG
		"poster.svg": []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`),
		"poster.exe": []byte("MZ\x90\x00"),
		"big.png":    append(img, make([]byte, MaxEvidenceBytes)...),
	} {
		if _, err := p.Evidence.Add(ctx, tester, team.ID, a.ID, name, data, false); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
	if _, err := p.Evidence.Add(ctx, tester, team.ID, a.ID, "face.png", img, true); !errors.Is(err, ErrPhotoConsent) {
		t.Fatalf("faces without photo consent: %v", err)
	}
	ev, err := p.Evidence.Add(ctx, tester, team.ID, a.ID, `..\..\C:\evil/../poster "1".PNG`, img, false)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Name != "poster 1.PNG" || ev.Type != "image/png" {
		t.Fatalf("stored as %q %s", ev.Name, ev.Type)
	}
	if _, data, err := p.Evidence.File(ctx, team.ID, a.ID, ev.ID); err != nil || !bytes.Equal(data, img) {
		t.Fatalf("read back: %v", err)
	}
	if _, _, err := p.Evidence.File(ctx, "2022-23:999999", a.ID, ev.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("another team's path: %v", err)
	}
	if err := p.Evidence.Pull(ctx, tester, team.ID, a.ID, ev.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := p.Evidence.File(ctx, team.ID, a.ID, ev.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("pulled file still served: %v", err)
	}
}

func TestAnonymisingAClosedYearKeepsTotals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p, team := liveTeam(t)
	a := submitted(t, p, team, AudienceKS1)
	if _, _, err := p.Ledger.Approve(ctx, audit.Actor{Name: "admin"}, a.ID); err != nil {
		t.Fatal(err)
	}
	nominated, err := p.Teams.Nominate(ctx, tester, team.ID, 0, "Super Commitment", "j1", "Amira ran every assembly")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Teams.Decide(ctx, audit.Actor{Name: "admin"}, team.ID, nominated.Nominations[0].ID, DecisionAwarded); err != nil {
		t.Fatal(err)
	}
	if c := nominated.Certificates(); len(c) != 0 {
		t.Fatalf("an undecided nomination has a certificate: %+v", c)
	}
	if reps, err := p.Anonymiser.Due(ctx, "2030-01-01"); err != nil || len(reps) != 0 {
		t.Fatalf("a live year was anonymised: %v %v", reps, err)
	}
	if _, err := p.Catalogue.Move(ctx, audit.Actor{Name: "admin"}, "2022-23", "close"); err != nil {
		t.Fatal(err)
	}
	if reps, _ := p.Anonymiser.Due(ctx, "2023-12-30"); len(reps) != 0 {
		t.Fatal("anonymised before its date")
	}
	reps, err := p.Anonymiser.Due(ctx, "2023-12-31")
	if err != nil || len(reps) != 1 || reps[0].JOSOs != 2 {
		t.Fatalf("anonymise: %+v %v", reps, err)
	}
	got, _ := p.Teams.Team(ctx, team.ID)
	// The award stands, but its certificate no longer carries the name.
	certs := got.Certificates()
	if got.JOSOs[0].Name != "JOSO 1" || got.Nominations[0].Reason != RemovedReason || len(certs) != 1 || certs[0].Name != "" || got.JOSOs[0].CelebrationName() != "" {
		t.Fatalf("after anonymising: %+v, certificates %+v", got, certs)
	}
	f, err := p.Figures.Of(ctx, "2022-23")
	if err != nil || f.XP != 35 || f.Trained != 2 {
		t.Fatalf("figures after anonymising: XP %d trained %d %v", f.XP, f.Trained, err)
	}
	if _, err := p.Catalogue.Move(ctx, audit.Actor{Name: "admin"}, "2022-23", "reopen"); !errors.Is(err, ErrYearState) {
		t.Fatalf("reopened an anonymised year: %v", err)
	}
}
