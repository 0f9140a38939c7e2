"""The losses demo's session: three losses and their gradients with respect to the logit, against the formulas."""
import math

import pytest

from demos.apps import InputError, run
from demos.apps.losses import Session


def sigmoid(z):
    return 1 / (1 + math.exp(-z))


def expected(z, y, classes):
    """(L, dL/dz) per loss, written out independently of demos.losses."""
    p = sigmoid(z)
    mse = ((p - y) ** 2, 2 * (p - y) * p * (1 - p))
    bce = (math.log1p(math.exp(-abs(z))) + max(z, 0) - z * y, p - y)
    log_sum = math.log(math.exp(z) + classes - 1)
    p0 = math.exp(z) / (math.exp(z) + classes - 1)
    ce = (log_sum - z, p0 - 1) if y == 1 else (log_sum, p0)  # true class 0 if y = 1, else class 1 (logit 0)
    return {"mse": mse, "bce": bce, "softmax_ce": ce}


@pytest.mark.parametrize("z, y, classes", [(-6.0, 1, 3), (-1.5, 1, 2), (0.0, 0, 3), (4.25, 0, 5), (7.5, 1, 10)])
def test_result_matches_the_formulas(z, y, classes):
    reply, _ = run("losses", {"z": z, "target": str(y), "classes": classes})
    assert reply["state"] == "done"
    result = reply["result"]
    assert result["p"] == pytest.approx(sigmoid(z), rel=1e-12)
    for name, (loss, grad) in expected(z, y, classes).items():
        assert result["values"][name] == pytest.approx([loss, grad], rel=1e-9, abs=1e-12), name


def curves(target, classes=3):
    _, updates = run("losses", {"target": target, "classes": classes}, slice_seconds=0.01)
    z, p, out = [], [], {"mse": {"loss": [], "grad": []}, "bce": {"loss": [], "grad": []},
                         "softmax_ce": {"loss": [], "grad": []}}
    for u in updates:
        assert u["first"] == len(z)  # the chunks join up without gaps
        z += u["z"]
        p += u["p"]
        for name in out:
            for key in ("loss", "grad"):
                out[name][key] += u["curves"][name][key]
    return z, p, out


def test_curves_cover_the_grid_and_match_the_formulas():
    z, p, out = curves("1")
    assert len(z) == 321 and z[0] == -8.0 and z[-1] == 8.0
    for i in range(0, len(z), 7):
        assert p[i] == pytest.approx(sigmoid(z[i]), abs=1e-6)
        for name, (loss, grad) in expected(z[i], 1, 3).items():
            assert out[name]["loss"][i] == pytest.approx(loss, abs=1e-5)
            assert out[name]["grad"][i] == pytest.approx(grad, abs=1e-5)


@pytest.mark.parametrize("target, wrong_end", [("1", 0), ("0", -1)])
def test_cross_entropy_keeps_pushing_when_confidently_wrong(target, wrong_end):
    """The demo's one point: at the confidently wrong end CE's gradient is about 1 in size, MSE's almost 0."""
    z, _, out = curves(target)
    i = wrong_end if wrong_end == 0 else len(z) - 1
    assert abs(out["bce"]["grad"][i]) > 0.99
    assert abs(out["softmax_ce"]["grad"][i]) > 0.99
    assert abs(out["mse"]["grad"][i]) < 0.002
    # and MSE's push is largest in the middle, then dies away towards the wrong end
    peak = max(range(len(z)), key=lambda k: abs(out["mse"]["grad"][k]))
    assert abs(z[peak]) < 2
    assert abs(out["mse"]["grad"][peak]) > 50 * abs(out["mse"]["grad"][i])


def test_two_class_softmax_is_binary_cross_entropy():
    reply, _ = run("losses", {"z": 2.3, "target": "0", "classes": 2})
    values = reply["result"]["values"]
    assert values["softmax_ce"] == pytest.approx(values["bce"], rel=1e-9)


@pytest.mark.parametrize("params, words", [
    ({"target": "2"}, "真实标签"), ({"classes": 1}, "类别数"), ({"classes": 2.5}, "整数"),
    ({"classes": 1e9}, "类别数"), ({"z": "NaN"}, "数字"), ({"z": 9}, "之间")])
def test_bad_input_is_explained(params, words):
    with pytest.raises(InputError) as err:
        Session(params)
    assert words in str(err.value)


def test_target_accepts_numbers_as_well_as_strings():
    a, _ = run("losses", {"z": 1.0, "target": 0})
    b, _ = run("losses", {"z": 1.0, "target": "0"})
    assert a["result"]["values"] == b["result"]["values"]
    assert a["result"]["target"] == 0
