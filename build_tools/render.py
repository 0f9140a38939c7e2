"""Formulas and diagrams rendered when the site is built, so a reader's browser runs no formula or diagram code.

* Formulas: every ``.arithmatex`` element (``pymdownx.arithmatex``, generic mode), inline ``\\(...\\)`` and display
  ``\\[...\\]``, and the formulas that headings carry into the table of contents, become KaTeX HTML
  (``build_tools/katex_render.mjs``, one Node process per page for the formulas not yet cached). A page with formulas
  links the KaTeX style sheet and preloads the KaTeX fonts its formulas use; other pages link neither.
* Diagrams: every ``.diagram-mermaid`` block becomes two inline SVGs, light and dark, drawn by Mermaid in headless
  Chromium (one browser per build, started only when a diagram is not cached); CSS shows the one that matches
  Material's colour scheme.
* Inline styles: no element of a page keeps a style attribute (KaTeX places its glyphs with them, Mermaid sizes its
  SVGs with them, Markdown aligns table cells with them). Each distinct style becomes a class named after its hash;
  the build writes the rules once into ``assets/css/render-styles.css``, which the pages that use them link.

Results are cached under ``.cache/render/`` (git-ignored; the wheel build empties ``build/``) by a hash of the renderer's version, its options and the source,
so a rebuild (``mkdocs serve``) renders only what changed. A formula or diagram that does not render stops the build
with the page and the source in the message.
"""
import hashlib
import html
import json
import os
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from markdown.extensions.toc import slugify as toc_slugify
from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
CACHE = ROOT / ".cache" / "render"
KATEX_SCRIPT = Path(__file__).resolve().parent / "katex_render.mjs"
KATEX_CSS = "vendor/katex/katex.min.css"
KATEX_FONTS = "vendor/katex/fonts/"

FORMULA = re.compile(r'<(span|div) class="arithmatex">(.*?)</\1>', re.S)
DIAGRAM = re.compile(r'<div class="diagram-mermaid">(.*?)</div>', re.S)
NAV_TEXT = re.compile(r'(<span class="md-ellipsis">)(.*?)(</span>)', re.S)
INLINE_TEX = re.compile(r"\\\((.+?)\\\)", re.S)

# Which KaTeX font a class of KaTeX's HTML needs (from katex.min.css); KaTeX_Main-Regular is always needed.
FONT_CLASSES = [
    ("KaTeX_Math-Italic", r"\bmathnormal\b"),
    ("KaTeX_Main-Bold", r"\b(?:mathbf|textbf)\b"),
    ("KaTeX_Math-BoldItalic", r"\bboldsymbol\b"),
    ("KaTeX_Main-Italic", r"\b(?:mathit|textit)\b"),
    ("KaTeX_AMS-Regular", r"\b(?:amsrm|mathbb|textbb)\b"),
    ("KaTeX_Caligraphic-Regular", r"\bmathcal\b"),
    ("KaTeX_SansSerif-Regular", r"\b(?:mathsf|textsf)\b"),
    ("KaTeX_Typewriter-Regular", r"\b(?:mathtt|texttt)\b"),
    ("KaTeX_Size1-Regular", r"\b(?:delimsizing size1|delim-size1|small-op)\b"),
    ("KaTeX_Size2-Regular", r"\b(?:delimsizing size2|large-op)\b"),
    ("KaTeX_Size3-Regular", r"\bdelimsizing size3\b"),
    ("KaTeX_Size4-Regular", r"\b(?:delimsizing size4|delim-size4)\b"),
]

# Mermaid draws with the reader's fonts in mind: the system fonts Material uses (theme.font is off), CJK fallbacks.
MERMAID_FONT = ('-apple-system, BlinkMacSystemFont, "Segoe UI", Helvetica, Arial, "PingFang SC", '
                '"Noto Sans CJK SC", "Microsoft YaHei", sans-serif')
MERMAID_THEMES = {"light": "default", "dark": "dark"}
MERMAID_CACHE_VERSION = "2"  # bump when prefix_ids changes what is cached


def _version(package):
    return json.loads((NODE_MODULES / package / "package.json").read_text(encoding="utf-8"))["version"]


def _key(*parts):
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


# ---------------------------------------------------------------- formulas

KATEX_OPTIONS = "displayMode,throwOnError=true,strict=ignore,htmlAndMathml"


