"""Every page of the built site in headless Chromium: it opens cleanly, its formulas and diagrams render."""
import pytest

from support import nav_pages

pytestmark = pytest.mark.browser

PAGES = nav_pages()


@pytest.mark.parametrize("path", PAGES)
def test_page_renders(page, base_url, path):
    page.goto(base_url + path, wait_until="load")
    page.wait_for_function(
        """() => [...document.querySelectorAll('.arithmatex')].every(n => n.dataset.rendered)
             && [...document.querySelectorAll('.diagram-mermaid')].every(n => n.dataset.rendered)
             && [...document.querySelectorAll('[data-demo]')].every(n => n.dataset.state)""",
        timeout=30000)
    math = page.locator(".arithmatex")
    if math.count():
        assert page.locator(".arithmatex .katex").count() == math.count()
        assert page.locator(".katex-error").count() == 0, "KaTeX could not parse a formula"
    for diagram in page.locator(".diagram-mermaid").all():
        assert diagram.locator("svg").count() == 1
    toc = page.locator(".md-sidebar--secondary").inner_text()
    assert "\\(" not in toc, "raw TeX left in the table of contents"
    text = page.locator("article").inner_text()
    assert "$$" not in text and "\\[" not in text and "{{n:" not in text and "::demo[" not in text
    for demo in page.locator("[data-demo]").all():
        assert demo.get_attribute("data-state") == "idle", demo.get_attribute("data-demo")


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
