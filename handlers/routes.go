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
	codeByAddress, codeByAccount := s.signInCodeLimiters()
	app.Get(signInCodePath, s.signInCodePage)
	app.Post(signInCodePath, codeByAddress, codeByAccount, s.signInCode)
	app.Get(forgottenPath, s.forgottenPage)
	app.Post(forgottenPath, append(s.forgottenLimiters(), s.askReset)...)
	app.Get(urls.InvitationRoute, s.linkLimiter(), s.invitationPage)
	app.Post(urls.InvitationRoute, s.linkLimiter(), s.acceptInvitation)
	app.Get(urls.ResetRoute, s.linkLimiter(), s.resetPage)
	app.Post(urls.ResetRoute, s.linkLimiter(), s.resetPassword)
	// A team member's own account, whatever their role: a viewer sets up their own
	// two-factor sign-in, which changes nothing of the partnership's.
	app.Get(twoFactorPath, s.requireAdmin, s.twoFactorPage)
	app.Post(twoFactorPath, s.requireAdmin, s.confirmTwoFactor)

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
	gov.Post("/send", s.signOffLimiter("sent for confirmation", func(c *fiber.Ctx) (string, audit.Actor) {
		return governorOf(c).ret.ID, governorOf(c).actor(c)
	}), s.sendForConfirmation)
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
	conf.Post("/send-back", s.sendBack) // each sending back needs a sending, so the limit on sendings bounds it
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
	for _, r := range s.adminRoutes() {
		admin.Add(r.method, r.path, s.requireRole(r.role), r.handler)
	}

	app.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
}

