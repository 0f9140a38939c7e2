"""Every demo's controls are its Python session's declaration (names, labels, defaults, order); full-width numbers
typed with a Chinese input method are read as numbers; a bad value gets exactly Python's message."""
import importlib
from urllib.parse import parse_qs, urlencode, urlparse

import pytest

from demos.apps import InputError
from support import open_demo, wait_for_state

pytestmark = pytest.mark.browser

PAGES = {
    "activations": "math/activations/", "losses": "math/losses/", "optimizers": "math/optimizers/",
    "mnist-mlp": "math/backprop/", "regression": "training/loop/", "code": "training/loop/",
    "playground": "concepts/neural-networks/", "attention": "concepts/transformer/", "cnn": "concepts/cnn/",
    "rnn": "concepts/rnn/",
}
FULL_WIDTH = str.maketrans("0123456789.-+e", "０１２３４５６７８９．－＋ｅ")


def declaration(demo_id):
    return importlib.import_module("demos.apps." + demo_id.replace("-", "_")).SETTINGS


def controls(el):
    return el.evaluate("""el => [...el.querySelectorAll('.demo-controls .demo-field')].map(row => {
        const input = row.querySelector('input, select');
        return {name: input.name, label: row.querySelector('label').textContent, type: input.type,
                value: input.type === 'checkbox' ? input.checked : input.value};
    })""")


def runtime_ready(page, demo_id):
    """Wait for the runtime the demo started to download on sight (the code cell has a worker of its own), and for
    any other download to end: leaving earlier would abort their requests."""
    key = "pythonRuntimeCode" if demo_id == "code" else "pythonRuntime"
    page.wait_for_function("key => document.documentElement.dataset[key]", arg=key, timeout=180000)
    page.wait_for_load_state("networkidle", timeout=180000)


def same_default(field, shown):
    if field.kind == "number":
        return float(shown) == float(field.default)
    if field.kind == "flag":
        return shown is bool(field.default)
    return shown == str(field.default)


@pytest.mark.parametrize("demo_id", sorted(PAGES))
def test_controls_are_the_declaration_and_full_width_numbers_work(page, base_url, demo_id):
    settings = declaration(demo_id)
    el = open_demo(page, base_url, PAGES[demo_id], demo_id)
    shown = controls(el)
    assert [c["name"] for c in shown] == [f.name for f in settings.fields]
    for c, field in zip(shown, settings.fields):
        assert c["label"] == field.label, field.name
        assert same_default(field, c["value"]), (field.name, c["value"], field.default)

    # a bad value: the page refuses it before anything runs, with Python's own message
    numbers = [f for f, c in zip(settings.fields, shown) if f.kind == "number" and c["type"] == "text"]
    if numbers:
        field = numbers[0]
        with pytest.raises(InputError) as err:
            settings.read({field.name: "１ｅ９９９"})
        el.locator("[name={}]".format(field.name)).fill("１ｅ９９９")
        el.locator("[data-action=train]").click()
        assert el.get_attribute("data-state") == "error"
        assert el.locator(".demo-error").inner_text() == str(err.value)

    # every number typed in full-width digits (the defaults, as a Chinese input method types them) is accepted
    for field in numbers:
        el.locator("[name={}]".format(field.name)).fill(str(field.default).translate(FULL_WIDTH))
    el.locator("[data-action=train]").click()
    state = wait_for_state(el, {"running", "done", "error"}, timeout=180)
    assert state != "error", el.locator(".demo-error").inner_text()
    el.locator("[data-action=reset]").click()  # stops a run still going
    assert el.get_attribute("data-state") == "idle"


@pytest.mark.parametrize("demo_id", sorted(PAGES))
def test_settings_travel_in_a_link(page, base_url, demo_id):
    settings = declaration(demo_id)
    field = settings.fields[-1]
    # a value from a link that Python refuses gets Python's message in the page, before anything runs
    hostile = "９" * 5000 if field.kind != "flag" else "maybe"
    with pytest.raises(InputError) as err:
        field.read(hostile)
    el = open_demo(page, base_url + PAGES[demo_id] + "?" + urlencode({demo_id + "." + field.name: hostile}), "", demo_id)
    assert el.get_attribute("data-state") == "error"
    assert el.locator(".demo-error").inner_text() == "链接里的设置有误：" + str(err.value)
    runtime_ready(page, demo_id)

    # the share button's link carries every setting; opening it fills the controls the same way
    el = open_demo(page, base_url + PAGES[demo_id], "", demo_id)
    el.locator("[data-action=share]").click()
    box = el.locator("input.demo-share")
    box.wait_for(state="visible", timeout=5000)
    query = parse_qs(urlparse(box.input_value()).query, keep_blank_values=True)
    assert sorted(query) == sorted(demo_id + "." + f.name for f in settings.fields)
    before = controls(el)
    runtime_ready(page, demo_id)
    again = open_demo(page, box.input_value(), "", demo_id)
    assert controls(again) == before and again.get_attribute("data-state") == "idle"
    runtime_ready(page, demo_id)
