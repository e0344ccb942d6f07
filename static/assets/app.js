// Progressive enhancement only: every page works without this file.
import { initAll } from "/assets/govuk/govuk-frontend.min.js";

document.body.classList.add("govuk-frontend-supported");
initAll();

// GOV.UK Frontend marks a radio that reveals a question with aria-expanded, which ARIA
// does not allow on a radio, so axe-core fails the page (a known issue upstream:
// alphagov/govuk-frontend#979). The reveal works without it (aria-controls stays): drop
// it after each of GOV.UK's syncs, which follow a click or a return to the page.
const dropRadioExpanded = () =>
  document.querySelectorAll(".govuk-radios__input[aria-expanded]").forEach((input) => input.removeAttribute("aria-expanded"));
dropRadioExpanded();
document.addEventListener("click", dropRadioExpanded);
window.addEventListener("pageshow", dropRadioExpanded);

// On an import's progress page, fetch the progress every second and update it in place;
// without JavaScript the page has a "Check progress" button instead.
const progress = document.querySelector("[data-import-status]");
if (progress) {
  const bar = document.querySelector("progress");
  const status = document.getElementById("import-status");
  const poll = async () => {
    const res = await fetch(progress.dataset.importStatus, { headers: { Accept: "application/json" } });
    if (!res.ok) return;
    const job = await res.json();
    if (job.state === "done" || job.state === "failed") {
      window.location.reload();
      return;
    }
    if (bar && job.total > 0) {
      bar.max = job.total;
      bar.value = job.done;
    }
    if (status) status.textContent = job.message;
    setTimeout(poll, 1000);
  };
  setTimeout(poll, 1000);
}
