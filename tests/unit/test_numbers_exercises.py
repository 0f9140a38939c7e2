"""The exercises of the concept, training-loop and maths pages (build_tools/book_numbers/exercises.py),
recomputed independently with the standard library only: plain arithmetic, math.exp / math.log / math.tanh,
the chain rule and the optimiser updates written out by hand. A printed number passes when it is the
expected value rounded to the decimals it shows. The pages are checked too: each ends with an exercise
section of 3-5 items, every answer is collapsed, and the ex_ keys are exactly those of the module.
"""
import math
import os
import re

import pytest

from build_tools.book_numbers import exercises

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PAGES = {
    "nn": "concepts/neural-networks.md", "cnn": "concepts/cnn.md", "rnn": "concepts/rnn.md",
    "tf": "concepts/transformer.md", "pt": "concepts/pretraining.md", "loop": "training/loop.md",
    "act": "math/activations.md", "loss": "math/losses.md", "opt": "math/optimizers.md",
    "bp": "math/backprop.md", "cra": "math/cnn-rnn-attention.md",
}
KEY = re.compile(r"\{\{n:([A-Za-z0-9_]+)\}\}")
SCI = re.compile(r"^(-?\d+(?:\.\d+)?) \\times 10\^\{(-?\d+)\}$")
HEADING = "## 练习 {#exercises}"


def sig(x):
    return 1.0 / (1.0 + math.exp(-x))


def softmax(z):
    top = max(z)
    e = [math.exp(v - top) for v in z]
    return [v / sum(e) for v in e]


class Expected(dict):
    """key -> (kind, value, decimals) with kind 'dec', 'sci' or 'int' (thousands separators)."""

    def dec(self, key, value, decimals):
        self[key] = ("dec", float(value), decimals)

    def sci(self, key, value, decimals):
        self[key] = ("sci", float(value), decimals)

    def int(self, key, value):
        self[key] = ("int", int(round(value)), 0)

    def vec(self, prefix, values, decimals):
        for i, v in enumerate(values):
            self.dec("{}_{}".format(prefix, i + 1), v, decimals)


def expected_nn(e):
    z = 0.5 * 1 + (-0.4) * 3 + 0.2
    e.dec("ex_nn_wx1", 0.5 * 1, 1)
    e.dec("ex_nn_wx2", -0.4 * 3, 1)
    e.dec("ex_nn_z", z, 1)
    e.dec("ex_nn_relu", 0, 0)
    e.dec("ex_nn_sigmoid", sig(z), 4)
    e.int("ex_nn_layer1", 784 * 256 + 256)
    e.int("ex_nn_layer2", 256 * 128 + 128)
    e.int("ex_nn_layer3", 128 * 10 + 10)
    e.int("ex_nn_total", 784 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10)
    e.int("ex_nn_linear_params", 784 * 10 + 10)
    e.sci("ex_nn_llm_flops_token", 2 * 7e9, 1)
    e.sci("ex_nn_llm_flops_reply", 2 * 7e9 * 500, 1)


