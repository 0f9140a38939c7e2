"""Decoding: the next-token distribution for a prompt, and what temperature, top-k and top-p leave of it.

The model is the GPT trained in the page (demos/apps/gpt.py keeps it), or, when there is none, the small GPT
bundled with the book (docs/models/gpt/tiny-gpt.npz, trained natively by build_tools/train_tiny_gpt.py with the same
code), loaded only when this demo asks for it. The rules themselves are in demos/sampling.py.
"""
import numpy as np

from demos import gpt as gpt_core
from demos.apps import InputError, asset_path
from demos.apps import gpt as gpt_app
from demos.apps.settings import Number, Settings, Text
from demos.sampling import distribution, entropy, picker
from demos.text import CharVocab

TINY_MODEL = "../models/gpt/tiny-gpt.npz"  # relative to vendor/ (the page fetches it into the same place)
SHOWN = 20  # bars: the most probable tokens before filtering
SAMPLE_TOKENS = 20

SETTINGS = Settings(
    Text("prompt", "提示词", "大模型的", max_length=200),
    Number("temperature", "温度", 1.0, 0.01, 10.0, help="必须大于 0；越低越集中在最可能的词元上"),
    Number("top_k", "top-k（0 表示不限）", 0, 0, 100000, integer=True),
    Number("top_p", "top-p", 1.0, 0.01, 1.0, help="在 (0, 1] 之间；1 表示不截断"),
    Number("samples", "样本数", 5, 1, 20, integer=True),
    Number("seed", "随机种子", 0, 0, 2 ** 31 - 1, integer=True),
)

_tiny = {}


class TinyVocab(CharVocab):
    """The bundled model's characters (stored as code points)."""

    def __init__(self, code_points):
        self.chars = [chr(int(c)) for c in code_points]
        self.index = {c: i for i, c in enumerate(self.chars)}

    def label(self, i):
        return self.chars[int(i)]


def tiny_model():
    """The bundled GPT and its vocabulary, loaded once."""
    if not _tiny:
        try:
            model, extra = gpt_core.load(asset_path(TINY_MODEL))
        except (OSError, ValueError, KeyError):
            raise InputError("内置的小模型（models/gpt/tiny-gpt.npz）没有加载成功，请刷新页面后重试。")
        _tiny["model"], _tiny["vocab"] = model, TinyVocab(extra["vocab_chars"])
    return _tiny["model"], _tiny["vocab"]


def current_model():
    """(model, vocabulary, where it comes from): the page's trained GPT if there is one, else the bundled one."""
    session = gpt_app.trained()
    if session is not None:
        return session.model, session.vocab, "trained"
    model, vocab = tiny_model()
    return model, vocab, "bundled"


def encode_prompt(vocab, prompt):
    if not prompt.strip():
        raise InputError("提示词是空的：请输入几个字作为开头。")
    return [int(i) for i in vocab.encode(prompt)]


class Session:
    def __init__(self, params):
        v = SETTINGS.read(params)
        self.values = v
        self.model, self.vocab, self.source = current_model()
        self.ids = encode_prompt(self.vocab, v["prompt"])
        self.done = False
        self._result = None

    def advance(self, seconds):
        v, model, vocab = self.values, self.model, self.vocab
        window = self.ids[-model.context:]
        logits = model.forward(np.array([window]), training=False)[0, -1].astype(np.float64)
        before = distribution(logits)
        after = distribution(logits, v["temperature"], v["top_k"], v["top_p"])
        top = np.argsort(-before, kind="stable")[:SHOWN]
        rng = np.random.RandomState(v["seed"])
        pick = picker(v["temperature"], v["top_k"], v["top_p"], rng)
        samples = [vocab.decode(gpt_core.generate(model, self.ids, SAMPLE_TOKENS, pick)) for _ in range(v["samples"])]
        self._result = {
            "source": self.source,
            "vocab_size": int(len(before)),
            "tokens": [vocab.label(i) for i in top],
            "p_before": np.round(before[top], 5),
            "p_after": np.round(after[top], 5),
            "kept": int((after > 0).sum()),
            "entropy_before": entropy(before),
            "entropy_after": entropy(after),
            "max_entropy": float(np.log2(len(before))),
            "samples": samples,
        }
        self.done = True
        return {}

    def result(self):
        return self._result