def render_formulas(formulas, where, cache=CACHE):
    """[(tex, display)] -> [KaTeX HTML]; one Node process renders every formula missing from the cache.
    Raises PluginError naming the page (`where`) and each formula KaTeX could not render."""
    version = _version("katex")
    keys = [_key("katex", version, KATEX_OPTIONS, "display" if display else "inline", tex) for tex, display in formulas]
    folder = Path(cache) / "katex"
    out = [None] * len(formulas)
    missing = []
    for i, key in enumerate(keys):
        path = folder / (key + ".html")
        if path.exists():
            out[i] = path.read_text(encoding="utf-8")
        else:
            missing.append(i)
    if not missing:
        return out
    batch = [{"tex": formulas[i][0], "display": formulas[i][1]} for i in missing]
    run = subprocess.run(["node", str(KATEX_SCRIPT)], input=json.dumps(batch), capture_output=True, text=True,
                         encoding="utf-8", cwd=str(ROOT))
    if run.returncode != 0:
        raise PluginError("{}: KaTeX did not run: {}".format(where, run.stderr.strip()))
    errors = []
    folder.mkdir(parents=True, exist_ok=True)
    for i, result in zip(missing, json.loads(run.stdout)):
        if "error" in result:
            errors.append("{}: formula does not render: {}\n    {}".format(where, formulas[i][0].strip(), result["error"]))
            continue
        out[i] = result["html"]
        tmp = folder / "{}.{}.tmp".format(keys[i], os.getpid())
        tmp.write_text(result["html"], encoding="utf-8")
        tmp.replace(folder / (keys[i] + ".html"))
    if errors:
        raise PluginError("\n".join(errors))
    return out


def _tex(element, body):
    """The TeX and display flag of an arithmatex element's (escaped) text."""
    tex = html.unescape(body).strip()
    for start, end, display in (("\\(", "\\)", False), ("\\[", "\\]", True), ("$$", "$$", True), ("$", "$", False)):
        if tex.startswith(start) and tex.endswith(end) and len(tex) >= len(start) + len(end):
            return tex[len(start):len(tex) - len(end)], display
    return tex, element == "div"  # a bare \begin{...}...\end{...} block


def render_math(output, where, cache=CACHE):
    """The page with its formulas (body and navigation) rendered; returns (html, KaTeX fonts used)."""
    found = [(m, _tex(m.group(1), m.group(2))) for m in FORMULA.finditer(output)]
    nav = [(m, [t for t in INLINE_TEX.findall(html.unescape(m.group(2)))]) for m in NAV_TEXT.finditer(output)
           if "\\(" in m.group(2)]
    formulas = [f for _, f in found] + [(t, False) for _, texts in nav for t in texts]
    if not formulas:
        return output, []
    rendered = iter(render_formulas(formulas, where, cache))
    pieces, last = [], 0
    for m, _ in found:
        pieces += [output[last:m.start()], '<{0} class="arithmatex">{1}</{0}>'.format(m.group(1), next(rendered))]
        last = m.end()
    pieces.append(output[last:])
    output = "".join(pieces)

    def nav_text(m):
        parts = INLINE_TEX.split(html.unescape(m.group(2)))
        text = "".join(html.escape(p, quote=False) if i % 2 == 0 else next(rendered) for i, p in enumerate(parts))
        return m.group(1) + text + m.group(3)

    if nav:
        output = NAV_TEXT.sub(lambda m: nav_text(m) if "\\(" in m.group(2) else m.group(0), output)
    fonts = ["KaTeX_Main-Regular"] + [font for font, pattern in FONT_CLASSES if re.search(pattern, output)]
    return output, fonts


def katex_head(page_url, fonts):
    """The <head> links of a page with formulas: its KaTeX fonts preloaded, then the KaTeX style sheet."""
    links = ['<link rel="preload" href="{}" as="font" type="font/woff2" crossorigin>'.format(
        get_relative_url(KATEX_FONTS + font + ".woff2", page_url)) for font in fonts]
    links.append('<link rel="stylesheet" href="{}">'.format(get_relative_url(KATEX_CSS, page_url)))
    return "\n  ".join(links)


# ---------------------------------------------------------------- diagrams

class MermaidRenderer:
    """One headless Chromium with Mermaid loaded from node_modules (no network), started on first use. Playwright
    runs in a thread of its own, so the build also works where an event loop (or another Playwright) runs."""

    def __init__(self):
        self._playwright = self._browser = self._page = self._thread = None

    def _start(self):
        from playwright.sync_api import sync_playwright

        from build_tools.browser import chromium_path

        self._playwright = sync_playwright().start()
        self._browser = self._playwright.chromium.launch(
            executable_path=chromium_path(), headless=True,
            args=["--no-sandbox", "--host-resolver-rules=MAP * ~NOTFOUND"])
        self._page = self._browser.new_page()
        self._page.set_content("<!doctype html><html><head><meta charset=utf-8></head><body></body></html>")
        self._page.add_script_tag(path=str(NODE_MODULES / "mermaid" / "dist" / "mermaid.min.js"))

    def _render(self, source, theme, svg_id):
        if self._page is None:
            self._start()
        return self._page.evaluate(
            """async ([source, theme, id, font]) => {
                 mermaid.initialize({startOnLoad: false, securityLevel: "strict", theme,
                                     themeVariables: {fontFamily: font}, fontFamily: font});
                 const { svg } = await mermaid.render(id, source);
                 document.getElementById(id)?.remove();
                 return svg;
               }""", [source, theme, svg_id, MERMAID_FONT])

    def render(self, source, theme, svg_id):
        if self._thread is None:
            self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mermaid")
        return self._thread.submit(self._render, source, theme, svg_id).result()

    def _close(self):
        if self._browser is not None:
            self._browser.close()
            self._playwright.stop()
        self._playwright = self._browser = self._page = None

    def close(self):
        if self._thread is not None:
            self._thread.submit(self._close).result()
            self._thread.shutdown()
            self._thread = None


