"""The digit recogniser downloads nothing heavy before the reader asks (first stroke, a key on the pad, a button),
asks first when the browser saves data, can be drawn on with the keyboard alone, and the page's confusion matrix
is an accessible table."""
import json
import re
from urllib.parse import urlparse

from support import wait_for_state

PAGE = "practice/digits/"
# What the demo may fetch before any interaction, beyond the page's own HTML, CSS, JS and fonts and the theme's
# search index: the model's metadata (a few KB) and the favicon.
LIGHT_BYTES = 300_000
HEAVY = ("/vendor/ort/", ".onnx", "heldout-digits.bin", ".wasm")


class Traffic:
    """Every request of a browser context and its size on the wire (headers + body, as transferred)."""

    def __init__(self, context):
        self.done = []
        self.started = []
        context.on("request", lambda r: self.started.append(r.url))
        context.on("requestfinished", self._finished)

    def _finished(self, request):
        sizes = request.sizes()
        self.done.append((request.url, request.resource_type, sizes["responseBodySize"] + sizes["responseHeadersSize"]))

    def heavy(self):
        return [u for u in self.started if any(h in urlparse(u).path for h in HEAVY)]

    def extra_bytes(self):
        """Bytes beyond the page's own document, style sheets, scripts and fonts and the search index."""
        return sum(n for url, kind, n in self.done if kind not in ("document", "stylesheet", "script", "font")
                   and not urlparse(url).path.endswith("/search/search_index.json"))

    def total_bytes(self):
        return sum(n for _, _, n in self.done)


def open_page(page, base_url):
    page.goto(base_url + PAGE)
    el = page.locator('[data-demo="digits"]')
    el.scroll_into_view_if_needed()
    el.locator("canvas.digits-pad").wait_for()
    return el


def draw_one(page, el):
    box = el.locator("canvas.digits-pad").bounding_box()
    page.mouse.move(box["x"] + 0.52 * box["width"], box["y"] + 0.12 * box["height"])
    page.mouse.down()
    page.mouse.move(box["x"] + 0.50 * box["width"], box["y"] + 0.88 * box["height"], steps=12)
    page.mouse.up()


def test_nothing_heavy_loads_before_the_first_stroke(context, page, base_url):
    traffic = Traffic(context)
    el = open_page(page, base_url)
    page.wait_for_timeout(3000)  # time for anything eager to start
    assert traffic.heavy() == []
    assert traffic.extra_bytes() < LIGHT_BYTES, traffic.done
    assert el.get_attribute("data-state") == "idle"
    # the gallery and batch buttons say how large the held-out set is before it downloads
    assert " MB" in el.locator(".digits-gallery-load").inner_text()
    assert " MB" in el.locator(".digits-batch-start").inner_text()

    page.evaluate("""() => { window.statusLog = [];
        const status = document.querySelector('[data-demo="digits"] .demo-status');
        new MutationObserver(() => window.statusLog.push(status.textContent))
            .observe(status, { childList: true, characterData: true, subtree: true }); }""")
    draw_one(page, el)  # the first stroke loads the runtime and the model, and the prediction appears
    assert wait_for_state(el, {"done", "error"}, 120) == "done", el.locator(".demo-error").inner_text()
    assert json.loads(el.get_attribute("data-result"))["digit"] == 1
    said = page.evaluate("() => window.statusLog")  # the download was announced with its size
    assert any(re.search(r"正在下载 ONNX Runtime（约 \d+ MB）", text) for text in said), said
    assert any("/vendor/ort/ort-wasm-simd-threaded.wasm" in u for u in traffic.started)
    # no GPU here: the WebGPU build and the held-out set stay on the server
    assert not any("asyncify" in u or "heldout-digits.bin" in u for u in traffic.started)

    el.locator(".digits-gallery-load").click()  # the held-out set only for the gallery
    el.locator(".digits-gallery button").first.wait_for(timeout=60000)
    assert any("heldout-digits.bin" in u for u in traffic.started)


