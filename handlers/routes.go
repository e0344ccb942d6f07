package handlers

import (
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"
	"github.com/gofiber/fiber/v2/middleware/recover"

	"github.com/lscp/assure/internal/audit"
	"github.com/lscp/assure/internal/urls"
	"github.com/lscp/assure/static"
)

// routes lists every route of the service.
func (s *Server) routes(app *fiber.App) {
	app.Use(s.measure)
	app.Use(recover.New())
	app.Use(s.forwardedFor)
	app.Use(s.deadline)
	app.Use(s.securityHeaders())
	app.Use(s.limitBody)

	app.Get("/healthz", s.healthz)
	app.Get("/metrics", s.metricsEndpoint())
	app.Use("/assets", filesystem.New(filesystem.Config{
		Root:   http.FS(static.Assets),
		MaxAge: int((24 * time.Hour).Seconds()),
	}))

	app.Use(s.storeAvailable)
	app.Use(s.csrf)
	app.Use(s.loadSession)

	app.Get("/", s.home)
	app.Get("/sign-in", s.signInPage)
	byAddress, byPair := s.signInLimiters()
	app.Post("/sign-in", byAddress, byPair, s.signIn)
	app.Get("/sign-out", s.requireAdmin, s.signOutPage)
	app.Post("/sign-out", s.signOut)

	// Governors: a link opens a session for one school's return, and nothing else.
	app.Get(urls.ReturnRoute, s.linkLimiter(), s.openLink)
	gov := app.Group("/return", s.requireGovernor)
	gov.Get("/", s.returnHome)
	gov.Get("/start", s.returnStart)
	gov.Post("/carry-forward", s.carryForward)
	gov.Get("/code", s.codePage)
	gov.Post("/code", s.checkCode)
	gov.Post("/code/send", s.sendCode)
	gov.Get("/section/:section", s.sectionPage)
	gov.Post("/section/:section", s.saveSection)
	gov.Get("/section/:section/check", s.sectionCheck)
	gov.Get("/check", s.returnCheck)
	gov.Get("/submit", s.submitPage)
	gov.Post("/submit", s.submitReturn)
	gov.Post("/send", s.sendForConfirmation)
	gov.Get("/confirmation", s.confirmation)
	gov.Get("/copy", s.returnCopy)
	gov.Get("/receipt.pdf", s.receipt)
	gov.Post("/sign-out", s.governorSignOut)

	// Two-person sign-off: the confirming governor's own link opens a session for reading,
	// confirming or sending back one return, and nothing else.
	app.Get(urls.ConfirmRoute, s.linkLimiter(), s.openConfirmLink)
	conf := app.Group("/confirming", s.requireConfirmer)
	conf.Get("/", s.confirmReview)
	conf.Post("/", s.confirmReturn)
	conf.Post("/send-back", s.sendBack)
	conf.Get("/done", s.confirmDone)
	conf.Get("/receipt.pdf", s.confirmReceipt)

	// JOSO link teachers: an emailed link opens a session for one school's team.
	app.Get("/joso/sign-in", s.teacherSignInPage)
	app.Post("/joso/sign-in", append(s.teacherSignInLimiter(), s.teacherSignIn)...)
	app.Get(urls.TeacherSignInRoute, s.linkLimiter(), s.openTeacherLink)
	app.Get("/joso/sign-out", s.teacherSignOutPage)
	app.Post("/joso/sign-out", s.teacherSignOut)
	school := app.Group("/joso/school", s.requireTeacher)
	school.Get("/", s.teacherHome)
	school.Get("/josos", s.josoList)
	school.Post("/josos", s.addJOSO)
	school.Post("/josos/:joso", s.changeJOSO)
	school.Get("/training", s.trainingPage)
	school.Post("/training", s.saveTraining)
	school.Get("/activities/new", s.newActivity)
	school.Post("/activities", s.saveActivity)
	school.Get("/activities/:id", s.teacherActivity)
	school.Post("/activities/:id", s.saveActivity)
	school.Post("/activities/:id/evidence", s.uploadEvidence)
	school.Get("/activities/:id/evidence/:file", s.teacherEvidence)
	school.Post("/activities/:id/evidence/:file/remove", s.removeEvidence)
	school.Get("/nominations", s.nominationsPage)
	school.Post("/nominations", s.nominate)

	admin := app.Group("/admin", s.requireAdmin)
	admin.Get("/", s.adminHome)
	admin.Get("/schools", s.schoolsList)
	admin.Get("/schools/import", s.importPage)
	admin.Post("/schools/import", s.importUpload)
	admin.Get("/schools/import/:id", s.importJobPage)
	admin.Get("/schools/import/:id/status", s.importJobStatus)
	admin.Get("/schools/:urn<int>", s.schoolPage)
	admin.Get("/audit", s.auditPage)
	admin.Get("/audit.csv", s.auditCSV)
	admin.Get("/outbox", s.outboxPage)
	admin.Get("/rounds", s.roundsPage)
	admin.Post("/rounds", s.createRound)
	admin.Get("/rounds/:year", s.roundPage)
	admin.Get("/rounds/:year/dashboard", s.dashboard)
	admin.Get("/rounds/:year/returns.:format<regex(^(xlsx|csv)$)>", s.downloadReturns)
	admin.Post("/rounds/:year/links.csv", s.roundLinks)
	admin.Post("/rounds/:year/open", s.openRound)
	admin.Post("/rounds/:year/close", s.closeRound)
	admin.Post("/rounds/:year/reopen", s.reopenRound)
	admin.Post("/rounds/:year/archive", s.archiveRound)
	admin.Post("/rounds/:year/add", s.addSchool)
	admin.Post("/rounds/:year/schedule", s.setSchedule)
	admin.Post("/rounds/:year/deadline", s.setDeadline)
	admin.Post("/rounds/:year/contacts", s.uploadContacts)
	admin.Post("/rounds/:year/remind", s.remindGroup)
	admin.Get("/rounds/:year/returns/:urn<int>", s.adminReturn)
	admin.Post("/rounds/:year/returns/:urn<int>/link", s.replaceLink)
	admin.Post("/rounds/:year/returns/:urn<int>/revoke", s.revokeLink)
	admin.Post("/rounds/:year/returns/:urn<int>/contact", s.saveContactEmail)
	admin.Post("/rounds/:year/returns/:urn<int>/remind", s.remindSchool)
	admin.Post("/rounds/:year/returns/:urn<int>/log", s.logContact)
	admin.Post("/rounds/:year/returns/:urn<int>/exempt", s.exemptSchool)
	admin.Post("/rounds/:year/returns/:urn<int>/include", s.includeSchool)
	admin.Post("/rounds/:year/returns/:urn<int>/extension", s.extendSchool)
	admin.Post("/rounds/:year/returns/:urn<int>/reopen", s.reopenReturn)

	admin.Get("/joso", s.josoYears)
	admin.Post("/joso", s.createJOSOYear)
	admin.Get("/joso/:year", s.josoYear)
	admin.Post("/joso/:year/move", s.moveJOSOYear)
	admin.Post("/joso/:year/settings", s.josoSettings)
	admin.Post("/joso/:year/schools", s.enrolSchool)
	admin.Post("/joso/:year/pull-faces", s.pullFaces)
	admin.Get("/joso/:year/schools/:urn<int>", s.adminTeam)
	admin.Post("/joso/:year/schools/:urn<int>/invite", s.inviteTeacher)
	admin.Post("/joso/:year/schools/:urn<int>/training", s.adminTraining)
	admin.Get("/joso/:year/activities/:id", s.adminActivity)
	admin.Get("/joso/:year/activities/:id/evidence/:file", s.adminEvidence)
	admin.Post("/joso/:year/activities/:id/approve", s.approveActivity)
	admin.Post("/joso/:year/activities/:id/unapprove", s.unapproveActivity)
	admin.Post("/joso/:year/activities/:id/return", s.returnActivity)
	admin.Post("/joso/:year/activities/:id/pull", s.pullEvidence)
	admin.Get("/joso/:year/ledger", s.ledgerPage)
	admin.Post("/joso/:year/ledger/reverse", s.reverseEntry)
	admin.Get("/joso/:year/catalogue", s.cataloguePage)
	admin.Post("/joso/:year/catalogue/area", s.saveAreaStrands)
	admin.Post("/joso/:year/catalogue/rule", s.saveRule)
	admin.Post("/joso/:year/catalogue/mission", s.addMission)
	admin.Post("/joso/:year/catalogue/sessions", s.saveSessions)
	admin.Get("/joso/:year/celebration", s.celebrationPage)
	admin.Get("/joso/:year/nominations", s.nominationsAdmin)
	admin.Post("/joso/:year/nominations/:urn<int>/:nomination", s.decideNomination)
	admin.Get("/joso/:year/certificates.pdf", s.certificates)
	admin.Get("/joso/:year/joso.xlsx", s.josoWorkbook)

	app.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
}