_mermaid = MermaidRenderer()


def prefix_ids(svg, svg_id):
    """Give every id inside a Mermaid SVG the SVG's own id as prefix (Mermaid leaves node and edge ids bare,
    which would clash between diagrams and between the light and dark copy of one diagram)."""
    bare = [i for i in re.findall(r'(?<![\w-])id="([^"]+)"', svg) if i != svg_id and not i.startswith(svg_id)]
    for old in set(bare):
        new = "{}-{}".format(svg_id, old)
        svg = re.sub(r'((?<![\w-])id="|href="#|url\(#){}([")])'.format(re.escape(old)), r"\g<1>{}\g<2>".format(new), svg)
    # Mermaid gives an edge and its label the same id; references point at the first, so number the others.
    seen = {}

    def unique(m):
        seen[m.group(1)] = seen.get(m.group(1), 0) + 1
        return m.group(0) if seen[m.group(1)] == 1 else 'id="{}-{}"'.format(m.group(1), seen[m.group(1)])

    return re.sub(r'(?<![\w-])id="([^"]+)"', unique, svg)


def render_diagram(source, where, cache=CACHE, renderer=None):
    """{'light': svg, 'dark': svg} of one Mermaid source; ids start with 'mermaid-<hash>' (see place_diagram)."""
    renderer = renderer or _mermaid
    version = _version("mermaid")
    out = {}
    for variant, theme in MERMAID_THEMES.items():
        key = _key("mermaid", MERMAID_CACHE_VERSION, version, theme, MERMAID_FONT, source)
        path = Path(cache) / "mermaid" / (key + ".svg")
        if path.exists():
            out[variant] = path.read_text(encoding="utf-8")
            continue
        svg_id = "mermaid-" + key[:16]
        try:
            svg = prefix_ids(renderer.render(source, theme, svg_id), svg_id)
        except Exception as err:  # Mermaid's parse errors arrive as Playwright errors
            message = str(err).split("\n    at ")[0]
            raise PluginError("{}: diagram does not render:\n{}\n    {}".format(where, source.strip(), message))
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".{}.tmp".format(os.getpid()))
        tmp.write_text(svg, encoding="utf-8")
        tmp.replace(path)
        out[variant] = svg
    return out


def diagram_label(source):
    """A text alternative: the diagram's accTitle, or its labels in order."""
    title = re.search(r"^\s*accTitle\s*:\s*(.+)$", source, re.M)
    if title:
        return title.group(1).strip()
    labels = []
    for label in re.findall(r'"([^"]+)"', source):
        if label not in labels:
            labels.append(label)
    return "示意图：" + "；".join(labels) if labels else "示意图"


def render_diagrams(output, where, cache=CACHE, renderer=None):
    """The page with each Mermaid block replaced by its light and dark SVG; ids are unique in the page."""
    count = [0]

    def one(m):
        source = html.unescape(m.group(1))
        svgs = render_diagram(source, where, cache, renderer)
        count[0] += 1
        parts = []
        for variant, svg in svgs.items():
            old = re.search(r'<svg id="([^"]+)"', svg).group(1)
            svg = svg.replace(old, "diagram-{}-{}".format(count[0], variant))
            # Scaled to fit, a wide diagram's text would shrink below reading size on a phone: past 55 % it
            # keeps its size and the diagram scrolls in its box.
            svg = re.sub(r'(<svg [^>]*style="max-width: ([\d.]+)px;)',
                         lambda w: "{} min-width: {:.0f}px;".format(w.group(1), 0.55 * float(w.group(2))), svg, count=1)
            parts.append('<div class="diagram-{}">{}</div>'.format(variant, svg))
        return '<div class="diagram-mermaid" role="img" aria-label="{}">{}</div>'.format(
            html.escape(diagram_label(source)), "".join(parts))

    return DIAGRAM.sub(one, output)


def close():
    _mermaid.close()


# ---------------------------------------------------------------- inline styles

