"""The numbers of llm/tokens.md, llm/language-modeling.md and llm/architecture.md, recomputed independently.

Everything here uses the standard library only (plain loops, math, struct for float32) and a different
route where one exists: BPE by string replacement, perplexity as a geometric mean, the 2-D rotation as a
complex multiplication, the Llama parameter count from the tensor shapes of the checkpoint, online softmax
checked against the ordinary two-pass softmax.
"""
import cmath
import math
import os
import re
import struct

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from build_tools.book_numbers import llm_text

PAGES = {"tokp_": "llm/tokens.md", "lm_": "llm/language-modeling.md", "arch_": "llm/architecture.md"}
KEY = re.compile(r"\{\{n:([A-Za-z0-9_]+)\}\}")
SCI = re.compile(r"^(-?\d+(?:\.\d+)?) \\times 10\^\{(-?\d+)\}$")


def softmax(z):
    top = max(z)
    e = [math.exp(v - top) for v in z]
    return [v / sum(e) for v in e]


class Expected(dict):
    def dec(self, key, value, decimals):
        self[key] = ("dec", float(value), decimals)

    def sci(self, key, value, decimals):
        self[key] = ("sci", float(value), decimals)

    def int(self, key, value):
        self[key] = ("int", int(round(value)), 0)

    def text(self, key, value):
        self[key] = ("text", value, 0)

    def vec(self, prefix, values, decimals):
        for i, v in enumerate(values):
            self.dec("{}_{}".format(prefix, i + 1), v, decimals)


# Llama 3.1 8B tensor shapes as listed for the published checkpoint (GGUF metadata of the 8B model:
# token_embd [4096, 128256], attn_q [4096, 4096], attn_k/v [4096, 1024], attn_output [4096, 4096],
# ffn_gate/up [4096, 14336], ffn_down [14336, 4096], two norms [4096]; 32 blocks; untied output).
LLAMA_SHAPES_PER_BLOCK = [(4096, 4096), (4096, 1024), (4096, 1024), (4096, 4096),
                          (4096, 14336), (4096, 14336), (14336, 4096), (4096,), (4096,)]
LLAMA_BLOCKS = 32
LLAMA_EMBED = (4096, 128256)


def size(shape):
    n = 1
    for s in shape:
        n *= s
    return n


