"""Build-time rendering (build_tools/render.py): formulas become KaTeX HTML, diagrams become SVG, a broken formula or
diagram stops the build naming the page and the source, results are cached by content."""
import re
import subprocess

import pytest
from mkdocs.exceptions import PluginError

from support import ROOT

from build_tools import render

PAGE = """<html><head><title>t</title></head><body>
<nav><a href="#s-1-x" class="md-nav__link"><span class="md-ellipsis">
  第 1 步：\\(\\partial L / \\partial z\\)
</span></a></nav>
<h3 id="s-1-x">第 1 步：<span class="arithmatex">\\(\\partial L / \\partial z\\)</span></h3>
<p>设 <span class="arithmatex">\\(a &lt; b\\)</span>，则</p>
<div class="arithmatex">\\[
\\sum_{i=1}^{n} \\mathbf{w}_i x_i
\\]</div>
</body></html>"""


def test_formulas_body_and_navigation_become_katex(tmp_path):
    out, fonts = render.render_math(PAGE, "math/x.md", cache=tmp_path)
    assert "\\(" not in out and "\\[" not in out
    assert out.count('<span class="arithmatex"><span class="katex">') == 2
    assert out.count('<div class="arithmatex"><span class="katex-display">') == 1
    nav = re.search(r'<span class="md-ellipsis">(.*?)</nav>', out, re.S).group(1)
    assert "第 1 步：" in nav and 'class="katex"' in nav
    # the escaped "<" reached KaTeX as TeX "<" (its annotation keeps the source)
    assert '<annotation encoding="application/x-tex">a &lt; b</annotation>' in out
    assert fonts[0] == "KaTeX_Main-Regular"
    assert {"KaTeX_Math-Italic", "KaTeX_Main-Bold", "KaTeX_Size2-Regular"} <= set(fonts)
    assert "KaTeX_Caligraphic-Regular" not in fonts


def test_page_without_formulas_is_unchanged_and_links_no_katex(tmp_path):
    plain = "<html><head></head><body><p>没有公式。</p></body></html>"
    assert render.render_page(plain, "faq/", "faq.md", cache=tmp_path, styles={}) == plain


def test_page_with_formulas_links_katex_css_and_preloads_its_fonts(tmp_path):
    out = render.render_page(PAGE, "math/x/", "math/x.md", cache=tmp_path, styles={})
    head = out[:out.index("</head>")]
    assert '<link rel="stylesheet" href="../../vendor/katex/katex.min.css">' in head
    assert ('<link rel="preload" href="../../vendor/katex/fonts/KaTeX_Main-Regular.woff2" as="font" '
            'type="font/woff2" crossorigin>') in head
    for font in re.findall(r'fonts/([^"]+)\.woff2', head):
        assert (ROOT / "node_modules" / "katex" / "dist" / "fonts" / (font + ".woff2")).exists()


def test_a_page_with_formulas_keeps_no_style_attribute_and_links_the_style_sheet(tmp_path):
    styles = {}
    out = render.render_page(PAGE, "math/x/", "math/x.md", cache=tmp_path, styles=styles)
    assert not re.search(r"<[^>]*\sstyle=", out)
    assert '<link rel="stylesheet" href="../../assets/css/render-styles.css">' in out[:out.index("</head>")]
    used = set(re.findall(r"\bs-[0-9a-f]{8}\b", out))
    assert used and used == set(styles)
    # KaTeX's struts keep their class and gain the one of their height
    assert re.search(r'<span class="strut s-[0-9a-f]{8}">', out)
    sheet = render.style_sheet(styles)
    assert sheet.count("\n") == len(styles) and "!important" in sheet


def test_style_attributes_become_classes_named_after_their_declarations():
    styles = {}
    out, used = render.style_classes(
        '<span class="strut" style="height:0.6833em;"></span><i style="height: 0.6833em"></i>'
        '<td style="text-align: right;">1</td><g class="label" style=""></g>'
        "<path d='M0 0' style='stroke-width: 1; stroke-dasharray: 1, 0;' class='edge'/>"
        '<div title="a style=\'x\'" data-style="y" style="display: table">'
        '<script>if (a<b style="x") f()</script><style>.a { color: red }</style>', styles)
    height = render.style_class("height:0.6833em", {})
    assert out == (
        '<span class="strut {h}"></span><i class="{h}"></i><td class="{r}">1</td><g class="label"></g>'
        '<path d=\'M0 0\' class="edge {s}"/><div title="a style=\'x\'" data-style="y" class="{t}">'
        '<script>if (a<b style="x") f()</script><style>.a {{ color: red }}</style>').format(
        h=height, r=render.style_class("text-align:right", {}), t=render.style_class("display:table", {}),
        s=render.style_class("stroke-width:1;stroke-dasharray:1, 0", {}))
    assert len(used) == len(styles) == 4
    assert styles[height] == "height:0.6833em"
    assert ".{}{{height:0.6833em!important}}\n".format(height) in render.style_sheet(styles)