def test_empty_pad_says_what_to_do_and_loads_nothing(context, page, base_url):
    traffic = Traffic(context)
    el = open_page(page, base_url)
    el.locator("[data-action=train]").click()  # 识别 with nothing written
    page.wait_for_timeout(500)
    assert "先在方框里写一个数字" in el.locator(".demo-status").inner_text()
    assert el.locator(".demo-status").is_visible()
    assert el.get_attribute("data-state") == "idle" and el.get_attribute("data-result") is None
    assert not el.locator(".demo-error").is_visible()
    assert traffic.heavy() == []


SAVE_DATA = """Object.defineProperty(Navigator.prototype, "connection", { configurable: true,
    get: () => ({ saveData: true, effectiveType: "4g", addEventListener() {}, removeEventListener() {} }) });"""


def test_save_data_waits_for_the_button_that_says_the_size(context, page, base_url):
    context.add_init_script(SAVE_DATA)
    traffic = Traffic(context)
    el = open_page(page, base_url)
    button = el.locator(".digits-download")
    assert button.is_visible()
    draw_one(page, el)  # drawing alone does not download in save-data mode
    page.wait_for_timeout(1500)
    assert traffic.heavy() == []
    assert el.get_attribute("data-state") == "idle"
    label = button.inner_text()
    assert "MB" in label and any(c.isdigit() for c in label)
    assert "省流量" in el.locator(".demo-status").inner_text()
    el.locator(".digits-batch-start").click()  # the batch waits for the same button
    page.wait_for_timeout(500)
    assert traffic.heavy() == []

    button.click()
    assert wait_for_state(el, {"done", "error"}, 120) == "done", el.locator(".demo-error").inner_text()
    assert json.loads(el.get_attribute("data-result"))["digit"] == 1
    assert traffic.heavy()


def test_a_digit_written_with_the_keyboard_alone_is_recognised(page, base_url):
    el = open_page(page, base_url)
    pad = el.locator("canvas.digits-pad")
    assert pad.get_attribute("tabindex") == "0"
    assert pad.get_attribute("role") == "application"
    label = pad.get_attribute("aria-label")
    assert "方向键" in label and "空格" in label and "Delete" in label
    el.locator(".demo-buttons button").last.focus()  # the pad comes next in the tab order
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.classList.contains('digits-pad')")
    assert el.locator(".digits-cursor").is_visible()
    for _ in range(8):
        page.keyboard.press("ArrowUp")
    page.keyboard.press("Space")  # pen down
    for _ in range(16):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")  # pen up: the final prediction
    assert wait_for_state(el, {"done", "error"}, 120) == "done", el.locator(".demo-error").inner_text()
    assert json.loads(el.get_attribute("data-result"))["digit"] == 1

    page.keyboard.press("Delete")
    assert el.get_attribute("data-state") == "idle" and el.get_attribute("data-result") is None

    # the gallery, by keyboard: Tab to its button, Enter loads it and lands on the first digit, Enter predicts it
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.classList.contains('digits-gallery-load')")
    page.keyboard.press("Enter")
    el.locator(".digits-gallery button").first.wait_for(timeout=60000)
    page.wait_for_function("() => document.activeElement.classList.contains('digits-thumb')")
    page.keyboard.press("Enter")
    assert wait_for_state(el, {"done", "error"}, 120) == "done"
    r = json.loads(el.get_attribute("data-result"))
    first = json.loads(el.locator(".digits-gallery").get_attribute("data-indices"))[0]
    assert r["index"] == first and r["digit"] == r["label"]


def test_the_confusion_matrix_is_an_accessible_table(page, base_url):
    page.goto(base_url + PAGE)
    table = page.locator(".digits-cm table")
    assert table.count() == 1
    assert "混淆矩阵" in table.locator("caption").text_content()
    assert table.locator("thead th[scope=col]").count() == 12
    assert table.locator("tbody th[scope=row]").count() == 10
    assert table.locator("th:not([scope])").count() == 0
    assert table.locator("[style]").count() == 0 and table.get_attribute("style") is None
    assert table.locator("td.digits-cm-hit").count() == 10
    # the narrow columns come from digits.css (the theme gives header cells a minimum width)
    page.wait_for_function("() => getComputedStyle(document.querySelector('.digits-cm th')).minWidth === '0px'")
