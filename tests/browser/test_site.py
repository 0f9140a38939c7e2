"""Every page of the built site in headless Chromium: it opens cleanly, its formulas and diagrams arrive rendered."""
import pytest

from support import nav_pages

pytestmark = pytest.mark.browser

PAGES = nav_pages()


@pytest.mark.parametrize("path", PAGES)
def test_page_renders(page, base_url, path):
    scripts = []
    page.on("request", lambda r: r.resource_type == "script" and scripts.append(r.url))
    page.goto(base_url + path, wait_until="load")
    page.wait_for_function("() => [...document.querySelectorAll('[data-demo]')].every(n => n.dataset.state)",
                           timeout=30000)
    # Formulas and diagrams arrive rendered: no formula or diagram code is sent to the reader.
    assert not [u for u in scripts if "katex" in u or "mermaid" in u], scripts
    math = page.locator(".arithmatex")
    katex_css = page.locator('link[rel=stylesheet][href$="katex.min.css"]')
    if math.count():
        assert page.locator(".arithmatex .katex").count() == math.count()
        assert page.locator(".katex-error").count() == 0, "KaTeX could not parse a formula"
        assert katex_css.count() == 1
        # the browser loads a font only for text it shows: formulas only inside closed answers need none yet
        if page.locator(".arithmatex .katex-html:visible").count():
            assert page.evaluate("""async () => { await document.fonts.ready;
                return [...document.fonts].some(f => f.family.replace(/"/g, "") === "KaTeX_Main" && f.status === "loaded"); }""")
    else:
        assert katex_css.count() == 0, "a page without formulas links the KaTeX style sheet"
    for diagram in page.locator(".diagram-mermaid").all():
        assert diagram.get_attribute("role") == "img" and diagram.get_attribute("aria-label")
        assert diagram.locator(".diagram-light svg").count() == 1 and diagram.locator(".diagram-dark svg").count() == 1
        assert diagram.locator(".diagram-light svg").is_visible() and not diagram.locator(".diagram-dark svg").is_visible()
    ids = page.evaluate("() => [...document.querySelectorAll('[id]')].map(e => e.id)")
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    assert not [i for i in ids if i[:1].isdigit() or ":" in i], "an id starting with a digit or with a colon"
    # Markup html-validate objects to: empty code-line anchors, header cells without scope, empty tabindex.
    assert page.locator("a[id^=__codelineno]").count() == 0
    assert page.locator("article th:not([scope])").count() == 0
    assert page.locator('[tabindex=""]').count() == 0
    toc = page.locator(".md-sidebar--secondary").inner_text()
    assert "\\(" not in toc, "raw TeX left in the table of contents"
    # All of the article's text, also of blocks the browser has not laid out yet (content-visibility), but not the TeX
    # source KaTeX keeps in its MathML annotations.
    text = page.evaluate("""() => { const a = document.querySelector('article').cloneNode(true);
        a.querySelectorAll('annotation').forEach(n => n.remove()); return a.textContent; }""")
    assert "$$" not in text and "\\[" not in text and "\\(" not in text
    assert "{{n:" not in text and "::demo[" not in text
    for demo in page.locator("[data-demo]").all():
        assert demo.get_attribute("data-state") == "idle", demo.get_attribute("data-demo")


def test_dark_scheme_shows_the_dark_diagrams(browser, base_url):
    context = browser.new_context(color_scheme="dark")
    try:
        page = context.new_page()
        page.goto(base_url + "training/loop/")
        assert page.locator("body").get_attribute("data-md-color-scheme") == "slate"
        diagram = page.locator(".diagram-mermaid").first
        assert diagram.locator(".diagram-dark svg").is_visible()
        assert not diagram.locator(".diagram-light svg").is_visible()
    finally:
        context.close()


def test_search_dialog_has_an_accessible_name(page, base_url):
    page.goto(base_url)
    assert page.locator('.md-search[role="dialog"]').get_attribute("aria-label")
    assert page.locator(".md-search__input").get_attribute("aria-label")


def test_search_index_loads_when_the_reader_turns_to_search(page, base_url):
    urls = []
    page.on("request", lambda r: urls.append(r.url))
    page.goto(base_url + "math/losses/")
    page.wait_for_load_state("networkidle")
    assert not [u for u in urls if "search_index" in u], "search index fetched before the reader asked for it"
    page.locator(".md-search__input").focus()
    page.wait_for_function("() => performance.getEntriesByType('resource').some(e => e.name.includes('search_index'))")
    # Then the search worker loads its language scripts and says it is ready.
    page.wait_for_function("() => { const t = document.querySelector('.md-search-result__meta').textContent; return t && !t.includes('初始化'); }")
    page.wait_for_load_state("networkidle")
    # A link that carries a search (Material's ?h= highlight) needs the index at once.
    urls.clear()
    page.goto(base_url + "math/losses/?h=损失")
    page.wait_for_load_state("networkidle")
    assert [u for u in urls if "search_index" in u]


def test_search_finds_chinese_words(page, base_url):
    page.goto(base_url)
    page.locator("label.md-search__icon, .md-search__input").first.click()
    # Playwright types CJK text as inserted text without key events, and Material's search listens for keys:
    # end with a real key press, as an input method does. The index is built in a worker: retry while it loads.
    results = page.locator(".md-search-result__item")
    for _ in range(6):
        page.locator(".md-search__input").fill("神经网络")
        page.keyboard.press("Space")
        page.keyboard.press("Backspace")
        try:
            results.first.wait_for(timeout=10000)
            break
        except Exception:
            continue
    assert results.count() > 0
    assert "神经网络" in page.locator(".md-search-result").inner_text()


def test_pages_without_demos_download_no_runtime(context, base_url):
    page = context.guard.watch(context.new_page())
    urls = []
    page.on("request", lambda r: urls.append(r.url))
    page.goto(base_url)
    page.wait_for_timeout(1500)
    assert not [u for u in urls if "/vendor/pyodide" in u or "/vendor/ort/" in u]
    context.guard.check()