def test_a_page_without_style_attributes_links_no_style_sheet(tmp_path):
    plain = "<html><head></head><body><table><tr><td>1</td></tr></table></body></html>"
    assert "render-styles.css" not in render.render_page(plain, "faq/", "faq.md", cache=tmp_path, styles={})


def test_a_formula_that_does_not_render_fails_the_build_with_page_and_formula(tmp_path):
    bad = '<p><span class="arithmatex">\\(x\\)</span> <span class="arithmatex">\\(\\frac{a}{\\)</span></p>'
    with pytest.raises(PluginError) as err:
        render.render_math(bad, "math/losses.md", cache=tmp_path)
    message = str(err.value)
    assert "math/losses.md" in message and "\\frac{a}{" in message and "KaTeX parse error" in message


def test_undefined_macro_fails_too(tmp_path):
    with pytest.raises(PluginError, match=r"\\notamacro"):
        render.render_formulas([("\\notamacro{x}", False)], "p.md", cache=tmp_path)


def test_formulas_are_cached_by_content_and_rendered_in_one_batch(tmp_path, monkeypatch):
    calls = []
    real_run = subprocess.run

    def counting_run(*args, **kwargs):
        calls.append(args[0])
        return real_run(*args, **kwargs)

    monkeypatch.setattr(render.subprocess, "run", counting_run)
    first = render.render_formulas([("x^2", False), ("y^2", True), ("z", False)], "p.md", cache=tmp_path)
    assert len(calls) == 1
    assert len(list((tmp_path / "katex").glob("*.html"))) == 3
    again = render.render_formulas([("y^2", True), ("x^2", False)], "p.md", cache=tmp_path)
    assert len(calls) == 1, "cached formulas must not start Node again"
    assert again == [first[1], first[0]]
    render.render_formulas([("x^2", True)], "p.md", cache=tmp_path)  # same TeX, display mode: another entry
    assert len(calls) == 2


DIAGRAM = """<div class="diagram-mermaid">flowchart LR
    A[&quot;输入&quot;] --&gt; B[&quot;输出&quot;]
</div>"""


def test_diagrams_become_light_and_dark_svg_with_unique_ids(tmp_path):
    try:
        out = render.render_diagrams(DIAGRAM + DIAGRAM, "concepts/x.md", cache=tmp_path)
        with pytest.raises(PluginError) as err:
            render.render_diagrams('<div class="diagram-mermaid">flowchart LR\n  A --&gt;\n</div>', "concepts/y.md",
                                   cache=tmp_path)
    finally:
        render.close()
    assert "concepts/y.md" in str(err.value) and "A -->" in str(err.value)
    assert out.count("<svg") == 4
    assert out.count('<div class="diagram-light">') == 2 and out.count('<div class="diagram-dark">') == 2
    assert out.count('role="img" aria-label="示意图：输入；输出"') == 2
    ids = re.findall(r'(?<![\w-])id="([^"]+)"', out)
    assert len(ids) == len(set(ids)) > 4
    for ref in re.findall(r'url\(#([^)]+)\)', out):
        assert ref in ids
    assert "<script" not in out
    for natural, least in re.findall(r'<svg [^>]*style="max-width: ([\d.]+)px; min-width: (\d+)px;', out):
        assert abs(float(least) - 0.55 * float(natural)) < 1
    assert len(re.findall(r"min-width", out)) == 4
    assert len(list((tmp_path / "mermaid").glob("*.svg"))) == 2  # one light, one dark; the copy came from cache


def test_table_header_cells_get_a_scope():
    out = render.table_scopes("<table><thead><tr><th>a</th><th style=\"x\">b</th></tr></thead>"
                              "<tbody><tr><th>r</th><td>1</td></tr></tbody></table>")
    assert out == ('<table><thead><tr><th scope="col">a</th><th scope="col" style="x">b</th></tr></thead>'
                   '<tbody><tr><th scope="row">r</th><td>1</td></tr></tbody></table>')


@pytest.mark.parametrize("title, slug", [("1 partial L", "s-1-partial-l"), ("3", "s-3"), ("Adam 优化器", "adam"),
                                         ("", "")])
def test_heading_ids_never_start_with_a_digit(title, slug):
    assert render.slugify(title, "-") == slug