// adminRoutes are the admin area's pages and actions, each with the least role that may
// use it: viewers read every page and download, officers run rounds, chasing and the JOSO
// programme, administrators also manage the team.
func (s *Server) adminRoutes() []adminRoute {
	return []adminRoute{
		get(viewer, "/", s.adminHome),
		get(viewer, "/schools", s.schoolsList),
		get(viewer, "/schools/import", s.importPage),
		post(officer, "/schools/import", s.importUpload),
		get(viewer, "/schools/import/:id", s.importJobPage),
		get(viewer, "/schools/import/:id/status", s.importJobStatus),
		get(viewer, "/schools/:urn<int>", s.schoolPage),
		post(officer, "/schools/:urn<int>/contacts", s.addContact),
		get(viewer, "/schools/:urn<int>/contacts/:id", s.contactPage),
		post(officer, "/schools/:urn<int>/contacts/:id", s.changeContact),
		post(officer, "/schools/:urn<int>/contacts/:id/remove", s.removeContact),
		post(officer, "/schools/:urn<int>/contacts/:id/bounced", s.markBounced),
		get(viewer, "/contacts", s.contactBookPage),
		post(officer, "/contacts", s.importContactBook),
		get(viewer, "/contacts.csv", s.contactBookCSV),
		get(viewer, "/audit", s.auditPage),
		get(viewer, "/audit.csv", s.auditCSV),
		get(viewer, "/outbox", s.outboxPage),
		get(viewer, "/rounds", s.roundsPage),
		post(officer, "/rounds", s.createRound),
		get(viewer, "/rounds/:year", s.roundPage),
		get(viewer, "/rounds/:year/dashboard", s.dashboard),
		get(viewer, "/rounds/:year/returns.:format<regex(^(xlsx|csv)$)>", s.downloadReturns),
		post(officer, "/rounds/:year/links.csv", s.roundLinks),
		post(officer, "/rounds/:year/open", s.openRound),
		post(officer, "/rounds/:year/close", s.closeRound),
		post(officer, "/rounds/:year/reopen", s.reopenRound),
		post(officer, "/rounds/:year/archive", s.archiveRound),
		post(officer, "/rounds/:year/add", s.addSchool),
		post(officer, "/rounds/:year/schedule", s.setSchedule),
		post(officer, "/rounds/:year/deadline", s.setDeadline),
		post(officer, "/rounds/:year/contacts", s.uploadContacts),
		post(officer, "/rounds/:year/remind", s.remindGroup),
		get(viewer, "/rounds/:year/invitations", s.invitationsPage),
		post(officer, "/rounds/:year/invitations", s.saveInvitation),
		post(officer, "/rounds/:year/invitations/test", s.sendTestInvitation),
		post(officer, "/rounds/:year/invitations/send", s.sendInvitations),
		get(viewer, "/rounds/:year/form", s.formEditor),
		get(officer, "/rounds/:year/form/sections/new", s.newSectionPage),
		post(officer, "/rounds/:year/form/sections", s.addSection),
		get(officer, "/rounds/:year/form/sections/:section", s.sectionEditPage),
		post(officer, "/rounds/:year/form/sections/:section", s.saveSectionEdit),
		post(officer, "/rounds/:year/form/sections/:section/move", s.moveFormSection),
		post(officer, "/rounds/:year/form/sections/:section/remove", s.removeFormSection),
		get(officer, "/rounds/:year/form/sections/:section/questions/new", s.newQuestionPage),
		post(officer, "/rounds/:year/form/sections/:section/questions", s.addQuestion),
		get(officer, "/rounds/:year/form/questions/:question", s.questionEditPage),
		post(officer, "/rounds/:year/form/questions/:question", s.saveQuestionEdit),
		post(officer, "/rounds/:year/form/questions/:question/move", s.moveFormQuestion),
		post(officer, "/rounds/:year/form/questions/:question/remove", s.removeFormQuestion),
		get(viewer, "/rounds/:year/form/preview", s.previewForm),
		get(viewer, "/rounds/:year/form/preview/:section", s.previewSection),
		// A preview's post saves nothing, but it is a post: officers, who edit the form.
		post(officer, "/rounds/:year/form/preview/:section", s.previewSection),
		get(viewer, "/rounds/:year/returns/:urn<int>", s.adminReturn),
		post(officer, "/rounds/:year/returns/:urn<int>/link", s.replaceLink),
		post(officer, "/rounds/:year/returns/:urn<int>/revoke", s.revokeLink),
		post(officer, "/rounds/:year/returns/:urn<int>/contact", s.saveContactEmail),
		post(officer, "/rounds/:year/returns/:urn<int>/remind", s.remindSchool),
		post(officer, "/rounds/:year/returns/:urn<int>/log", s.logContact),
		post(officer, "/rounds/:year/returns/:urn<int>/exempt", s.exemptSchool),
		post(officer, "/rounds/:year/returns/:urn<int>/include", s.includeSchool),
		post(officer, "/rounds/:year/returns/:urn<int>/extension", s.extendSchool),
		post(officer, "/rounds/:year/returns/:urn<int>/reopen", s.reopenReturn),

		get(viewer, "/joso", s.josoYears),
		post(officer, "/joso", s.createJOSOYear),
		get(viewer, "/joso/:year", s.josoYear),
		post(officer, "/joso/:year/move", s.moveJOSOYear),
		post(officer, "/joso/:year/settings", s.josoSettings),
		post(officer, "/joso/:year/schools", s.enrolSchool),
		post(officer, "/joso/:year/pull-faces", s.pullFaces),
		get(viewer, "/joso/:year/schools/:urn<int>", s.adminTeam),
		post(officer, "/joso/:year/schools/:urn<int>/invite", s.inviteTeacher),
		post(officer, "/joso/:year/schools/:urn<int>/training", s.adminTraining),
		get(viewer, "/joso/:year/activities/:id", s.adminActivity),
		get(viewer, "/joso/:year/activities/:id/evidence/:file", s.adminEvidence),
		post(officer, "/joso/:year/activities/:id/approve", s.approveActivity),
		post(officer, "/joso/:year/activities/:id/unapprove", s.unapproveActivity),
		post(officer, "/joso/:year/activities/:id/return", s.returnActivity),
		post(officer, "/joso/:year/activities/:id/pull", s.pullEvidence),
		get(viewer, "/joso/:year/ledger", s.ledgerPage),
		post(officer, "/joso/:year/ledger/reverse", s.reverseEntry),
		get(viewer, "/joso/:year/catalogue", s.cataloguePage),
		post(officer, "/joso/:year/catalogue/area", s.saveAreaStrands),
		post(officer, "/joso/:year/catalogue/rule", s.saveRule),
		post(officer, "/joso/:year/catalogue/mission", s.addMission),
		post(officer, "/joso/:year/catalogue/sessions", s.saveSessions),
		get(viewer, "/joso/:year/celebration", s.celebrationPage),
		get(viewer, "/joso/:year/nominations", s.nominationsAdmin),
		post(officer, "/joso/:year/nominations/:urn<int>/:nomination", s.decideNomination),
		get(viewer, "/joso/:year/certificates.pdf", s.certificates),
		get(viewer, "/joso/:year/joso.xlsx", s.josoWorkbook),

		get(administrator, "/team", s.teamPage),
		post(administrator, "/team", s.inviteMember),
		get(administrator, "/team/:id", s.memberPage),
		post(administrator, "/team/:id/role", s.changeRole),
		post(administrator, "/team/:id/deactivate", s.deactivateMember),
		post(administrator, "/team/:id/reactivate", s.reactivateMember),
		post(administrator, "/team/:id/two-factor-off", s.turnOffTwoFactor),
	}
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
