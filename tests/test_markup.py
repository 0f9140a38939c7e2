"""Valid markup on every built page: html-validate reports no error (build_tools/audit_html.mjs, the configuration
`make audit` uses: the "recommended" preset minus the rules a plain MkDocs Material page breaks by itself), and no
element keeps a style attribute (the build turns them into classes of one style sheet, linked where they are used)."""
import re
from pathlib import Path

from build_tools import audit, render

STYLE_CLASS = re.compile(r'\bclass="[^"]*"')


def book_pages(site):
    return sorted(p for p in Path(site).rglob("*.html") if "vendor" not in p.relative_to(site).parts)


def test_every_page_passes_html_validate(site_dir):
    pages = book_pages(site_dir)
    report = audit.html_errors(pages)
    assert len(report) == len(pages) > 30
    failing = ["{}: {} errors {}\n    {}".format(Path(f).relative_to(site_dir), r["errors"], r["rules"],
                                                 "\n    ".join(r["first"]))
               for f, r in sorted(report.items()) if r["errors"]]
    assert not failing, "\n".join(failing)


def test_no_style_attributes_and_every_style_class_has_its_rule(site_dir):
    path = site_dir / render.STYLE_SHEET
    sheet = path.read_text(encoding="utf-8") if path.exists() else ""
    rules = set(re.findall(r"^\.(s-[0-9a-f]{8})\{[^}]+!important\}$", sheet, re.M))
    styled, unlinked, missing = [], [], set()
    seen = set()
    for page in book_pages(site_dir):
        text = page.read_text(encoding="utf-8")
        if render.style_classes(text, {})[0] != text:
            styled.append(str(page.relative_to(site_dir)))
        used = {c for attr in STYLE_CLASS.findall(text) for c in re.findall(r"\bs-[0-9a-f]{8}\b", attr)}
        seen |= used
        missing |= used - rules
        head = text[:text.index("</head>")]
        if used and not re.search(r'<link rel="stylesheet" href="[./]*{}">'.format(render.STYLE_SHEET), head):
            unlinked.append(str(page.relative_to(site_dir)))
    assert not styled, "pages with style attributes: {}".format(styled)
    assert not missing, "classes without a rule: {}".format(sorted(missing)[:10])
    assert not unlinked, "pages that use the style classes without linking {}: {}".format(render.STYLE_SHEET, unlinked)
    assert len(seen) > 100  # the formulas' styles did become classes
