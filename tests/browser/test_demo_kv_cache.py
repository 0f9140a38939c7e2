"""The serving demo in the page: the same tokens with and without the KV cache, time per token against position,
and the cache's memory by the formula."""
import pytest

from support import open_demo, run_to_end, wait_for_state

pytestmark = pytest.mark.browser
PAGE = "llm/serving/"

PAINTED = """c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++; return n / (c.width * c.height); }"""


@pytest.fixture
def demo(page, base_url):
    return open_demo(page, base_url, PAGE, "kv-cache")


def test_same_tokens_with_and_without_the_cache(demo):
    demo.locator("[name=tokens]").fill("120")
    r = run_to_end(demo)
    assert r["same_tokens"] and r["tokens"] == 120 and len(r["text"]) == 120
    assert r["cache_bytes"] == 2 * r["layers"] * r["heads"] * r["head_dim"] * r["context"] * 4 == r["cache_bytes_measured"]
    # at the longest windows, recomputing every position costs more than reading the cache
    assert r["ms_last_quarter_no_cache"] > r["ms_last_quarter_cache"]
    info = demo.locator(".kv-info").inner_text()
    assert "完全相同" in info and "{:,}".format(r["cache_bytes"]) in info
    assert demo.locator("canvas").first.evaluate(PAINTED) > 0.005


def test_bad_input_is_explained(demo):
    demo.locator("[name=tokens]").fill("1000000")
    demo.locator("[data-action=train]").click()
    assert wait_for_state(demo, {"error", "done"}, timeout=180) == "error"
    assert "词元数" in demo.locator(".demo-error").inner_text()
