"""Numbers of the first pages of the part 大语言模型: tokens, language modelling and decoding, architecture.

========  ================================
prefix    page
========  ================================
tokp_     llm/tokens.md
lm_       llm/language-modeling.md
arch_     llm/architecture.md
========  ================================

Inputs of a worked example are keys too. Published model configurations are quoted with their source.
"""
import math

import numpy as np

from . import fmt
from .theory import grouped, sci, softmax


def put(table, prefix, values, digits):
    """Keys prefix_1, prefix_2, ... for a vector."""
    for i, v in enumerate(values):
        table["{}_{}".format(prefix, i + 1)] = fmt(v, digits)


# Llama 3.1 8B, Hugging Face `config.json` of meta-llama/Llama-3.1-8B (2024-07-23 release), as quoted in
# citsjtu2020/LLM-Prof `sglang/Model_Config.md` (code corpus, checked 2026-12-03); the same figures are in
# Meta's model card and in the Llama 3 paper (Grattafiori et al. 2024, table 3).
LLAMA = {
    "hidden_size": 4096,
    "num_hidden_layers": 32,
    "num_attention_heads": 32,
    "num_key_value_heads": 8,
    "intermediate_size": 14336,
    "vocab_size": 128256,
    "max_position_embeddings": 131072,
    "rope_theta": 500000.0,
    "original_max_position_embeddings": 8192,
    "bos_token_id": 128000,
    "tie_word_embeddings": False,
}
# Meta's reference code derives the FFN width from these (params.json of Llama 3 8B, same source family).
LLAMA_FFN_MULTIPLIER, LLAMA_MULTIPLE_OF = 1.3, 1024
GPT2_VOCAB, GPT2_D = 50257, 768  # GPT-2 small (Radford et al. 2019): wte weight 50257 x 768


# ---------------------------------------------------------------- llm/tokens.md

# Word counts of the example in Sennrich et al. (2016), Algorithm 1; '_' marks the end of a word.
BPE_CORPUS = [("low", 5), ("lower", 2), ("newest", 6), ("widest", 3)]
BPE_MERGES = 4
NEW_WORD = "lowest"
# A made-up unigram vocabulary with piece probabilities, for the segmentation of one word.
UNIGRAM = {"大": 0.04, "模": 0.01, "型": 0.01, "模型": 0.03, "大模型": 0.0005}
UNIGRAM_WORD = "大模型"


def segmentations(word, vocab):
    """Every way to cut `word` into pieces of `vocab`."""
    if not word:
        return [[]]
    out = []
    for end in range(1, len(word) + 1):
        if word[:end] in vocab:
            out += [[word[:end]] + rest for rest in segmentations(word[end:], vocab)]
    return out


def bpe_pair_counts(words):
    """Count adjacent symbol pairs, weighted by word frequency; dict keeps first-seen order for ties."""
    counts = {}
    for symbols, freq in words:
        for pair in zip(symbols, symbols[1:]):
            counts[pair] = counts.get(pair, 0) + freq
    return counts


def bpe_merge(words, pair):
    merged = []
    for symbols, freq in words:
        out, i = [], 0
        while i < len(symbols):
            if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == pair:
                out.append(symbols[i] + symbols[i + 1])
                i += 2
            else:
                out.append(symbols[i])
                i += 1
        merged.append((out, freq))
    return merged


def bpe_train(corpus, merges):
    """Greedy BPE: repeatedly merge the most frequent pair (ties: the pair seen first). Returns the steps."""
    words = [(list(w) + ["_"], f) for w, f in corpus]
    steps = []
    for _ in range(merges):
        counts = bpe_pair_counts(words)
        best = max(counts.values())
        pair = next(p for p, c in counts.items() if c == best)
        words = bpe_merge(words, pair)
        steps.append({"pair": pair, "count": best, "tokens": sum(len(s) * f for s, f in words),
                      "words": [" ".join(s) for s, _ in words]})
    return words, steps