def expected_cnn(e):
    conv = 27 * 64 + 64
    dense = 32 * 32 * 3 * 64 + 64
    e.int("ex_cnn_conv_params", conv)
    e.int("ex_cnn_inputs", 32 * 32 * 3)
    e.int("ex_cnn_dense_params", dense)
    e.dec("ex_cnn_ratio", dense / conv, 0)
    e.dec("ex_cnn_conv_side", 32 - 5 + 1, 0)
    e.dec("ex_cnn_pool_side", (32 - 5 + 1) // 2, 0)
    e.dec("ex_cnn_big_side", 224 - 3 + 1, 0)
    e.int("ex_cnn_big_outputs", (224 - 3 + 1) ** 2 * 64)
    patches = (224 // 16) ** 2
    e.dec("ex_cnn_patches_side", 224 // 16, 0)
    e.dec("ex_cnn_patches", patches, 0)
    e.dec("ex_cnn_patch_values", 16 * 16 * 3, 0)
    e.int("ex_cnn_patch_scores", patches * patches)


def expected_rnn(e):
    c = 0.9 * 2 + 0.1 * -0.5
    e.dec("ex_rnn_keep", 0.9 * 2, 2)
    e.dec("ex_rnn_write", 0.1 * -0.5, 2)
    e.dec("ex_rnn_c", c, 2)
    e.dec("ex_rnn_tanh_c", math.tanh(c), 4)
    e.dec("ex_rnn_h", 0.5 * math.tanh(c), 4)
    e.dec("ex_rnn_f90", math.exp(20 * math.log(0.9)), 4)
    e.dec("ex_rnn_f99", math.exp(20 * math.log(0.99)), 4)
    e.sci("ex_rnn_plain", 1 / 2 ** 20, 1)
    block = 10 * 20 + 20 * 20 + 20
    e.int("ex_rnn_block", block)
    e.int("ex_rnn_lstm_params", 4 * block)
    e.int("ex_rnn_gru_params", 3 * block)


def expected_tf(e):
    s = [1 * 1 + 1 * 0, 1 * 0 + 1 * 2]
    scaled = [v / math.sqrt(2) for v in s]
    w = [1 / (1 + math.exp(scaled[1] - scaled[0]))]
    w.append(1 - w[0])
    e.vec("ex_tf_score", s, 0)
    e.dec("ex_tf_sqrt", math.sqrt(2), 4)
    e.vec("ex_tf_scaled", scaled, 4)
    e.vec("ex_tf_w", w, 4)
    e.dec("ex_tf_out_1", w[0], 4)
    e.dec("ex_tf_out_2", w[1], 4)
    raw, scaled1 = sig(8), sig(1)
    e.dec("ex_tf_raw_p", raw, 4)
    e.dec("ex_tf_raw_grad", raw * (1 - raw), 4)
    e.dec("ex_tf_scaled_p", scaled1, 4)
    e.dec("ex_tf_scaled_grad", scaled1 * (1 - scaled1), 4)
    e.dec("ex_tf_dk", 768 // 12, 0)
    e.int("ex_tf_proj_params", 4 * 768 * 768)
    e.int("ex_tf_scores", 8192 * 8192)
    e.dec("ex_tf_ratio", 8192 * 8192 / (2048 * 2048), 0)
    e.dec("ex_tf_mb", 8192 * 8192 * 2 / 1e6, 0)


def expected_pt(e):
    p = [0.9, 0.5, 0.2, 0.4]
    nll = [-math.log(v) for v in p]
    e.vec("ex_pt_nll", nll, 4)
    e.dec("ex_pt_nll_mean", sum(nll) / 4, 4)
    e.dec("ex_pt_ppl", (1 / (0.9 * 0.5 * 0.2 * 0.4)) ** 0.25, 4)  # perplexity = geometric mean of 1/p
    e.dec("ex_pt_uniform_loss", math.log(50000), 4)
    e.int("ex_pt_uniform_ppl", 1 / (1 / 50000))
    chosen = 128 * 15 / 100
    e.dec("ex_pt_chosen", chosen, 1)
    e.dec("ex_pt_masked", chosen * 8 / 10, 2)
    e.dec("ex_pt_random", chosen / 10, 2)
    e.dec("ex_pt_kept", chosen / 10, 2)
    for d in (768, 4096):
        e.int("ex_pt_full_{}".format(d), d * d)
        e.int("ex_pt_lora_{}".format(d), 16 * d)
        e.dec("ex_pt_share_{}".format(d), 16 / d * 100, 2)


def expected_loop(e):
    xs, ys = [1, 2, 3], [2, 4, 6]
    err = [1 * x + 0 - y for x, y in zip(xs, ys)]
    dw = 2 / 3 * sum(r * x for r, x in zip(err, xs))
    db = 2 / 3 * sum(err)
    w, b = 1 - 0.01 * dw, 0 - 0.01 * db
    steps = math.ceil(50000 / 32)
    e.dec("ex_loop_ratio", 50000 / 32, 1)
    e.int("ex_loop_steps", steps)
    e.dec("ex_loop_last", 50000 % 32, 0)
    e.int("ex_loop_total_steps", 10 * steps)
    e.vec("ex_loop_err", err, 0)
    e.dec("ex_loop_sq_sum", sum(r * r for r in err), 0)
    e.dec("ex_loop_loss", sum(r * r for r in err) / 3, 4)
    e.dec("ex_loop_dw", dw, 4)
    e.dec("ex_loop_db", db, 4)
    e.dec("ex_loop_w", w, 4)
    e.dec("ex_loop_b", b, 4)
    e.dec("ex_loop_loss_after", sum((w * x + b - y) ** 2 for x, y in zip(xs, ys)) / 3, 4)
    e.int("ex_loop_tokens_step", 512 * 2048)
    e.int("ex_loop_llm_steps", 3e11 / (512 * 2048))


def expected_act(e):
    s1, s5 = sig(-1), sig(5)
    e.dec("ex_act_sig_m1", s1, 4)
    e.dec("ex_act_dsig_m1", math.exp(-1) / (1 + math.exp(-1)) ** 2, 4)
    e.dec("ex_act_sig_5", s5, 4)
    e.dec("ex_act_dsig_5", math.exp(-5) / (1 + math.exp(-5)) ** 2, 4)
    e.dec("ex_act_dsig_ratio", 0.25 / (s5 * (1 - s5)), 0)
    e.dec("ex_act_sig_1", sig(1), 4)
    e.dec("ex_act_tanh", math.tanh(0.5), 4)
    e.dec("ex_act_dtanh", 1 / math.cosh(0.5) ** 2, 4)
    for name, t in (("cold", 0.5), ("hot", 2.0)):
        z = [2 / t, 1 / t, 0.1 / t]
        ez = [math.exp(v) for v in z]
        e.vec("ex_act_{}_z".format(name), z, 2)
        e.vec("ex_act_{}_p".format(name), [v / sum(ez) for v in ez], 4)
    e.vec("ex_act_big_p", [sig(1), sig(-1)], 4)


def expected_loss(e):
    d = [2.5 - 3, 0 - (-1)]
    e.vec("ex_loss_diff", d, 1)
    e.dec("ex_loss_mse", (d[0] ** 2 + d[1] ** 2) / 2, 3)
    e.vec("ex_loss_grad", [2 * v / 2 for v in d], 1)
    ez = [math.e, math.e ** 3, 1.0]
    p = [v / sum(ez) for v in ez]
    e.vec("ex_loss_p", p, 4)
    e.dec("ex_loss_ce", math.log(sum(ez)) - 3, 4)  # log-sum-exp minus the right logit
    e.vec("ex_loss_ce_grad", [p[0], p[1] - 1, p[2]], 4)
    q = sig(-2)
    e.dec("ex_loss_bce_p", q, 4)
    e.dec("ex_loss_bce", math.log(1 + math.exp(2)), 4)
    e.dec("ex_loss_bce_grad", q - 1, 4)
    e.dec("ex_loss_mse_grad", 2 * (q - 1) * q * (1 - q), 4)
    e.dec("ex_loss_grad_ratio", 1 / (2 * q * (1 - q)), 1)
    e.dec("ex_loss_bits", 2 / math.log(2), 4)
    e.dec("ex_loss_ppl", math.e ** 2, 4)


def expected_opt(e):
    # Adam, two steps, unrolled
    m1, v1 = 0.1 * -0.5, 0.001 * 0.25
    mh1, vh1 = m1 / 0.1, v1 / 0.001
    w1 = 2 - 0.01 * mh1 / (math.sqrt(vh1) + 1e-8)
    m2, v2 = 0.9 * m1 + 0.1 * -0.2, 0.999 * v1 + 0.001 * 0.04
    mh2, vh2 = m2 / (1 - 0.81), v2 / (1 - 0.999 * 0.999)
    w2 = w1 - 0.01 * mh2 / (math.sqrt(vh2) + 1e-8)
    for key, v, dgt in (("m1", m1, 4), ("v1", v1, 5), ("mhat1", mh1, 4), ("vhat1", vh1, 4),
                        ("sqrt_vhat1", math.sqrt(vh1), 4), ("w1", w1, 4), ("m2", m2, 3), ("v2", v2, 8),
                        ("mhat2", mh2, 4), ("vhat2", vh2, 4), ("sqrt_vhat2", math.sqrt(vh2), 4), ("w2", w2, 4)):
        e.dec("ex_opt_" + key, v, dgt)
    # momentum with g = 1: v_t = 1 + 0.9 + ... + 0.9^(t-1) = (1 - 0.9^t) / 0.1
    v = 0.0
    for t in (1, 2, 3):
        v = 0.9 * v + 1
        e.dec("ex_opt_vel{}".format(t), v, 2)
    e.dec("ex_opt_vel10", (1 - 0.9 ** 10) / 0.1, 4)
    e.dec("ex_opt_vel_limit", 1 / (1 - 0.9), 0)
    # gradient descent with lr = 1.1: w_t = 3 (1 - (-1.2)^t)
    e.dec("ex_opt_factor", 1 - 2 * 1.1, 1)
    for t in (1, 2, 3):
        e.dec("ex_opt_gd_w{}".format(t), 3 * (1 - (-1.2) ** t), 3)
    gb = 7e9 * 4 / 1e9
    e.dec("ex_opt_weights_gb", gb, 0)
    e.dec("ex_opt_state_gb", 2 * gb, 0)
    e.dec("ex_opt_total_gb", 4 * gb, 0)


def expected_bp(e):
    x, w, b, y = 2.0, 0.5, -0.5, 1.0
    z = w * x + b
    a = sig(z)
    da = 2 * (a - y)
    dz = da * a * (1 - a)
    nw, nb = w - dz * x, b - dz
    e.dec("ex_bp_z", z, 1)
    e.dec("ex_bp_a", a, 4)
    e.dec("ex_bp_loss", (a - y) ** 2, 4)
    e.dec("ex_bp_da", da, 4)
    e.dec("ex_bp_sp", a * (1 - a), 4)
    e.dec("ex_bp_dz", dz, 4)
    e.dec("ex_bp_dw", dz * x, 4)
    e.dec("ex_bp_db", dz, 4)
    e.dec("ex_bp_w_new", nw, 4)
    e.dec("ex_bp_b_new", nb, 4)
    e.dec("ex_bp_loss_new", (sig(nw * x + nb) - y) ** 2, 4)
    e.int("ex_bp_dw1_size", 784 * 128)
    e.int("ex_bp_dz1_size", 32 * 128)
    e.int("ex_bp_dx_size", 32 * 784)
    e.vec("ex_bp_relu_dz", [0.4 * (0.2 > 0), -0.6 * (-0.3 > 0)], 1)
    e.sci("ex_bp_forward", 2 * 7e9, 1)
    e.sci("ex_bp_train", 3 * 2 * 7e9, 1)


def expected_cra(e):
    side = (64 + 4 - 5) // 2 + 1
    e.dec("ex_cra_side", side, 0)
    e.int("ex_cra_outputs", side * side * 16)
    e.int("ex_cra_params", 5 * 5 * 3 * 16 + 16)
    h1 = math.tanh(0.5)
    h2 = math.tanh(-0.5 + 0.5 * h1)
    e.dec("ex_cra_h1", h1, 4)
    e.dec("ex_cra_pre2", -0.5 + 0.5 * h1, 4)
    e.dec("ex_cra_h2", h2, 4)
    e.dec("ex_cra_factor", 0.5 * (1 - h2 * h2), 4)
    r = 1 / math.sqrt(2)
    e.vec("ex_cra_sc", [r, r, r, 2 * r], 4)
    e.vec("ex_cra_full_a1", softmax([r, r]), 1)
    a21 = math.exp(r) / (math.exp(r) + math.exp(2 * r))
    e.vec("ex_cra_a", [1, 0, a21, 1 - a21], 4)
    e.vec("ex_cra_o", [1, 0, 1, 1 - a21], 4)  # rows of A times V = [[1, 0], [1, 1]]
    n = 1000
    cached, recomputed = n * (n + 1) // 2, n * (n + 1) * (2 * n + 1) // 6
    e.int("ex_cra_cached", cached)
    e.int("ex_cra_recomputed", recomputed)
    e.dec("ex_cra_ratio", recomputed / cached, 0)


def build_expected():
    e = Expected()
    for part in (expected_nn, expected_cnn, expected_rnn, expected_tf, expected_pt, expected_loop, expected_act,
                 expected_loss, expected_opt, expected_bp, expected_cra):
        part(e)
    return e


@pytest.fixture(scope="module")
def table():
    return exercises.numbers()


def decimals(text):
    return len(text.split(".")[1]) if "." in text else 0


def test_every_key_is_recomputed(table):
    expected = build_expected()
    assert set(table) == set(expected), (sorted(set(table) - set(expected)), sorted(set(expected) - set(table)))


def test_every_value_matches_its_recomputation(table):
    wrong = []
    for key, (kind, value, digits) in sorted(build_expected().items()):
        text = table[key]
        if kind == "int":
            ok = re.fullmatch(r"-?\d{1,3}(,\d{3})*", text) is not None and int(text.replace(",", "")) == value
        elif kind == "sci":
            m = SCI.match(text)
            ok = m is not None and decimals(m.group(1)) == digits
            if ok:
                mantissa, exponent = float(m.group(1)), int(m.group(2))
                ok = 1 <= abs(mantissa) < 10 and abs(mantissa * 10 ** exponent - value) <= 0.5000001 * 10 ** (exponent - digits)
        else:
            ok = (re.fullmatch(r"-?\d+(\.\d+)?", text) is not None and decimals(text) == digits
                  and abs(float(text) - value) <= 0.5000001 * 10 ** -digits)
        if not ok:
            wrong.append((key, text, value, digits))
    assert not wrong


def read(page):
    with open(os.path.join(ROOT, "docs", page), encoding="utf-8") as fh:
        return fh.read()


def split_exercises(text):
    """(body before the section, the section up to the trailing footnotes or references)."""
    assert text.count(HEADING) == 1
    body, rest = text.split(HEADING)
    section = re.split(r"^(?:\[\^\w+\]:|## )", rest, maxsplit=1, flags=re.M)[0]
    tail = rest[len(section):]
    assert all(re.match(r"^(?:\[\^\w+\]:.*|## 参考文献.*|- .*|)$", line) for line in tail.splitlines()), \
        "only footnotes or references may follow the exercises"
    return body, section


@pytest.mark.parametrize("short", sorted(PAGES))
def test_page_ends_with_three_to_five_exercises_with_collapsed_answers(short):
    _, section = split_exercises(read(PAGES[short]))
    items = re.findall(r"^(\d+)\. \S", section, flags=re.M)
    assert 3 <= len(items) <= 5
    assert items == [str(i + 1) for i in range(len(items))]
    answers = re.findall(r"^    \?\?\? success \"答案\"\n(?:        \S.*\n?)+", section, flags=re.M)
    assert len(answers) == len(items)
    # nothing but the numbered questions and their indented answers
    for line in section.splitlines():
        assert line == "" or re.match(r"^(\d+\. |    \?\?\? success \"答案\"$|        \S)", line), line


@pytest.mark.parametrize("short", sorted(PAGES))
def test_exercise_numbers_stay_in_the_exercises_of_their_page(short, table):
    body, section = split_exercises(read(PAGES[short]))
    assert not [k for k in KEY.findall(body) if k.startswith("ex_")]
    used = [k for k in KEY.findall(section) if k.startswith("ex_")]
    assert used, "the exercises print no computed number"
    assert all(k.startswith("ex_{}_".format(short)) for k in used), used
    assert all(k in table for k in used), [k for k in used if k not in table]


def test_every_exercise_number_is_printed(table):
    used = set()
    for page in PAGES.values():
        used |= set(KEY.findall(read(page)))
    assert not sorted(set(table) - used)


MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$", re.S)


def test_grouped_numbers_inside_formulas_are_wrapped_in_text(table):
    """KaTeX spaces a bare ',' in math like punctuation; \\text{93,322} keeps it a number."""
    bare = []
    for page in PAGES.values():
        for formula in MATH.findall(split_exercises(read(page))[1]):
            for wrapped, key in re.findall(r"(\\text\{)?\{\{n:([A-Za-z0-9_]+)\}\}", formula):
                if "," in table.get(key, "") and not wrapped:
                    bare.append((page, key))
    assert not bare
