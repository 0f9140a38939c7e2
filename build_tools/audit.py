"""Audit of the built pages next to a plain MkDocs Material page: Lighthouse and html-validate.

    python -m build_tools.audit [--site site] [--pages PATH,PATH,...] [--json DIR]   (= make audit, after make build)

* A plain MkDocs Material project (one page of Chinese text, the same Material version) is built in a temporary
  folder in the same run, as the baseline: what it scores is what Material costs before the book adds anything.
* Both sites are served by the test server (build_tools/browser.py: gzip, the _headers file), as a host would.
* Lighthouse (npm ``lighthouse``, its default mobile preset: a mid-range phone with simulated slow 4G and a 4x
  slower CPU) runs on each page in Chromium ($CHROME_PATH, else the one the tests use); html-validate checks the
  same pages' HTML through its JavaScript API (build_tools/audit_html.mjs: the "recommended" preset minus the
  rules that the plain Material page breaks by itself).
* Prints one table: the four Lighthouse scores, the main timings and bytes, and the html-validate errors;
  ``--json DIR`` keeps each page's full Lighthouse report there (which element shifted, which audit failed).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from .browser import ROOT, SITE, chromium_path, serve

PAGES = ["", "math/cnn-rnn-attention/", "llm/architecture/", "math/losses/", "concepts/neural-networks/", "practice/digits/"]
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
PLAIN_CONFIG = """site_name: 一本书
theme:
  name: material
  language: zh
"""
PLAIN_PAGE = """# 第一章

这是一页普通的 MkDocs Material 页面，只有文字，用来和本书的页面比较。

## 第一节

神经网络由许多层组成，每一层把输入乘以权重、加上偏置，再经过一个激活函数。
"""


def build_plain_site(folder):
    """The baseline: a one-page MkDocs Material site built in ``folder``; returns its site directory."""
    folder = Path(folder)
    (folder / "docs").mkdir(parents=True)
    (folder / "mkdocs.yml").write_text(PLAIN_CONFIG, encoding="utf-8")
    (folder / "docs" / "index.md").write_text(PLAIN_PAGE, encoding="utf-8")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--quiet", "-f", str(folder / "mkdocs.yml"),
                    "-d", str(folder / "site")], check=True, env=env, capture_output=True)
    return folder / "site"


def lighthouse(url, out_path):
    """Run Lighthouse (mobile preset) on ``url``; return its JSON report."""
    env = dict(os.environ, CHROME_PATH=os.environ.get("CHROME_PATH") or chromium_path() or "")
    command = [str(ROOT / "node_modules" / ".bin" / "lighthouse"), url, "--quiet", "--form-factor=mobile",
               "--output=json", "--output-path=" + str(out_path), "--only-categories=" + ",".join(CATEGORIES),
               "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"]
    # Lighthouse now and then exits non-zero when the browser it launched fails to start or to close: try once more.
    if subprocess.run(command, env=env).returncode != 0:
        subprocess.run(command, check=True, env=env)
    return json.loads(Path(out_path).read_text(encoding="utf-8"))


def html_errors(files):
    """{file: {errors, rules: {rule: count}}} from html-validate (build_tools/audit_html.mjs)."""
    done = subprocess.run(["node", str(ROOT / "build_tools" / "audit_html.mjs")] + [str(f) for f in files],
                          check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(done.stdout)


def row(label, report, html):
    audits = report["audits"]
    scores = [round(100 * report["categories"][c]["score"]) for c in CATEGORIES]
    seconds = ["{:.1f}".format(audits[a]["numericValue"] / 1000)
               for a in ("first-contentful-paint", "largest-contentful-paint")]
    top = ", ".join("{} {}".format(rule, n) for rule, n in sorted(html["rules"].items(), key=lambda r: -r[1])[:3])
    return [label] + [str(s) for s in scores] + seconds + [
        "{:.0f}".format(audits["total-blocking-time"]["numericValue"]),
        "{:.3f}".format(audits["cumulative-layout-shift"]["numericValue"]),
        "{:.0f}".format(audits["total-byte-weight"]["numericValue"] / 1024),
        str(html["errors"]) + (" ({})".format(top) if top else "")]


def markdown_table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=SITE)
    parser.add_argument("--pages", default=",".join(PAGES), help="site paths, '' for the home page")
    parser.add_argument("--json", type=Path, help="keep the Lighthouse reports (JSON) in this folder")
    args = parser.parse_args()
    if not (args.site / "index.html").exists():
        sys.exit("audit: no built site in {} (run make build first)".format(args.site))
    pages = args.pages.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        plain = build_plain_site(Path(tmp) / "plain")
        book_server, plain_server = serve(args.site), serve(plain)
        targets = [("/" + p, "http://127.0.0.1:{}/{}".format(book_server.server_port, p), args.site / p / "index.html")
                   for p in pages]
        targets.append(("plain Material page", "http://127.0.0.1:{}/".format(plain_server.server_port),
                        plain / "index.html"))
        html = html_errors([t[2] for t in targets])
        rows = []
        for label, url, path in targets:
            print("lighthouse {} ...".format(label), file=sys.stderr, flush=True)
            folder = args.json or Path(tmp)
            folder.mkdir(parents=True, exist_ok=True)
            name = (label.strip("/").replace("/", "-") or "home").replace(" ", "-") + ".json"
            rows.append(row(label, lighthouse(url, folder / name), html[str(path)]))
        book_server.shutdown()
        plain_server.shutdown()
    print(markdown_table(["page", "performance", "accessibility", "best practices", "SEO", "FCP s", "LCP s",
                          "TBT ms", "CLS", "kB", "html-validate errors (top rules)"], rows))
    print("\nLighthouse mobile preset (simulated slow 4G, 4x CPU slowdown), gzip on; html-validate 'recommended' "
          "minus the rules in build_tools/audit_html.mjs.")


if __name__ == "__main__":
    main()