def token_numbers():
    words, steps = bpe_train(BPE_CORPUS, BPE_MERGES)
    start_tokens = sum((len(w) + 1) * f for w, f in BPE_CORPUS)
    first = bpe_pair_counts([(list(w) + ["_"], f) for w, f in BPE_CORPUS])
    out = {
        "tokp_f_low": fmt(BPE_CORPUS[0][1], 0),
        "tokp_f_lower": fmt(BPE_CORPUS[1][1], 0),
        "tokp_f_newest": fmt(BPE_CORPUS[2][1], 0),
        "tokp_f_widest": fmt(BPE_CORPUS[3][1], 0),
        "tokp_words_total": fmt(sum(f for _, f in BPE_CORPUS), 0),
        "tokp_start_tokens": fmt(start_tokens, 0),
        "tokp_start_symbols": fmt(len(set("".join(w for w, _ in BPE_CORPUS))) + 1, 0),
        "tokp_merges": fmt(BPE_MERGES, 0),
        "tokp_count_es": fmt(first[("e", "s")], 0),
        "tokp_count_lo": fmt(first[("l", "o")], 0),
        "tokp_count_we": fmt(first[("w", "e")], 0),
        "tokp_end_tokens": fmt(steps[-1]["tokens"], 0),
        "tokp_ratio": fmt(start_tokens / steps[-1]["tokens"], 2),
    }
    for i, step in enumerate(steps, start=1):
        out["tokp_m{}_pair".format(i)] = "{} + {}".format(*step["pair"])
        out["tokp_m{}_new".format(i)] = "".join(step["pair"])
        out["tokp_m{}_count".format(i)] = fmt(step["count"], 0)
        out["tokp_m{}_tokens".format(i)] = fmt(step["tokens"], 0)
    for (w, _), (symbols, _) in zip(BPE_CORPUS, words):
        out["tokp_final_" + w] = " ".join(symbols)
    # A word the corpus never had, cut with the learned merges in the order they were learned.
    new = list(NEW_WORD) + ["_"]
    for step in steps:
        new = bpe_merge([(new, 1)], step["pair"])[0][0]
    out["tokp_new_word"] = NEW_WORD
    out["tokp_new_split"] = " ".join(new)

    cuts = sorted(segmentations(UNIGRAM_WORD, UNIGRAM), key=len, reverse=True)
    for i, cut in enumerate(cuts, start=1):
        out["tokp_uni_cut{}".format(i)] = " / ".join(cut)
        out["tokp_uni_p{}".format(i)] = sci(float(np.prod([UNIGRAM[c] for c in cut])), 1)
    best = max(cuts, key=lambda c: np.prod([UNIGRAM[x] for x in c]))
    out["tokp_uni_best"] = " / ".join(best)
    for piece, p in UNIGRAM.items():
        out["tokp_uni_" + {"大": "da", "模": "mo", "型": "xing", "模型": "moxing", "大模型": "damoxing"}[piece]] = \
            fmt(p, 4 if p < 0.001 else 2)

    # UTF-8: a Chinese character is 3 bytes, an ASCII letter 1.
    char = "模"
    raw = char.encode("utf-8")
    out["tokp_han_char"] = char
    out["tokp_han_bytes"] = fmt(len(raw), 0)
    out["tokp_han_hex"] = " ".join("{:02X}".format(b) for b in raw)
    out["tokp_ascii_bytes"] = fmt(len("a".encode("utf-8")), 0)
    out["tokp_byte_vocab"] = fmt(256, 0)

    # Embedding matrix V x d.
    v, d = LLAMA["vocab_size"], LLAMA["hidden_size"]
    llama_embed = v * d
    out["tokp_gpt2_vocab"] = grouped(GPT2_VOCAB)
    out["tokp_gpt2_d"] = fmt(GPT2_D, 0)
    out["tokp_gpt2_embed"] = grouped(GPT2_VOCAB * GPT2_D)
    out["tokp_llama_vocab"] = grouped(v)
    out["tokp_llama_d"] = grouped(d)
    out["tokp_llama_embed"] = grouped(llama_embed)
    out["tokp_llama_embed_both"] = grouped(2 * llama_embed)
    out["tokp_llama_embed_share"] = fmt(2 * llama_embed / llama_total_params() * 100, 1)
    out["tokp_llama_embed_gb"] = fmt(2 * llama_embed * 2 / 1e9, 2)  # bf16: 2 bytes per parameter
    # Exercise: GPT-2's width with Llama 3's vocabulary; `lower` seen 4 times instead of 2.
    out["tokp_ex_embed"] = grouped(v * GPT2_D)
    out["tokp_ex_ratio"] = fmt(v / GPT2_VOCAB, 2)
    more = [(w, 4 if w == "lower" else f) for w, f in BPE_CORPUS]
    counts = bpe_pair_counts([(list(w) + ["_"], f) for w, f in more])
    out["tokp_ex_lower"] = fmt(4, 0)
    out["tokp_ex_we"] = fmt(counts[("w", "e")], 0)
    out["tokp_ex_first"] = "{} + {}".format(*bpe_train(more, 1)[1][0]["pair"])
    out["tokp_llama_bos"] = grouped(LLAMA["bos_token_id"])
    out["tokp_llama_special_slots"] = fmt(v - LLAMA["bos_token_id"], 0)

    # What a Chinese character costs: 1 token (a vocabulary that has it) vs 3 (raw UTF-8 bytes).
    chars, context = 1000, LLAMA["original_max_position_embeddings"]
    price = 1.0  # an assumed price per million tokens, for the ratio only
    out["tokp_cost_chars"] = grouped(chars)
    out["tokp_cost_tokens_byte"] = grouped(chars * len(raw))
    out["tokp_context"] = grouped(context)
    out["tokp_context_chars_byte"] = grouped(context // len(raw))
    out["tokp_price"] = fmt(price, 0)
    out["tokp_million_chars_byte"] = fmt(1e6 * len(raw) / 1e6 * price, 0)
    out["tokp_million_chars_one"] = fmt(1e6 * 1 / 1e6 * price, 0)
    out["tokp_attn_ratio"] = fmt(len(raw) ** 2, 0)
    return out


# ---------------------------------------------------------------- llm/language-modeling.md

CHAIN_PROBS = [0.2, 0.5, 0.6]  # P(我), P(爱 | 我), P(你 | 我 爱): a made-up model
LOGITS = np.array([2.0, 1.0, 0.5, -1.0])
TEMPERATURES = [0.5, 1.0, 2.0]
TOP_K, TOP_P = 2, 0.9
# Beam search toy: first-step probabilities, then second-step probabilities given the first token.
BEAM_FIRST = {"A": 0.5, "B": 0.4, "C": 0.1}
BEAM_SECOND = {"A": {"x": 0.4, "y": 0.3, "z": 0.3},
               "B": {"x": 0.9, "y": 0.05, "z": 0.05},
               "C": {"x": 0.5, "y": 0.25, "z": 0.25}}
REPEAT_PENALTY = 1.2  # CTRL (Keskar et al. 2019): divide the logit of a token already generated by this


def nucleus(probs, p):
    """Indices of the smallest set of most probable tokens whose probability sums to at least p."""
    order = np.argsort(-probs, kind="stable")
    total, keep = 0.0, []
    for i in order:
        keep.append(int(i))
        total += probs[i]
        if total >= p:
            break
    return keep


def beam_search(first, second, width):
    beams = sorted(first.items(), key=lambda kv: -kv[1])[:width]
    cands = [(a + b, pa * pb) for a, pa in beams for b, pb in second[a].items()]
    return max(cands, key=lambda c: c[1])


def lm_numbers():
    out = {}
    p = np.array(CHAIN_PROBS)
    nll = -np.log(p)
    put(out, "lm_chain_p", p, 1)
    put(out, "lm_chain_nll", nll, 4)
    out["lm_chain_joint"] = fmt(p.prod(), 2)
    out["lm_chain_nll_sum"] = fmt(nll.sum(), 4)
    out["lm_chain_nll_mean"] = fmt(nll.mean(), 4)
    out["lm_chain_ppl"] = fmt(math.exp(nll.mean()), 4)
    out["lm_chain_ppl_check"] = fmt(p.prod() ** (-1 / len(p)), 4)

    v = GPT2_VOCAB
    out["lm_uniform_v"] = grouped(v)
    out["lm_uniform_loss"] = fmt(math.log(v), 4)
    out["lm_uniform_ppl"] = grouped(math.exp(math.log(v)))
    out["lm_loss_bits"] = fmt(nll.mean() / math.log(2), 4)

    # Causal mask on a 4-token sequence with equal scores: row i spreads evenly over positions 1..i.
    for i in range(1, 5):
        out["lm_mask_w{}".format(i)] = fmt(1.0 / i, 4)

    put(out, "lm_logit", LOGITS, 1)
    for t in TEMPERATURES:
        tag = fmt(t, 1).replace(".", "")
        put(out, "lm_t{}_p".format(tag), softmax(LOGITS / t), 4)
        out["lm_t{}".format(tag)] = fmt(t, 1)
    p1 = softmax(LOGITS)
    out["lm_topk"] = fmt(TOP_K, 0)
    top = p1[:TOP_K]
    out["lm_topk_sum"] = fmt(top.sum(), 4)
    put(out, "lm_topk_p", top / top.sum(), 4)
    keep = nucleus(p1, TOP_P)
    out["lm_topp"] = fmt(TOP_P, 1)
    out["lm_topp_size"] = fmt(len(keep), 0)
    cum = np.cumsum(np.sort(p1)[::-1])
    put(out, "lm_topp_cum", cum, 4)
    kept = p1[keep]
    put(out, "lm_topp_p", kept / kept.sum(), 4)
    out["lm_topp_sum"] = fmt(kept.sum(), 4)

    # Beam search vs greedy.
    g1 = max(BEAM_FIRST, key=BEAM_FIRST.get)
    g2 = max(BEAM_SECOND[g1], key=BEAM_SECOND[g1].get)
    out["lm_greedy_seq"] = g1 + g2
    out["lm_greedy_p"] = fmt(BEAM_FIRST[g1] * BEAM_SECOND[g1][g2], 2)
    seq, prob = beam_search(BEAM_FIRST, BEAM_SECOND, 2)
    out["lm_beam_seq"] = seq
    out["lm_beam_p"] = fmt(prob, 2)
    out["lm_beam_logp"] = fmt(math.log(prob), 4)
    out["lm_greedy_logp"] = fmt(math.log(BEAM_FIRST[g1] * BEAM_SECOND[g1][g2]), 4)
    for a in ("A", "B"):
        for b in ("x", "y"):
            out["lm_beam_{}{}".format(a, b)] = fmt(BEAM_FIRST[a] * BEAM_SECOND[a][b], 2)
    for a, pa in BEAM_FIRST.items():
        out["lm_bf_" + a] = fmt(pa, 1)
    for a in ("A", "B"):
        for b, pb in BEAM_SECOND[a].items():
            out["lm_bs_{}{}".format(a, b)] = fmt(pb, 2 if a == "B" and b != "x" else 1)
    out["lm_n"] = fmt(len(CHAIN_PROBS), 0)
    out["lm_ex_bad_loss"] = fmt(25, 0)  # exercise: a first-step loss far above ln V
    out["lm_beam_Az"] = fmt(BEAM_FIRST["A"] * BEAM_SECOND["A"]["z"], 2)
    out["lm_beam_Bz"] = fmt(BEAM_FIRST["B"] * BEAM_SECOND["B"]["z"], 2)

    # Repetition penalty on token 1 (it was generated before).
    pen = LOGITS.copy()
    pen[0] = pen[0] / REPEAT_PENALTY if pen[0] > 0 else pen[0] * REPEAT_PENALTY
    out["lm_rep_theta"] = fmt(REPEAT_PENALTY, 1)
    out["lm_rep_logit"] = fmt(pen[0], 4)
    put(out, "lm_rep_p", softmax(pen), 4)

    # Floating-point addition is not associative: the order of a reduction changes the last bits.
    a, b, c = 0.1, 0.2, 0.3
    out["lm_fp_left"] = repr((a + b) + c)
    out["lm_fp_right"] = repr(a + (b + c))
    big, small = np.float32(1e8), np.float32(1.0)
    out["lm_fp32_left"] = fmt(float((big + small) - big), 0)
    out["lm_fp32_right"] = fmt(float((big - big) + small), 0)
    return out


# ---------------------------------------------------------------- llm/architecture.md

RMS_X = np.array([1.0, 2.0, 3.0, 4.0])
ROPE_THETA = 0.5  # rotation angle per position of the worked 2-D example (radians), not a real frequency
ROPE_Q, ROPE_K = np.array([1.0, 2.0]), np.array([3.0, 1.0])
ROPE_POSITIONS = [(3, 1), (7, 5)]  # two (query, key) position pairs with the same distance 2
MOE_LOGITS = np.array([1.0, 2.0, 0.5, 1.5])
MOE_OUTPUTS = np.array([10.0, 4.0, -2.0, 8.0])  # each expert's (scalar) output for this token
MOE_TOP_K = 2
MOE_EXPERTS_BIG = 8
ONLINE_X = np.array([1.0, 3.0, 2.0, 5.0])
ONLINE_V = np.array([10.0, 20.0, 30.0, 40.0])


def rotate(v, angle):
    c, s = math.cos(angle), math.sin(angle)
    return np.array([c * v[0] - s * v[1], s * v[0] + c * v[1]])


def llama_layer_params(cfg=LLAMA):
    d, h, kv = cfg["hidden_size"], cfg["num_attention_heads"], cfg["num_key_value_heads"]
    head = d // h
    ffn = cfg["intermediate_size"]
    parts = {
        "q": d * h * head,
        "k": d * kv * head,
        "v": d * kv * head,
        "o": h * head * d,
        "ffn": 3 * d * ffn,
        "norms": 2 * d,
    }
    parts["attn"] = parts["q"] + parts["k"] + parts["v"] + parts["o"]
    parts["layer"] = parts["attn"] + parts["ffn"] + parts["norms"]
    return parts


def llama_total_params(cfg=LLAMA):
    d, v = cfg["hidden_size"], cfg["vocab_size"]
    heads = 1 if cfg["tie_word_embeddings"] else 2
    return heads * v * d + cfg["num_hidden_layers"] * llama_layer_params(cfg)["layer"] + d


def kv_bytes_per_token(layers, kv_heads, head_dim, bytes_per=2):
    return 2 * layers * kv_heads * head_dim * bytes_per


def online_softmax(x, v, block):
    """One pass over x in blocks: running max m, running normaliser l, running weighted sum acc."""
    m, l, acc, trace = -math.inf, 0.0, 0.0, []
    for start in range(0, len(x), block):
        xb, vb = x[start:start + block], v[start:start + block]
        m_new = max(m, float(xb.max()))
        scale = math.exp(m - m_new) if m > -math.inf else 0.0
        e = np.exp(xb - m_new)
        l = l * scale + float(e.sum())
        acc = acc * scale + float((e * vb).sum())
        m = m_new
        trace.append((m, l, acc, scale))
    return acc / l, trace


def arch_numbers():
    out = {}
    # RMSNorm and LayerNorm of the same vector.
    x = RMS_X
    rms = math.sqrt(float((x * x).mean()))
    put(out, "arch_rms_x", x, 0)
    out["arch_rms_meansq"] = fmt((x * x).mean(), 2)
    out["arch_rms"] = fmt(rms, 4)
    put(out, "arch_rms_y", x / rms, 4)
    mu, sd = float(x.mean()), float(x.std())
    out["arch_ln_mean"] = fmt(mu, 2)
    out["arch_ln_std"] = fmt(sd, 4)
    put(out, "arch_ln_y", (x - mu) / sd, 4)

    # RoPE in 2-D.
    out["arch_rope_theta"] = fmt(ROPE_THETA, 1)
    put(out, "arch_rope_q", ROPE_Q, 0)
    put(out, "arch_rope_k", ROPE_K, 0)
    out["arch_rope_dot0"] = fmt(float(ROPE_Q @ ROPE_K), 4)
    for i, (m, n) in enumerate(ROPE_POSITIONS, start=1):
        qm, kn = rotate(ROPE_Q, m * ROPE_THETA), rotate(ROPE_K, n * ROPE_THETA)
        out["arch_rope_m{}".format(i)] = fmt(m, 0)
        out["arch_rope_n{}".format(i)] = fmt(n, 0)
        put(out, "arch_rope_qm{}".format(i), qm, 4)
        put(out, "arch_rope_kn{}".format(i), kn, 4)
        out["arch_rope_dot{}".format(i)] = fmt(float(qm @ kn), 4)
    gap = ROPE_POSITIONS[0][0] - ROPE_POSITIONS[0][1]
    out["arch_rope_gap"] = fmt(gap, 0)
    out["arch_rope_direct"] = fmt(float(ROPE_Q @ rotate(ROPE_K, -gap * ROPE_THETA)), 4)
    m, n = ROPE_POSITIONS[0]
    out["arch_rope_dot_rev"] = fmt(float(rotate(ROPE_Q, n * ROPE_THETA) @ rotate(ROPE_K, m * ROPE_THETA)), 4)
    out["arch_ex_scale"] = fmt(10, 0)  # exercise: scale x by 10, RMSNorm is unchanged
    head_dim = LLAMA["hidden_size"] // LLAMA["num_attention_heads"]
    base = LLAMA["rope_theta"]
    slowest = base ** (-(head_dim - 2) / head_dim)
    out["arch_rope_base"] = grouped(base)
    out["arch_rope_headdim"] = fmt(head_dim, 0)
    out["arch_rope_pairs"] = fmt(head_dim // 2, 0)
    out["arch_rope_slow_wavelen"] = sci(2 * math.pi / slowest, 2)

    # SwiGLU and the 2/3 factor.
    d = LLAMA["hidden_size"]
    out["arch_silu_1"] = fmt(1 / (1 + math.exp(-1)), 4)
    out["arch_silu_m1"] = fmt(-1 / (1 + math.exp(1)), 4)
    out["arch_ffn_d"] = grouped(d)
    out["arch_ffn_classic"] = grouped(2 * d * 4 * d)
    two_thirds = int(2 * 4 * d / 3)
    out["arch_ffn_23"] = grouped(two_thirds)
    out["arch_ffn_swiglu_23"] = grouped(3 * d * two_thirds)
    scaled = int(LLAMA_FFN_MULTIPLIER * two_thirds)
    rounded = LLAMA_MULTIPLE_OF * ((scaled + LLAMA_MULTIPLE_OF - 1) // LLAMA_MULTIPLE_OF)
    out["arch_ffn_mult"] = fmt(LLAMA_FFN_MULTIPLIER, 1)
    out["arch_ffn_scaled"] = grouped(scaled)
    out["arch_ffn_multiple"] = grouped(LLAMA_MULTIPLE_OF)
    out["arch_ffn_rounded"] = grouped(rounded)
    out["arch_ffn_llama"] = grouped(LLAMA["intermediate_size"])

    # KV cache: MHA vs GQA vs MQA for the Llama 3.1 8B shape, bf16.
    layers, heads, kv = LLAMA["num_hidden_layers"], LLAMA["num_attention_heads"], LLAMA["num_key_value_heads"]
    mha, gqa, mqa = (kv_bytes_per_token(layers, n, head_dim) for n in (heads, kv, 1))
    out["arch_kv_mha_kib"] = fmt(mha / 1024, 0)
    out["arch_kv_gqa_kib"] = fmt(gqa / 1024, 0)
    out["arch_kv_mqa_kib"] = fmt(mqa / 1024, 0)
    out["arch_kv_group"] = fmt(heads // kv, 0)
    ctx = LLAMA["original_max_position_embeddings"]
    long_ctx = LLAMA["max_position_embeddings"]
    out["arch_kv_ctx"] = grouped(ctx)
    out["arch_kv_mha_ctx_gib"] = fmt(mha * ctx / 2 ** 30, 0)
    out["arch_kv_gqa_ctx_gib"] = fmt(gqa * ctx / 2 ** 30, 0)
    out["arch_kv_long_ctx"] = grouped(long_ctx)
    out["arch_kv_gqa_long_gib"] = fmt(gqa * long_ctx / 2 ** 30, 0)
    out["arch_kv_mha_long_gib"] = fmt(mha * long_ctx / 2 ** 30, 0)

    # Mixture of experts: top-2 routing of one token.
    put(out, "arch_moe_logit", MOE_LOGITS, 1)
    put(out, "arch_moe_out", MOE_OUTPUTS, 0)
    chosen = np.argsort(-MOE_LOGITS, kind="stable")[:MOE_TOP_K]
    gates = softmax(MOE_LOGITS[chosen])
    out["arch_moe_k"] = fmt(MOE_TOP_K, 0)
    out["arch_moe_e1"] = fmt(chosen[0] + 1, 0)
    out["arch_moe_e2"] = fmt(chosen[1] + 1, 0)
    put(out, "arch_moe_gate", gates, 4)
    out["arch_moe_y"] = fmt(float(gates @ MOE_OUTPUTS[chosen]), 4)
    dense_p = softmax(MOE_LOGITS)
    out["arch_moe_dense_y"] = fmt(float(dense_p @ MOE_OUTPUTS), 4)
    # Active vs total: the Llama 3.1 8B shape with each FFN replaced by 8 experts, top-2.
    parts = llama_layer_params()
    embed = 2 * LLAMA["vocab_size"] * d
    total = embed + layers * (parts["attn"] + parts["norms"] + MOE_EXPERTS_BIG * parts["ffn"]) + d
    active = embed + layers * (parts["attn"] + parts["norms"] + MOE_TOP_K * parts["ffn"]) + d
    out["arch_moe_experts"] = fmt(MOE_EXPERTS_BIG, 0)
    out["arch_moe_total"] = sci(total, 2)
    out["arch_moe_active"] = sci(active, 2)
    out["arch_moe_n"] = fmt(len(MOE_LOGITS), 0)
    out["arch_moe_flops"] = sci(2 * active, 2)
    out["arch_moe_gb"] = fmt(total * 2 / 1e9, 0)
    out["arch_moe_active_share"] = fmt(active / total * 100, 0)

    # Online softmax, two blocks of two.
    y, trace = online_softmax(ONLINE_X, ONLINE_V, 2)
    put(out, "arch_on_x", ONLINE_X, 0)
    put(out, "arch_on_v", ONLINE_V, 0)
    for i, (m, l, acc, scale) in enumerate(trace, start=1):
        out["arch_on_m{}".format(i)] = fmt(m, 0)
        out["arch_on_l{}".format(i)] = fmt(l, 4)
        out["arch_on_acc{}".format(i)] = fmt(acc, 4)
        if i > 1:  # the first block has nothing to rescale
            out["arch_on_scale{}".format(i)] = fmt(scale, 4)
    out["arch_on_y"] = fmt(y, 4)
    # Standard attention materialises the N x N scores: bytes per head and per layer at 8192 tokens, bf16.
    out["arch_scores_mib"] = fmt(ctx * ctx * 2 / 2 ** 20, 0)
    out["arch_scores_layer_gib"] = fmt(ctx * ctx * 2 * heads / 2 ** 30, 0)

    # Llama 3.1 8B, layer by layer.
    for key in ("q", "k", "v", "o", "attn", "ffn", "norms", "layer"):
        out["arch_l_" + key] = grouped(parts[key])
    out["arch_l_layers"] = fmt(layers, 0)
    out["arch_l_heads"] = fmt(heads, 0)
    out["arch_l_kv"] = fmt(kv, 0)
    out["arch_l_blocks"] = grouped(layers * parts["layer"])
    out["arch_l_embed"] = grouped(LLAMA["vocab_size"] * d)
    out["arch_l_final_norm"] = grouped(d)
    n_total = llama_total_params()
    out["arch_l_total"] = grouped(n_total)
    out["arch_l_total_b"] = fmt(n_total / 1e9, 2)
    out["arch_l_ffn_share"] = fmt(layers * parts["ffn"] / n_total * 100, 0)
    out["arch_l_attn_share"] = fmt(layers * parts["attn"] / n_total * 100, 0)
    out["arch_l_embed_share"] = fmt(embed / n_total * 100, 0)
    out["arch_l_kvdim"] = grouped(kv * head_dim)
    matmul = n_total - LLAMA["vocab_size"] * d  # the input embedding is a table lookup, not a product
    out["arch_flops_2n"] = sci(2 * n_total, 2)
    out["arch_flops_matmul"] = sci(2 * matmul, 2)
    attn_flops = 2 * (2 * layers * ctx * d)  # per new token at context ctx: q.k over ctx keys, then sum of ctx values
    out["arch_flops_attn"] = sci(attn_flops, 2)
    out["arch_flops_attn_share"] = fmt(attn_flops / (2 * matmul) * 100, 0)
    out["arch_bf16_gb"] = fmt(n_total * 2 / 1e9, 1)
    return out


def numbers():
    table = {}
    for part in (token_numbers, lm_numbers, arch_numbers):
        table.update(part())
    return table
