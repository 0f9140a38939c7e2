// html-validate (its JavaScript API) on built pages: node build_tools/audit_html.mjs FILE.html ...
// Prints {file: {errors, warnings, rules: {rule id: count}, first: [messages]}} as JSON. Used by `make audit`
// (build_tools/audit.py) and by tests/test_markup.py, which runs it on every built page and wants no error.
//
// The "html-validate:recommended" preset, minus the rules that a plain MkDocs Material page (9.8, one page of
// Chinese text; build_tools/audit.py builds it in the same run and reports it next to the book's pages) breaks by
// itself. Each rule below fired on that page; what Material emits, the book cannot change. Switching a rule off also
// hides the book's own breaches of it (valid-id: MkDocs gives Chinese headings ids like _1).
import { HtmlValidate, StaticConfigLoader } from "html-validate";

export const OFF_FOR_MATERIAL = {
  "doctype-style": "Material writes <!doctype html> in lower case",
  "no-trailing-whitespace": "Material's templates leave trailing spaces on most lines",
  "valid-id": "Material's toggles and config (__drawer, __search, __toc, __config) and the heading ids of Chinese titles (_1, _2) start with an underscore",
  "valid-autocomplete": "the drawer and search toggles are checkboxes with autocomplete=off",
  "wcag/h32": "the search form has no submit button (it searches as one types)",
  "unique-landmark": "the header and footer navigation landmarks have no accessible name",
};

const loader = new StaticConfigLoader({
  extends: ["html-validate:recommended"],
  rules: Object.fromEntries(Object.keys(OFF_FOR_MATERIAL).map((rule) => [rule, "off"])),
});
const validator = new HtmlValidate(loader);
const out = {};
for (const file of process.argv.slice(2)) {
  const report = await validator.validateFile(file);
  const rules = {};
  const first = [];
  for (const result of report.results) {
    for (const m of result.messages) {
      rules[m.ruleId] = (rules[m.ruleId] || 0) + 1;
      if (first.length < 5) first.push(`${m.line}:${m.column} ${m.ruleId} ${m.message}`);
    }
  }
  out[file] = { errors: report.errorCount, warnings: report.warningCount, rules, first };
}
process.stdout.write(JSON.stringify(out, null, 1));
