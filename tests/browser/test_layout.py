"""Layout on a phone: no page scrolls sideways at 375 px, nothing jumps while the page and its fonts load, and the
colours the book sets are readable (WCAG contrast 4.5:1) with links told apart by more than colour."""
import pytest

from support import nav_pages

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 375, "height": 812}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
# The phone Lighthouse's mobile preset emulates (a Moto G Power): 37 px wider, so less text above a demo.
LIGHTHOUSE_PHONE = {"viewport": {"width": 412, "height": 823}, "device_scale_factor": 1.75, "is_mobile": True,
                    "has_touch": True}


@pytest.fixture
def phone(browser):
    context = browser.new_context(**PHONE)
    yield context
    context.close()


@pytest.mark.parametrize("path", nav_pages())
def test_no_sideways_scrolling_at_375px(phone, base_url, path):
    page = phone.new_page()
    page.goto(base_url + path, wait_until="load")
    page.evaluate("() => document.fonts.ready")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    if width > 375:
        culprits = page.evaluate("""() => [...document.body.querySelectorAll('*')].filter(e =>
            e.getBoundingClientRect().right > 376 && e.parentElement.getBoundingClientRect().right <= 376)
            .slice(0, 5).map(e => e.tagName.toLowerCase() + '.' + e.className)""")
        pytest.fail("{} is {} px wide at 375 px: {}".format(path or "/", width, culprits))


CLS = """
window.__cls = 0;
window.__shifted = [];
new PerformanceObserver(list => {
  for (const e of list.getEntries()) if (!e.hadRecentInput) {
    window.__cls += e.value;
    for (const s of e.sources) if (s.node) window.__shifted.push(s.node.nodeName + " " + (s.node.textContent || "").slice(0, 20));
  }
}).observe({type: "layout-shift", buffered: true});
"""


@pytest.mark.parametrize("device", [PHONE, LIGHTHOUSE_PHONE], ids=["375px", "412px"])
@pytest.mark.parametrize("path", ["", "math/losses/", "practice/digits/", "concepts/rnn/", "llm/architecture/",
                                  "math/cnn-rnn-attention/"])
def test_no_layout_shift_while_loading(browser, base_url, path, device):
    context = browser.new_context(**device)
    try:
        page = context.new_page()
        # A mid-range phone's CPU, as Lighthouse's mobile audit assumes: late work in the page shows up as shifts.
        context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": 4})
        page.add_init_script(CLS)
        page.goto(base_url + path, wait_until="load")
        page.evaluate("() => document.fonts.ready")
        page.wait_for_timeout(1500)
        cls, shifted = page.evaluate("() => [window.__cls, window.__shifted]")
        assert cls < 0.05, "cumulative layout shift {:.3f} on {}: {}".format(cls, path, shifted)
    finally:
        context.close()


def test_long_chapters_lay_out_only_what_is_near_the_screen(page, base_url):
    page.goto(base_url + "math/cnn-rnn-attention/")
    blocks = page.evaluate("""() => [...document.querySelector('.md-content__inner').children].map(e =>
        [e.tagName.toLowerCase(), e.classList.contains('demo'), getComputedStyle(e).contentVisibility])""")
    assert len(blocks) > 50
    assert all(visibility == "visible" for _, _, visibility in blocks[:19])  # the first screens: always laid out
    later = blocks[19:]
    assert all(visibility == "visible" for tag, demo, visibility in later if demo or tag in ("h2", "h3", "h4"))
    skipped = [b for b in later if b[2] == "auto"]
    assert len(skipped) > 0.8 * len(later)


CONTRAST = """(selector) => {
  const rgba = (s) => { const v = s.match(/[\\d.]+/g).map(Number); return [v[0], v[1], v[2], v.length > 3 ? v[3] : 1]; };
  const over = (top, bottom) => top.slice(0, 3).map((c, i) => c * top[3] + bottom[i] * (1 - top[3])).concat(1);
  const el = document.querySelector(selector);
  const layers = [];
  for (let n = el; n; n = n.parentElement) {
    const bg = rgba(getComputedStyle(n).backgroundColor);
    if (bg[3] > 0) layers.push(bg);
    if (bg[3] === 1) break;
  }
  let bg = [255, 255, 255, 1];
  for (const layer of layers.reverse()) bg = over(layer, bg);
  const fg = over(rgba(getComputedStyle(el).color), bg);
  const lum = (c) => { const [r, g, b] = c.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
                       return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}"""


# The controls of a demo as demo-kit.js builds them, styled by the book's CSS (book.css).
DEMO_MARKUP = """() => document.querySelector("article").insertAdjacentHTML("afterbegin",
  '<div class="demo"><div class="demo-field"><label>学习率</label><input></div><div class="demo-status">就绪</div></div>')"""


def assert_readable(browser, url, scheme, selectors, prepare=None):
    """Each selector's text is at WCAG AA contrast (4.5:1) on its background in the page at ``url``, in ``scheme``;
    ``prepare`` is evaluated in the page first."""
    context = browser.new_context(color_scheme=scheme)
    try:
        page = context.new_page()
        page.goto(url)
        if prepare:
            page.evaluate(prepare)
        for selector in selectors:
            ratio = page.evaluate(CONTRAST, selector)
            assert ratio >= 4.5, "{} contrast {:.2f}:1 in the {} scheme".format(selector, ratio, scheme)
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_demo_labels_and_status_are_readable(browser, base_url, scheme):
    assert_readable(browser, base_url + "faq/", scheme, (".demo-field label", ".demo-status"), prepare=DEMO_MARKUP)


def test_links_in_prose_are_underlined(page, base_url):
    page.goto(base_url + "concepts/neural-networks/")
    decorations = page.evaluate("""() => [...document.querySelectorAll('.md-typeset p a:not(.footnote-ref):not(.footnote-backref)')]
        .map(a => getComputedStyle(a).textDecorationLine)""")
    assert decorations and all("underline" in d for d in decorations), decorations
    assert "underline" not in page.evaluate(
        "() => getComputedStyle(document.querySelector('.md-typeset .headerlink')).textDecorationLine")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_code_comments_and_operators_are_readable(browser, base_url, scheme):
    # comment, operator, operator word, punctuation: the tokens the theme paints in its light grey
    assert_readable(browser, base_url + "practice/code/", scheme,
                    (".highlight .c1", ".highlight .o", ".highlight .ow", ".highlight .p"))