# KaTeX positions each glyph with a style attribute (style="height:0.6833em;"), Mermaid sizes its SVGs and labels with
# them, Markdown tables align their cells with them. The page keeps none: each distinct declaration list becomes a
# class named after its hash, and the build writes the rules once into STYLE_SHEET, linked by the pages that use it.
# The rules are !important, so that, as the inline style did, they win over the style sheets' own rules.
STYLE_SHEET = "assets/css/render-styles.css"
# A start tag, or a whole script or style element (whose text is not markup).
START_TAG = re.compile(r"""<(script|style)\b.*?</\1\s*>|<[a-zA-Z][^\s/>]*"""
                       r"""(?:\s+[^\s"'=/>]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*\s*/?>""", re.S | re.I)
ATTRIBUTE = re.compile(r"""\s+([^\s"'=/>]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")
STYLES = {}  # class -> declarations, every page of the build


def style_class(style, styles):
    """The class that stands for an inline style ("height:1em; top:-2em;"), its rule recorded in ``styles``;
    None for an empty style."""
    declarations = [":".join(part.strip() for part in d.split(":", 1)) for d in html.unescape(style).split(";")
                    if d.strip()]
    if not declarations:
        return None
    body = ";".join(declarations)
    name = "s-" + hashlib.sha256(body.encode("utf-8")).hexdigest()[:8]
    if styles.setdefault(name, body) != body:
        raise PluginError("two inline styles share the class {}: {!r} and {!r}".format(name, styles[name], body))
    return name


def unquote(value):
    """An attribute's value as written (quotes removed, entities kept)."""
    return value[1:-1] if value and value[0] in "\"'" else (value or "")


def style_classes(output, styles):
    """The page with every style attribute replaced by a class (see style_class); returns (html, classes used)."""
    used = set()

    def tag(m):
        text = m.group(0)
        if m.group(1) or "style" not in text.lower():
            return text
        attrs = {a.group(1).lower(): a for a in ATTRIBUTE.finditer(text, len(text.split(None, 1)[0]))}
        if "style" not in attrs:
            return text
        style, old_class = attrs["style"], attrs.get("class")
        name = style_class(unquote(style.group(2)), styles)
        if name is not None:
            used.add(name)
        pieces = []
        last = 0
        for a in sorted(filter(None, (style, old_class)), key=lambda a: a.start()):
            pieces.append(text[last:a.start()])
            if a is old_class:
                pieces.append(a.group(0) if name is None else ' class="{} {}"'.format(unquote(a.group(2)), name))
            last = a.end()
        pieces.append(text[last:])
        text = "".join(pieces)
        if old_class is None and name is not None:
            end = -2 if text.endswith("/>") else -1
            text = '{} class="{}"{}'.format(text[:end].rstrip(), name, text[end:])
        return text

    return START_TAG.sub(tag, output), used


def style_sheet(styles):
    """The CSS of the classes in ``styles``, one rule a line, in a stable order."""
    return "".join(".{}{{{}}}\n".format(name, ";".join(d + "!important" for d in body.split(";")))
                   for name, body in sorted(styles.items()))


def write_style_sheet(site_dir, styles=None):
    path = Path(site_dir) / STYLE_SHEET
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(style_sheet(STYLES if styles is None else styles), encoding="utf-8")


# ---------------------------------------------------------------- pages and headings

THEAD = re.compile(r"<thead>.*?</thead>", re.S)
TBODY = re.compile(r"<tbody>.*?</tbody>", re.S)
TH = re.compile(r"<th(?![^>]*\bscope=)(\s[^>]*)?>")


def table_scopes(output):
    """Header cells say which cells they head: <th scope="col"> in a table's head, scope="row" in its body."""
    def scope(value):
        return lambda m: TH.sub(lambda t: '<th scope="{}"{}>'.format(value, t.group(1) or ""), m.group(0))

    return TBODY.sub(scope("row"), THEAD.sub(scope("col"), output))


def render_page(output, page_url, where, cache=CACHE, styles=None):
    """Everything above for one built page (MkDocs' on_post_page); the page's inline styles become classes whose
    rules go into ``styles`` (default: the build's STYLES, written out by write_style_sheet)."""
    output = table_scopes(output)
    output = render_diagrams(output, where, cache)
    output, fonts = render_math(output, where, cache)
    head = [katex_head(page_url, fonts)] if fonts else []
    output, used = style_classes(output, STYLES if styles is None else styles)
    if used:
        head.append('<link rel="stylesheet" href="{}">'.format(get_relative_url(STYLE_SHEET, page_url)))
    if head:
        output = output.replace("</head>", "  " + "\n  ".join(head) + "\n</head>", 1)
    return output


def slugify(value, separator):
    """Heading ids as Python-Markdown makes them, but never starting with a digit (not a valid CSS selector)."""
    slug = toc_slugify(value, separator)
    return "s" + separator + slug if slug[:1].isdigit() else slug
