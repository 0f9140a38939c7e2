"""Every demo's settings are declared once: Python's Settings.read and the page's settings.js read any typed text
to the same value or refuse it with the same message (settings.js runs in Node here)."""
import importlib
import json
import pkgutil
import shutil
import subprocess
from pathlib import Path

import pytest

import demos.apps
from demos.apps import InputError
from demos.apps.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
SETTINGS_JS = ROOT / "docs" / "assets" / "js" / "settings.js"

HOSTILE = ["", " ", "abc", "NaN", "nan", "inf", "Infinity", "-Infinity", "1e999", "-1e999", "-1", "0", "0.5", "1",
           "2.5", "1e-7", "+3", ".5", "5.", "0x10", "1_000", "1,5", " 12 ", "x" * 10000, "９" * 10000,
           "０.０１", "－１", "１ｅ－３", "3。5", "１２", "０", "\u3000７\u3000", "−2", "true", "on", "false", "0.5.5",
           "٣", "²", "spiral", "１", "0.999999", "100000", "100001", "2147483647", "2147483648", "16-16", "8-8-8-8-8"]


def declarations():
    """(module name, SETTINGS) of every demo session that declares its settings."""
    out = []
    for info in pkgutil.iter_modules(demos.apps.__path__):
        settings = getattr(importlib.import_module("demos.apps." + info.name), "SETTINGS", None)
        if isinstance(settings, Settings):
            out.append((info.name, settings))
    return out


DECLARED = declarations()


def test_every_demo_page_with_a_session_declares_its_settings():
    names = {name for name, _ in DECLARED}
    assert {"activations", "attention", "cnn", "code", "losses", "mnist_mlp", "optimizers", "playground",
            "regression", "rnn"} <= names


def python_reading(field, raw):
    try:
        value = field.read(raw)
    except InputError as err:
        return ["error", str(err)]
    return ["ok", float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value]


NODE_READER = """
import { readField } from %s;
let input = "";
process.stdin.on("data", (d) => { input += d; });
process.stdin.on("end", () => {
  const out = JSON.parse(input).map(([field, raw]) => {
    try { return ["ok", readField(field, raw)]; } catch (err) { return ["error", err.message]; }
  });
  process.stdout.write(JSON.stringify(out));
});
"""


def node_readings(cases):
    script = NODE_READER % json.dumps(SETTINGS_JS.as_uri())
    done = subprocess.run(["node", "--input-type=module", "-e", script], input=json.dumps(cases),
                          capture_output=True, text=True, check=True, timeout=60)
    return json.loads(done.stdout)


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js")
@pytest.mark.parametrize("name, settings", DECLARED, ids=[n for n, _ in DECLARED])
def test_page_and_python_read_hostile_input_alike(name, settings):
    cases, expected = [], []
    for field in settings.fields:
        values = HOSTILE + [str(field.default)] + [v for v, _ in getattr(field, "options", [])]
        for raw in values:
            cases.append([field.spec(), raw])
            expected.append(python_reading(field, raw))
    got = node_readings(cases)
    differ = [(spec["name"], raw[:20], want, have) for (spec, raw), want, have in zip(cases, expected, got) if have != want]
    assert not differ, differ[:5]
    # and the cases are not all alike: both sides accept some values and refuse others
    assert {e[0] for e in expected} == {"ok", "error"}


def test_full_width_numbers_are_numbers_and_long_values_are_shortened():
    from demos.apps.regression import SETTINGS

    assert SETTINGS.read({"lr": "０.０５", "epochs": "１２０", "seed": "３"}) == {"lr": 0.05, "epochs": 120, "hidden": 10,
                                                                              "seed": 3}
    assert SETTINGS.read({"lr": "１ｅ－３"})["lr"] == 0.001
    assert SETTINGS.read({"lr": "0。5"})["lr"] == 0.5
    with pytest.raises(InputError) as err:
        SETTINGS.read({"lr": "x" * 10000})
    assert len(str(err.value)) < 80 and "…" in str(err.value)