// signInLimiters slow password guessing without letting a stranger lock an admin out:
// 20 failed attempts per address and 10 per (account, address) pair in 15 minutes; the
// account itself is never walled (see slowFailure).
func (s *Server) signInLimiters() (byAddress, byPair fiber.Handler) {
	refusal := rateLimit{window: signInWindow, failedOnly: true, entry: s.signInRefused, refuse: s.tooManySignIns}
	address, pair := refusal, refusal
	address.name, address.max, address.key = "signin-ip", 20, func(c *fiber.Ctx) string { return c.IP() }
	pair.name, pair.max, pair.key = "signin-account-ip", 10, accountAndAddress
	return s.rateLimit(address), s.rateLimit(pair)
}

// linkLimiter slows guessing of link tokens: 30 failed link openings per address in 10
// minutes (a good link does not count).
func (s *Server) linkLimiter() fiber.Handler {
	return s.rateLimit(rateLimit{name: "link", max: 30, window: 10 * time.Minute, failedOnly: true,
		key:   func(c *fiber.Ctx) string { return c.IP() },
		entry: func(*fiber.Ctx) audit.Entry { return audit.Entry{Actor: "anonymous", Action: "link-rate-limited"} },
		refuse: func(c *fiber.Ctx) error {
			return s.render(c, fiber.StatusTooManyRequests, "link-problem", LinkProblemPage{Page: s.basePage(c, "Too many attempts: wait 10 minutes")})
		},
	})
}