def expected_tokens(e):
    # BPE by repeated string replacement on space-separated symbols.
    corpus = {"l o w _": 5, "l o w e r _": 2, "n e w e s t _": 6, "w i d e s t _": 3}
    for w, f in (("low", 5), ("lower", 2), ("newest", 6), ("widest", 3)):
        e.int("tokp_f_" + w, f)
    e.int("tokp_words_total", 16)
    e.int("tokp_ex_embed", 128256 * 768)
    e.dec("tokp_ex_ratio", 128256 / 50257, 2)
    e.int("tokp_ex_lower", 4)
    e.int("tokp_ex_we", 4 + 6)
    e.text("tokp_ex_first", "w + e")  # 10 > 9, the count of e s
    e.int("tokp_start_tokens", sum(len(w.split()) * f for w, f in corpus.items()))
    e.int("tokp_start_symbols", len(set("lowernstid")) + 1)
    e.int("tokp_merges", 4)
    e.int("tokp_count_es", 6 + 3)
    e.int("tokp_count_lo", 5 + 2)
    e.int("tokp_count_we", 2 + 6)
    words = dict(corpus)
    for step in range(1, 5):
        counts = {}
        for w, f in words.items():
            s = w.split()
            for a, b in zip(s, s[1:]):
                counts[(a, b)] = counts.get((a, b), 0) + f
        best = max(counts.values())
        a, b = next(p for p, c in counts.items() if c == best)
        pattern = re.compile(r"(?<!\S)" + re.escape(a) + " " + re.escape(b) + r"(?!\S)")
        words = {pattern.sub(a + b, w): f for w, f in words.items()}
        e.text("tokp_m{}_pair".format(step), "{} + {}".format(a, b))
        e.text("tokp_m{}_new".format(step), a + b)
        e.int("tokp_m{}_count".format(step), best)
        e.int("tokp_m{}_tokens".format(step), sum(len(w.split()) * f for w, f in words.items()))
    end = sum(len(w.split()) * f for w, f in words.items())
    e.int("tokp_end_tokens", end)
    e.dec("tokp_ratio", 95 / end, 2)
    for w, final in zip(("low", "lower", "newest", "widest"), words):
        e.text("tokp_final_" + w, final)
    # "lowest": l o -> lo, e s -> es, es t -> est, est _ -> est_ (applied in the learned order: es, est, est_, lo)
    e.text("tokp_new_word", "lowest")
    e.text("tokp_new_split", "lo w est_")
    # Unigram: Viterbi over the word instead of listing the cuts.
    vocab = {"大": 0.04, "模": 0.01, "型": 0.01, "模型": 0.03, "大模型": 0.0005}
    word = "大模型"
    best = [(1.0, [])] + [(0.0, None)] * len(word)
    for end in range(1, len(word) + 1):
        for start in range(end):
            piece = word[start:end]
            if piece in vocab and best[start][1] is not None and best[start][0] * vocab[piece] > best[end][0]:
                best[end] = (best[start][0] * vocab[piece], best[start][1] + [piece])
    e.text("tokp_uni_best", " / ".join(best[-1][1]))
    for i, (cut, p) in enumerate(((["大", "模", "型"], 0.04 * 0.01 * 0.01), (["大", "模型"], 0.04 * 0.03),
                                  (["大模型"], 0.0005)), start=1):
        e.text("tokp_uni_cut{}".format(i), " / ".join(cut))
        e.sci("tokp_uni_p{}".format(i), p, 1)
    for key, p, digits in (("da", 0.04, 2), ("mo", 0.01, 2), ("xing", 0.01, 2), ("moxing", 0.03, 2),
                           ("damoxing", 0.0005, 4)):
        e.dec("tokp_uni_" + key, p, digits)
    e.text("tokp_han_char", "模")
    e.int("tokp_han_bytes", len(bytes("模", "utf-8")))
    e.text("tokp_han_hex", "E6 A8 A1")  # U+6A21 = 0110 1010 0010 0001 -> 1110 0110, 10 101000, 10 100001
    e.int("tokp_ascii_bytes", 1)
    e.int("tokp_byte_vocab", 2 ** 8)
    e.int("tokp_gpt2_vocab", 50257)
    e.int("tokp_gpt2_d", 768)
    e.int("tokp_gpt2_embed", 50257 * 768)
    e.int("tokp_llama_vocab", 128256)
    e.int("tokp_llama_d", 4096)
    e.int("tokp_llama_embed", size(LLAMA_EMBED))
    e.int("tokp_llama_embed_both", 2 * size(LLAMA_EMBED))
    total = llama_total_from_shapes()
    e.dec("tokp_llama_embed_share", 2 * size(LLAMA_EMBED) / total * 100, 1)
    e.dec("tokp_llama_embed_gb", 2 * size(LLAMA_EMBED) * 2 / 1e9, 2)
    e.int("tokp_llama_bos", 128000)
    e.int("tokp_llama_special_slots", 128256 - 128000)
    e.int("tokp_cost_chars", 1000)
    e.int("tokp_cost_tokens_byte", 3000)
    e.int("tokp_context", 8192)
    e.int("tokp_context_chars_byte", 8192 // 3)
    e.int("tokp_price", 1)
    e.int("tokp_million_chars_byte", 3)
    e.int("tokp_million_chars_one", 1)
    e.int("tokp_attn_ratio", 9)


def llama_total_from_shapes():
    return 2 * size(LLAMA_EMBED) + LLAMA_BLOCKS * sum(size(s) for s in LLAMA_SHAPES_PER_BLOCK) + 4096


def expected_lm(e):
    p = [0.2, 0.5, 0.6]
    e.vec("lm_chain_p", p, 1)
    e.vec("lm_chain_nll", [math.log(1 / x) for x in p], 4)
    joint = p[0] * p[1] * p[2]
    e.dec("lm_chain_joint", joint, 2)
    e.dec("lm_chain_nll_sum", -math.log(joint), 4)
    e.dec("lm_chain_nll_mean", -math.log(joint) / 3, 4)
    e.dec("lm_chain_ppl", joint ** (-1 / 3), 4)
    e.dec("lm_chain_ppl_check", 1 / joint ** (1 / 3), 4)
    e.int("lm_uniform_v", 50257)
    e.dec("lm_uniform_loss", math.log(50257), 4)
    e.int("lm_uniform_ppl", 50257)
    e.dec("lm_loss_bits", math.log2(1 / joint) / 3, 4)
    for i in range(1, 5):
        e.dec("lm_mask_w{}".format(i), 1 / i, 4)
    z = [2.0, 1.0, 0.5, -1.0]
    e.vec("lm_logit", z, 1)
    for t, tag in ((0.5, "05"), (1.0, "10"), (2.0, "20")):
        e.dec("lm_t" + tag, t, 1)
        e.vec("lm_t{}_p".format(tag), softmax([v / t for v in z]), 4)
    p1 = softmax(z)
    e.int("lm_topk", 2)
    e.dec("lm_topk_sum", p1[0] + p1[1], 4)
    # With two tokens left, renormalising is a sigmoid of the logit gap.
    e.vec("lm_topk_p", [1 / (1 + math.exp(-(z[0] - z[1]))), 1 / (1 + math.exp(z[0] - z[1]))], 4)
    e.dec("lm_topp", 0.9, 1)
    cum, total = [], 0.0
    for v in sorted(p1, reverse=True):
        total += v
        cum.append(total)
    e.vec("lm_topp_cum", cum, 4)
    size_p = next(i + 1 for i, c in enumerate(cum) if c >= 0.9)
    e.int("lm_topp_size", size_p)
    e.vec("lm_topp_p", softmax(z[:size_p]), 4)
    e.dec("lm_topp_sum", cum[size_p - 1], 4)
    first = {"A": 0.5, "B": 0.4, "C": 0.1}
    second = {"A": {"x": 0.4, "y": 0.3, "z": 0.3}, "B": {"x": 0.9, "y": 0.05, "z": 0.05}}
    e.text("lm_greedy_seq", "Ax")
    e.dec("lm_greedy_p", 0.5 * 0.4, 2)
    e.dec("lm_greedy_logp", math.log(0.5) + math.log(0.4), 4)
    paths = {a + b: first[a] * q for a in ("A", "B") for b, q in second[a].items()}
    best = max(paths, key=paths.get)
    e.text("lm_beam_seq", best)
    e.dec("lm_beam_p", paths[best], 2)
    e.dec("lm_beam_logp", math.log(first[best[0]]) + math.log(second[best[0]][best[1]]), 4)
    for k, v in paths.items():
        e.dec("lm_beam_" + k, v, 2)
    for k, v in first.items():
        e.dec("lm_bf_" + k, v, 1)
    for k, v in second["A"].items():
        e.dec("lm_bs_A" + k, v, 1)
    e.dec("lm_bs_Bx", 0.9, 1)
    e.dec("lm_bs_By", 0.05, 2)
    e.dec("lm_bs_Bz", 0.05, 2)
    e.int("lm_n", len(p))
    e.int("lm_ex_bad_loss", 25)
    assert 25 > math.log(50257) * 2
    e.dec("lm_rep_theta", 1.2, 1)
    e.dec("lm_rep_logit", 2.0 / 1.2, 4)
    e.vec("lm_rep_p", softmax([2.0 / 1.2] + z[1:]), 4)
    e.text("lm_fp_left", "0.6000000000000001")
    e.text("lm_fp_right", "0.6")

    def f32(x):
        return struct.unpack("f", struct.pack("f", x))[0]

    e.int("lm_fp32_left", f32(f32(1e8 + 1.0)) - 1e8)
    e.int("lm_fp32_right", 1)


def expected_arch(e):
    x = [1, 2, 3, 4]
    ms = sum(v * v for v in x) / 4
    e.vec("arch_rms_x", x, 0)
    e.dec("arch_rms_meansq", ms, 2)
    e.dec("arch_rms", ms ** 0.5, 4)
    e.vec("arch_rms_y", [v / ms ** 0.5 for v in x], 4)
    mu = sum(x) / 4
    sd = (sum((v - mu) ** 2 for v in x) / 4) ** 0.5
    e.dec("arch_ln_mean", mu, 2)
    e.dec("arch_ln_std", sd, 4)
    e.vec("arch_ln_y", [(v - mu) / sd for v in x], 4)

    theta, q, k = 0.5, complex(1, 2), complex(3, 1)
    e.dec("arch_rope_theta", theta, 1)
    e.vec("arch_rope_q", [1, 2], 0)
    e.vec("arch_rope_k", [3, 1], 0)
    e.dec("arch_rope_dot0", (q * k.conjugate()).real, 4)
    for i, (m, n) in enumerate(((3, 1), (7, 5)), start=1):
        qm, kn = q * cmath.exp(1j * m * theta), k * cmath.exp(1j * n * theta)
        e.int("arch_rope_m{}".format(i), m)
        e.int("arch_rope_n{}".format(i), n)
        e.vec("arch_rope_qm{}".format(i), [qm.real, qm.imag], 4)
        e.vec("arch_rope_kn{}".format(i), [kn.real, kn.imag], 4)
        e.dec("arch_rope_dot{}".format(i), (qm * kn.conjugate()).real, 4)
    qr, kr = q * cmath.exp(1j * 1 * theta), k * cmath.exp(1j * 3 * theta)
    e.dec("arch_rope_dot_rev", (qr * kr.conjugate()).real, 4)
    y10 = [10 * v / (sum((10 * w) ** 2 for w in x) / 4) ** 0.5 for v in x]
    assert all(abs(a - v / ms ** 0.5) < 1e-12 for a, v in zip(y10, x))
    e.int("arch_ex_scale", 10)
    e.int("arch_rope_gap", 2)
    e.dec("arch_rope_direct", (q * k.conjugate() * cmath.exp(2j * theta)).real, 4)
    e.int("arch_rope_base", 500000)
    e.int("arch_rope_headdim", 128)
    e.int("arch_rope_pairs", 64)
    e.sci("arch_rope_slow_wavelen", 2 * math.pi * 500000 ** (126 / 128), 2)

    e.dec("arch_silu_1", 1 * (1 / (1 + math.exp(-1))), 4)
    e.dec("arch_silu_m1", -1 * (1 / (1 + math.exp(1))), 4)
    d = 4096
    e.int("arch_ffn_d", d)
    e.int("arch_ffn_classic", 8 * d * d)
    e.int("arch_ffn_23", 8 * d // 3)
    e.int("arch_ffn_swiglu_23", 3 * d * (8 * d // 3))
    e.dec("arch_ffn_mult", 1.3, 1)
    e.int("arch_ffn_scaled", math.floor(1.3 * (8 * d // 3)))
    e.int("arch_ffn_multiple", 1024)
    e.int("arch_ffn_rounded", math.ceil(math.floor(1.3 * (8 * d // 3)) / 1024) * 1024)
    e.int("arch_ffn_llama", 14336)

    # KV cache: K and V, 32 layers, head_dim 128, 2 bytes (bf16).
    per_head = 2 * 32 * 128 * 2
    e.int("arch_kv_mha_kib", per_head * 32 / 1024)
    e.int("arch_kv_gqa_kib", per_head * 8 / 1024)
    e.int("arch_kv_mqa_kib", per_head * 1 / 1024)
    e.int("arch_kv_group", 4)
    e.int("arch_kv_ctx", 8192)
    e.int("arch_kv_mha_ctx_gib", per_head * 32 * 8192 / 2 ** 30)
    e.int("arch_kv_gqa_ctx_gib", per_head * 8 * 8192 / 2 ** 30)
    e.int("arch_kv_long_ctx", 131072)
    e.int("arch_kv_gqa_long_gib", per_head * 8 * 131072 / 2 ** 30)
    e.int("arch_kv_mha_long_gib", per_head * 32 * 131072 / 2 ** 30)

    logits, outs = [1.0, 2.0, 0.5, 1.5], [10, 4, -2, 8]
    e.vec("arch_moe_logit", logits, 1)
    e.vec("arch_moe_out", outs, 0)
    e.int("arch_moe_k", 2)
    e.int("arch_moe_e1", 2)
    e.int("arch_moe_e2", 4)
    g = 1 / (1 + math.exp(-(2.0 - 1.5)))
    e.vec("arch_moe_gate", [g, 1 - g], 4)
    e.dec("arch_moe_y", g * 4 + (1 - g) * 8, 4)
    e.dec("arch_moe_dense_y", sum(p * o for p, o in zip(softmax(logits), outs)), 4)
    block = sum(size(s) for s in LLAMA_SHAPES_PER_BLOCK)
    ffn = 3 * 4096 * 14336
    base = 2 * size(LLAMA_EMBED) + 4096 + 32 * (block - ffn)
    e.int("arch_moe_experts", 8)
    e.sci("arch_moe_total", base + 32 * 8 * ffn, 2)
    e.sci("arch_moe_active", base + 32 * 2 * ffn, 2)
    e.int("arch_moe_n", 4)
    e.sci("arch_moe_flops", 2 * (base + 32 * 2 * ffn), 2)
    e.int("arch_moe_gb", (base + 32 * 8 * ffn) * 2 / 1e9)
    e.int("arch_moe_active_share", (base + 64 * ffn) / (base + 256 * ffn) * 100)

    xs, vs = [1, 3, 2, 5], [10, 20, 30, 40]
    e.vec("arch_on_x", xs, 0)
    e.vec("arch_on_v", vs, 0)
    # After each block the running values equal the two-pass values on the prefix seen so far.
    for i, n in ((1, 2), (2, 4)):
        m = max(xs[:n])
        e.int("arch_on_m{}".format(i), m)
        e.dec("arch_on_l{}".format(i), sum(math.exp(v - m) for v in xs[:n]), 4)
        e.dec("arch_on_acc{}".format(i), sum(math.exp(v - m) * w for v, w in zip(xs[:n], vs[:n])), 4)
    e.dec("arch_on_scale2", math.exp(3 - 5), 4)
    e.dec("arch_on_y", sum(p * w for p, w in zip(softmax(xs), vs)), 4)
    e.int("arch_scores_mib", 8192 * 8192 * 2 / 2 ** 20)
    e.int("arch_scores_layer_gib", 8192 * 8192 * 2 * 32 / 2 ** 30)

    shapes = LLAMA_SHAPES_PER_BLOCK
    for key, value in (("q", size(shapes[0])), ("k", size(shapes[1])), ("v", size(shapes[2])),
                       ("o", size(shapes[3])), ("attn", sum(size(s) for s in shapes[:4])),
                       ("ffn", sum(size(s) for s in shapes[4:7])), ("norms", sum(size(s) for s in shapes[7:])),
                       ("layer", block)):
        e.int("arch_l_" + key, value)
    e.int("arch_l_layers", 32)
    e.int("arch_l_heads", 32)
    e.int("arch_l_kv", 8)
    e.int("arch_l_blocks", 32 * block)
    e.int("arch_l_embed", size(LLAMA_EMBED))
    e.int("arch_l_final_norm", 4096)
    total = llama_total_from_shapes()
    e.int("arch_l_total", total)
    e.dec("arch_l_total_b", total / 1e9, 2)
    e.int("arch_l_ffn_share", 32 * ffn / total * 100)
    e.int("arch_l_attn_share", 32 * sum(size(s) for s in shapes[:4]) / total * 100)
    e.int("arch_l_embed_share", 2 * size(LLAMA_EMBED) / total * 100)
    e.int("arch_l_kvdim", 1024)
    e.sci("arch_flops_2n", 2 * total, 2)
    e.sci("arch_flops_matmul", 2 * (total - size(LLAMA_EMBED)), 2)
    qk = av = 2 * 8192 * 4096  # one query against 8192 keys of width 4096; the weighted sum of 8192 values
    e.sci("arch_flops_attn", 32 * (qk + av), 2)
    e.int("arch_flops_attn_share", 32 * (qk + av) / (2 * (total - size(LLAMA_EMBED))) * 100)
    e.dec("arch_bf16_gb", total * 2 / 1e9, 1)


@pytest.fixture(scope="module")
def table():
    return llm_text.numbers()


@pytest.fixture(scope="module")
def expected():
    e = Expected()
    expected_tokens(e)
    expected_lm(e)
    expected_arch(e)
    return e


def test_total_matches_the_published_8b():
    """The layer-by-layer count lands on the published size class (8B) within a percent of 8.03e9."""
    assert abs(llm_text.llama_total_params() - 8.03e9) / 8.03e9 < 0.01


def test_every_key_is_recomputed(table, expected):
    assert set(table) == set(expected), (sorted(set(table) - set(expected)), sorted(set(expected) - set(table)))


def test_every_value_matches_its_recomputation(table, expected):
    wrong = []
    for key, (kind, value, digits) in sorted(expected.items()):
        text = table[key]
        if kind == "text":
            ok = text == value
        elif kind == "int":
            ok = int(text.replace(",", "")) == int(round(value))
        elif kind == "sci":
            m = SCI.match(text)
            ok = bool(m) and abs(float(m.group(1)) * 10 ** int(m.group(2)) - value) <= 0.5 * 10 ** (
                int(m.group(2)) - digits) * 1.0001
        else:
            shown = len(text.split(".")[1]) if "." in text else 0
            ok = shown == digits and abs(float(text) - value) <= 0.5 * 10 ** -digits + 1e-12
        if not ok:
            wrong.append((key, text, value))
    assert not wrong


def page_text(page):
    with open(os.path.join(ROOT, "docs", page), encoding="utf-8") as fh:
        return fh.read()


@pytest.mark.parametrize("prefix", sorted(PAGES))
def test_each_number_is_printed_on_its_page(table, prefix):
    used = set(KEY.findall(page_text(PAGES[prefix])))
    mine = {k for k in table if k.startswith(prefix)}
    assert not sorted(mine - used)
    # the tokens page also prints the measured token costs (tok_ keys of llm_tokens.py, tested there)
    assert not sorted(k for k in used if k.startswith(tuple(PAGES)) and k not in table)


def test_grouped_numbers_inside_formulas_are_wrapped_in_text(table):
    bare = []
    for page in PAGES.values():
        for formula in re.findall(r"\$\$.*?\$\$|\$[^$\n]+\$", page_text(page), flags=re.S):
            for wrapped, key in re.findall(r"(\\text\{)?\{\{n:([A-Za-z0-9_]+)\}\}", formula):
                if "," in table.get(key, "") and not wrapped:
                    bare.append((page, key))
    assert not bare


def test_each_page_ends_with_exercises_and_references():
    for page in PAGES.values():
        text = page_text(page)
        assert "## 练习" in text and "## 参考文献" in text
        assert text.index("## 练习") < text.index("## 参考文献")
        assert text.count('??? success "答案"') >= 3
