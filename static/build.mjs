// Builds the committed front-end assets from the pinned npm packages:
//   assets/assure.css        GOV.UK Frontend compiled with the partnership's settings
//   assets/govuk/govuk-frontend.min.js and assets/govuk/images/*
// The Go binary embeds assets/, so it runs without Node; CI rebuilds and checks the
// committed copy is what these pinned packages produce (scripts/test).
import * as sass from "sass";
import { cpSync, mkdirSync, writeFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const govuk = join(here, "node_modules/govuk-frontend/dist/govuk");
const out = join(here, "assets");

const result = sass.compile(join(here, "scss/assure.scss"), {
  style: "compressed",
  importers: [new sass.NodePackageImporter()],
  quietDeps: true,
  silenceDeprecations: ["import"],
});
mkdirSync(out, { recursive: true });
writeFileSync(join(out, "assure.css"), result.css + "\n");

rmSync(join(out, "govuk"), { recursive: true, force: true });
mkdirSync(join(out, "govuk"), { recursive: true });
cpSync(join(govuk, "govuk-frontend.min.js"), join(out, "govuk/govuk-frontend.min.js"));
cpSync(join(govuk, "assets/images"), join(out, "govuk/images"), { recursive: true });
cpSync(join(govuk, "assets/manifest.json"), join(out, "govuk/manifest.json"));
console.log("built assets/assure.css (" + result.css.length + " bytes) and assets/govuk/");
