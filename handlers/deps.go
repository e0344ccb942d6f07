package handlers

import (
	"context"

	"github.com/lscp/assure/forms"
	"github.com/lscp/assure/internal/accounts"
	"github.com/lscp/assure/internal/audit"
)

// schoolsRegister is what the register pages need of forms.Register.
type schoolsRegister interface {
	List(ctx context.Context, f forms.SchoolFilter) ([]forms.School, int64, error)
	Get(ctx context.Context, urn int) (forms.School, error)
	History(ctx context.Context, urn int) ([]forms.SchoolChange, error)
	Count(ctx context.Context) (int64, error)
	Districts(ctx context.Context) ([]string, error)
	LastImport(ctx context.Context) (*forms.ImportReport, error)
	CreateJob(ctx context.Context, file, actor string, ex *forms.Extract) (forms.ImportJob, error)
	RunJob(ctx context.Context, j forms.ImportJob, ex *forms.Extract) (forms.ImportReport, error)
	Job(ctx context.Context, id string) (forms.ImportJob, error)
}

// adminAccounts is what sign-in needs.
type adminAccounts interface {
	Authenticate(ctx context.Context, email, password string) (accounts.Admin, error)
}

// auditLog is what every change needs.
type auditLog interface {
	Record(ctx context.Context, e audit.Entry) error
	Recent(ctx context.Context, limit int) ([]audit.Entry, error)
}

// pinger says whether the store answers, for /healthz.
type pinger interface {
	Ping(ctx context.Context) error
}
