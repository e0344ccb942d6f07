package forms

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/problem"
	"github.com/lscp/assure/internal/store"
)

// ErrJobNotFound means no import job has that ID.
var ErrJobNotFound = problem.New(problem.NotFound, "no import with that reference")

// Import job states.
const (
	JobSaving = "saving"
	JobDone   = "done"
	JobFailed = "failed"
)

// ImportJob is an uploaded register import running in the background. It lives in the
// store, so its progress page works whichever app instance serves it.
type ImportJob struct {
	ID      string        `bson:"_id" json:"id"`
	File    string        `bson:"file" json:"file"`
	Actor   string        `bson:"actor" json:"-"`
	IP      string        `bson:"ip,omitempty" json:"-"` // the actor's, for the audit log
	State   string        `bson:"state" json:"state"`
	Done    int           `bson:"done" json:"done"`
	Total   int           `bson:"total" json:"total"`
	Message string        `bson:"message" json:"message"`
	Report  *ImportReport `bson:"report,omitempty" json:"report,omitempty"`
	Started time.Time     `bson:"started" json:"started"`
	Updated time.Time     `bson:"updated" json:"updated"`
}

func (g *Register) jobs() *mongo.Collection { return g.st.Collection("import_jobs") }

// CreateJob records a new import job for a file that has been read and checked.
func (g *Register) CreateJob(ctx context.Context, by audit.Actor, file string, ex *Extract) (ImportJob, error) {
	now := time.Now().UTC()
	j := ImportJob{ID: bson.NewObjectID().Hex(), File: file, Actor: by.Name, IP: by.IP, State: JobSaving, Total: len(ex.Rows),
		Message: fmt.Sprintf("Comparing %d schools with the register", len(ex.Rows)), Started: now, Updated: now}
	err := g.st.Write(ctx, func(ctx context.Context) error {
		_, err := g.jobs().InsertOne(ctx, j)
		return err
	})
	if err != nil {
		return j, fmt.Errorf("register: recording import job: %w", err)
	}
	return j, nil
}

// RunJob imports ex for job j, recording progress as it goes, and returns the report.
// Progress is written at most every half second so the import is not slowed by it.
func (g *Register) RunJob(ctx context.Context, j ImportJob, ex *Extract) (ImportReport, error) {
	var last time.Time
	save := func(update bson.D) {
		_ = g.st.Write(ctx, func(ctx context.Context) error {
			_, err := g.jobs().UpdateOne(ctx, bson.D{{Key: "_id", Value: j.ID}}, bson.D{{Key: "$set", Value: update}})
			return err
		})
	}
	rep, err := g.Import(ctx, ex, ImportOptions{ID: j.ID, File: j.File, By: audit.Actor{Name: j.Actor, IP: j.IP}, Progress: func(done, total int) {
		if time.Since(last) < 500*time.Millisecond && done < total {
			return
		}
		last = time.Now()
		save(bson.D{{Key: "done", Value: done}, {Key: "total", Value: total},
			{Key: "message", Value: fmt.Sprintf("%d of %d schools written", done, total)}, {Key: "updated", Value: time.Now().UTC()}})
	}})
	if err != nil {
		save(bson.D{{Key: "state", Value: JobFailed}, {Key: "message", Value: err.Error()}, {Key: "updated", Value: time.Now().UTC()}})
		return rep, err
	}
	save(bson.D{{Key: "state", Value: JobDone}, {Key: "report", Value: rep}, {Key: "message", Value: "Finished"}, {Key: "updated", Value: time.Now().UTC()}})
	return rep, nil
}

// Job returns an import job by ID.
func (g *Register) Job(ctx context.Context, id string) (ImportJob, error) {
	j, err := store.FindByID[ImportJob](ctx, g.jobs(), id, ErrJobNotFound)
	if errors.Is(err, ErrJobNotFound) {
		return j, err
	}
	if err != nil {
		return j, fmt.Errorf("register: reading import job: %w", err)
	}
	// A job that has not moved for ten minutes lost its instance (a restart mid-import).
	if j.State == JobSaving && time.Since(j.Updated) > 10*time.Minute {
		j.State, j.Message = JobFailed, "The import stopped before it finished (the service restarted)."
	}
	return j, nil
}
