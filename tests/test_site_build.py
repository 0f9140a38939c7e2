"""The built site as files: a strict build is clean, canonical links and the sitemap point at the address the
site is published at, every internal link resolves, and every book number appears on its page exactly as
computed."""
import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import pytest

from build_tools.book_numbers import all_numbers
from support import ROOT

DOCS = ROOT / "docs"
HREF = re.compile(r'(?:href|src)="([^"]+)"')
ID = re.compile(r'\bid="([^"]+)"')


PUBLISHED_AT = "https://books.example.org/ai-book/"


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """A strict build for the address PUBLISHED_AT (as the publishing workflow sets it): (site, build output)."""
    site = tmp_path_factory.mktemp("published") / "site"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", BOOK_SITE_URL=PUBLISHED_AT)
    out = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)],
                         cwd=ROOT, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return site, out.stderr


def test_strict_build_is_clean(published):
    assert "WARNING" not in published[1], published[1]


def test_canonical_links_and_sitemap_use_the_published_address(published):
    site = published[0]
    canonical = re.compile(r'<link rel="canonical" href="([^"]+)"')
    for page, path in ((site / "index.html", ""), (site / "math" / "losses" / "index.html", "math/losses/")):
        assert canonical.findall(page.read_text(encoding="utf-8")) == [PUBLISHED_AT + path]
    locations = re.findall(r"<loc>([^<]+)</loc>", (site / "sitemap.xml").read_text(encoding="utf-8"))
    assert len(locations) == len(site_pages(site)) - 1  # every page but 404.html
    assert all(loc.startswith(PUBLISHED_AT) for loc in locations) and PUBLISHED_AT + "math/losses/" in locations


def test_search_index_is_compact_utf8_and_complete(site_dir):
    raw = (site_dir / "search" / "search_index.json").read_bytes()
    index = json.loads(raw)
    assert b"\\u5" not in raw and "神经网络".encode("utf-8") in raw  # CJK written as UTF-8, not escaped
    pages = {doc["location"].split("#")[0] for doc in index["docs"]}
    assert len(pages) == len(site_pages(site_dir)) - 1  # every page but 404.html
    assert index["config"]["lang"] == ["zh"]


def site_pages(site):
    return [p for p in site.rglob("*.html") if "vendor" not in p.relative_to(site).parts]


def test_internal_links_resolve(site_dir):
    ids = {}
    broken = []
    for page in site_pages(site_dir):
        text = page.read_text(encoding="utf-8")
        for link in HREF.findall(text):
            link = html.unescape(link)
            parsed = urlparse(link)
            if parsed.scheme or link.startswith(("//", "mailto:", "data:", "javascript:")):
                continue
            path, fragment = urldefrag(link)
            if not path:
                target = page
            elif path.startswith("/"):  # 404.html links from the site root
                target = (site_dir / unquote(path).lstrip("/")).resolve()
            else:
                target = (page.parent / unquote(path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append("{}: {}".format(page.relative_to(site_dir), link))
                continue
            if fragment and target.suffix == ".html":
                if target not in ids:
                    ids[target] = set(ID.findall(target.read_text(encoding="utf-8")))
                if fragment not in ids[target]:
                    broken.append("{}: {} (no such anchor)".format(page.relative_to(site_dir), link))
    assert not broken, "\n".join(broken)


def test_no_link_leaves_the_site_for_runtime_files(site_dir):
    """Scripts, styles and fonts all come from the site itself."""
    outside = []
    for page in site_pages(site_dir):
        for tag in re.findall(r"<(?:script|link|img|iframe)[^>]+>", page.read_text(encoding="utf-8")):
            for url in HREF.findall(tag):
                if urlparse(url).scheme in ("http", "https") and "127.0.0.1" not in url:
                    outside.append("{}: {}".format(page.relative_to(site_dir), url))
    assert not outside, "\n".join(outside)


def rendered_text(site_dir, md_path):
    rel = md_path.relative_to(DOCS).with_suffix("")
    out = site_dir / (rel.parent if rel.name == "index" else rel) / "index.html"
    return html.unescape(out.read_text(encoding="utf-8"))


NUMBERS = all_numbers()


@pytest.mark.parametrize("md", sorted(DOCS.rglob("*.md")), ids=lambda p: str(p.relative_to(DOCS)))
def test_book_numbers_appear_on_their_page(site_dir, md):
    keys = re.findall(r"\{\{n:([A-Za-z0-9_]+)\}\}", md.read_text(encoding="utf-8"))
    page = rendered_text(site_dir, md)
    assert "{{n:" not in page
    missing = [(k, NUMBERS.get(k)) for k in keys if k not in NUMBERS or NUMBERS[k] not in page]
    assert not missing, "numbers not shown as computed: {}".format(missing)
