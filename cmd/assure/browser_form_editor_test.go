package main

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserFormEditor: an officer makes next year's round, rewords a question of its
// form, adds a question shown only for one answer of it, previews the form as a special
// school (the new question revealed by that answer; a preview's errors shown, nothing
// saved), and sees both changes listed against the live round's form on the round page;
// with JavaScript on and off, and axe-core finding nothing on any page.
func TestBrowserFormEditor(t *testing.T) {
	t.Parallel()
	axe := axeSource(t)
	live := liveRoundYear(time.Now())
	start, _ := strconv.Atoi(live[:4])
	for _, js := range []bool{true, false} {
		t.Run(fmt.Sprintf("javascript=%v", js), func(t *testing.T) {
			// Each on its own copy of the demo, so each new round starts from the live one's form.
			base, password := liveServer(t)
			ctx, run := browserWithJS(t, base, js)
			load(t, ctx, "sign-in page", chromedp.Navigate(base+"/sign-in"))
			run("type", chromedp.SendKeys("#email", demoAdminEmail, chromedp.ByQuery), chromedp.SendKeys("#password", password, chromedp.ByQuery))
			load(t, ctx, "sign in", chromedp.Click(`form button[type=submit]`, chromedp.ByQuery))

			// Next year's draft round starts from the live round's form.
			y := start + 1
			year := fmt.Sprintf("%d-%02d", y, (y+1)%100)
			load(t, ctx, "rounds", chromedp.Navigate(base+"/admin/rounds"))
			run("type the round", chromedp.SendKeys("#year", year, chromedp.ByQuery),
				chromedp.SendKeys("#opens-day", "1", chromedp.ByQuery), chromedp.SendKeys("#opens-month", "10", chromedp.ByQuery),
				chromedp.SendKeys("#opens-year", strconv.Itoa(y), chromedp.ByQuery),
				chromedp.SendKeys("#deadline-day", "12", chromedp.ByQuery), chromedp.SendKeys("#deadline-month", "12", chromedp.ByQuery),
				chromedp.SendKeys("#deadline-year", strconv.Itoa(y), chromedp.ByQuery))
			load(t, ctx, "create the round", chromedp.Click(`//button[contains(., "Create the round")]`))
			if !strings.HasSuffix(location(t, ctx), "/admin/rounds/"+year) {
				t.Fatalf("after creating: %s", location(t, ctx))
			}
			if s := text(t, ctx, "#form-changes"); !strings.Contains(s, "same questions as round "+live) {
				t.Errorf("a new round's form against the live one: %q", s)
			}
			load(t, ctx, "the editor", chromedp.Click(`//a[contains(., "Change the form")]`))
			checkAxe(t, ctx, axe, "the form editor")

			// Reword a question.
			load(t, ctx, "change a question", chromedp.Click(`a[href$="/form/questions/dsl.on_slt"]`, chromedp.ByQuery))
			checkAxe(t, ctx, axe, "a question's page")
			reworded := "Is your designated safeguarding lead on the senior leadership team?"
			run("reword", chromedp.SetValue("#text", reworded, chromedp.ByQuery))
			load(t, ctx, "save the question", chromedp.Click(`//button[contains(., "Save")]`))
			if s := text(t, ctx, ".govuk-notification-banner"); !strings.Contains(s, "Question saved") {
				t.Fatalf("after saving: %q", s)
			}

			// Add a question shown when the answer to it is no; first without its words.
			load(t, ctx, "add a question", chromedp.Click(`a[href$="/form/sections/dsl/questions/new"]`, chromedp.ByQuery))
			run("choose short text and the condition", chromedp.Click(`input[name=kind][value=short_text]`, chromedp.ByQuery),
				chromedp.SetValue("#show_if", "dsl.on_slt=no", chromedp.ByQuery))
			load(t, ctx, "add it without words", chromedp.Click(`//button[contains(., "Add the question")]`))
			if s := text(t, ctx, ".govuk-error-summary"); !strings.Contains(s, "Enter the question") {
				t.Fatalf("error summary: %q", s)
			}
			var kind, cond string
			run("read what was kept", chromedp.Evaluate(`document.querySelector('input[name=kind]:checked').value`, &kind),
				chromedp.Value("#show_if", &cond, chromedp.ByQuery))
			if kind != "short_text" || cond != "dsl.on_slt=no" {
				t.Errorf("kept kind %q, condition %q", kind, cond)
			}
			checkAxe(t, ctx, axe, "a new question with an error")
			added := "Who leads safeguarding on the senior team instead?"
			run("type the question", chromedp.SetValue("#text", added, chromedp.ByQuery))
			load(t, ctx, "add the question", chromedp.Click(`//button[contains(., "Add the question")]`))
			if s := text(t, ctx, "#main-content"); !strings.Contains(s, added) || !strings.Contains(s, "When “"+reworded+"” is No") {
				t.Fatalf("the editor after adding: %q", s)
			}

			// The other pages of the editor: a section's, a new section's (with an error), a removal's confirmation.
			load(t, ctx, "change a section", chromedp.Click(`a[href$="/form/sections/dsl"]`, chromedp.ByQuery))
			checkAxe(t, ctx, axe, "a section's page")
			load(t, ctx, "add a section", chromedp.Navigate(base+"/admin/rounds/"+year+"/form/sections/new"))
			load(t, ctx, "add it without a title", chromedp.Click(`//button[contains(., "Add the section")]`))
			if s := text(t, ctx, ".govuk-error-summary"); !strings.Contains(s, "Enter the section's title") {
				t.Errorf("new section's errors: %q", s)
			}
			checkAxe(t, ctx, axe, "a new section with errors")
			load(t, ctx, "the editor again", chromedp.Navigate(base+"/admin/rounds/"+year+"/form"))
			load(t, ctx, "remove a question", chromedp.Click(`form[action$="/form/questions/dsl.cover/remove"] button`, chromedp.ByQuery))
			if h := text(t, ctx, "h1"); !strings.HasPrefix(h, "Remove the question") {
				t.Errorf("removal's confirmation: %q", h)
			}
			checkAxe(t, ctx, axe, "a removal's confirmation")
			load(t, ctx, "cancel", chromedp.Click(`//a[contains(., "Cancel")]`))

			// Preview as a special school.
			load(t, ctx, "preview", chromedp.Click(`//a[contains(., "Preview the form as a school")]`))
			run("choose special", chromedp.SetValue("#preview-phase", "special", chromedp.ByQuery))
			load(t, ctx, "preview as special", chromedp.Click(`//button[contains(., "Preview as this school")]`))
			if s := text(t, ctx, ".govuk-notification-banner"); !strings.Contains(s, "special school") || !strings.Contains(s, "Nothing you enter is saved") {
				t.Fatalf("preview banner: %q", s)
			}
			checkAxe(t, ctx, axe, "the preview's task list")
			load(t, ctx, "the DSL section", chromedp.Click(`a[href*="/form/preview/dsl?"]`, chromedp.ByQuery))
			var all string // the page's words, hidden ones too: with JavaScript the new question waits for its answer
			run("read the section", chromedp.TextContent("#main-content", &all, chromedp.ByQuery))
			if !strings.Contains(all, reworded) || !strings.Contains(all, added) {
				t.Fatalf("previewed section: %q", all)
			}
			run("answer no", chromedp.Click(`input[name="dsl.on_slt"][value=no]`, chromedp.ByQuery))
			var shown bool
			run("is the new question shown", chromedp.Evaluate(`(() => { const q = [...document.querySelectorAll('label')].find(l => l.textContent.includes(`+
				fmt.Sprintf("%q", added)+`)); return !!q && q.offsetParent !== null })()`, &shown))
			if !shown {
				t.Error("the question shown for no is hidden after answering no")
			}
			checkAxe(t, ctx, axe, "a previewed section")
			load(t, ctx, "continue in the preview", chromedp.Click(`//button[contains(., "Save and continue")]`))
			if s := text(t, ctx, ".govuk-error-summary"); !strings.Contains(s, strings.TrimSuffix(added, "?")) {
				t.Errorf("the preview's errors: %q", s)
			}
			if s := text(t, ctx, ".govuk-notification-banner"); !strings.Contains(s, "special school") {
				t.Errorf("after sending, the preview is no longer as a special school: %q", s)
			}
			checkAxe(t, ctx, axe, "a previewed section with errors")
			load(t, ctx, "the declaration", chromedp.Click(`//a[contains(., "See the declaration page")]`))
			if h := text(t, ctx, "h1"); h != "Declaration" {
				t.Errorf("declaration's heading: %q", h)
			}
			checkAxe(t, ctx, axe, "a previewed declaration")

			// The round page lists the changes against the live round's form.
			load(t, ctx, "the round", chromedp.Navigate(base+"/admin/rounds/"+year))
			s := text(t, ctx, "#form-changes")
			if !strings.Contains(s, "What changed against round "+live) || !strings.Contains(s, reworded) || !strings.Contains(s, "Wording changed") ||
				!strings.Contains(s, added) || !strings.Contains(s, "Added") {
				t.Errorf("changes against %s: %q", live, s)
			}
			checkAxe(t, ctx, axe, "the round page with the form's changes")
		})
	}
}
