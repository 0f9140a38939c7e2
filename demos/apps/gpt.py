"""A small GPT learns to write like the book, in the page.

Training (``Session``): the text is cut into tokens (characters, or byte-level BPE ids), split 90 % / 10 % into
training and validation text. Characters: the ``chars - 1`` most frequent characters of the training text keep an
id each and all the others share one "rare" id (demos/text.py, TopCharVocab), because the output layer and its
softmax cost in proportion to the vocabulary; on the book the 511 most frequent characters cover 93 % of the
validation text (all 1462 distinct characters of the training text: 99.8 %; python -m build_tools.bench_llm prints
the coverage). The model (demos/gpt.py) learns to predict every next token of random windows of ``context``
tokens, with AdamW. Every few seconds it is measured on fixed windows of the validation text and writes a sample.
Two baselines on exactly the same validation targets, counted on the same token ids (the shared "rare" id
included), say what "learned something" means:

    unigram:  p(y) = (count(y) + 1) / (N + V)                 (how often each token occurs, no context)
    bigram:   p(y | x) = (count(x y) + α) / (count(x) + α V)  (the previous token only; α the best of a few)

Generation (``Generate``, "gpt:Generate"): continues a prompt with the model the last training left in this module,
token by token (streamed), with temperature / top-k / top-p, and reports the attention of the last token.
"""
import math
import time

import numpy as np

from demos.apps import InputError
from demos.apps.settings import Choice, Flag, Number, Settings, Text
from demos.gpt import GPT, Generator, cross_entropy
from demos.layers import softmax
from demos.optim import AdamW, clip_grad_norm
from demos.sampling import entropy, picker
from demos.text import MAX_PASTED_CHARS, Corpus, TopCharVocab, load_corpus
from demos.train import Divergence

try:
    from demos import bpe
except ImportError:  # the BPE tokenizer is optional
    bpe = None

BPE_VOCAB = 512            # tokens of the byte-level BPE: 256 bytes + 256 merges learned on the training text
MIN_TOKENS = 100           # a text shorter than this (in tokens) has too little to learn from
VAL_SHARE = 0.1
VAL_TARGETS = 2048         # validation: about this many targets, in windows of `context` spread evenly over the text
VAL_WINDOWS = 16           # ... and at least this many windows (16 windows of 16 targets missed the bigram gap of the
                           # whole validation text by up to 0.3 nats; 2048 targets come within about 0.02)
EVAL_EVERY = 2.0           # seconds of training between two validation measurements
SAMPLE_EVERY = 5.0         # seconds of training between two samples
SAMPLE_TOKENS = 40
MAX_ACTIVATION_BYTES = 400e6
MAX_STEP_FLOPS = 3e9       # ~ several seconds per step in the page: beyond it Stop and the plots would lag badly
BIGRAM_ALPHAS = (0.01, 0.03, 0.1, 0.3, 1.0)
CLIP_NORM = 1.0
MAX_GENERATE = 500

CHAR_VOCAB = 512           # characters: the 511 most frequent of the training text + one id for all the others
# The defaults (1 layer, width 48, 4 heads, context 16, batch 24, lr 0.01 falling linearly to 0, 512 characters) reach
# the lowest validation loss in the steps the page makes in a minute among the sizes, batches and rates measured
# (README, "LLM lab"; python -m build_tools.bench_llm).

TOKEN_CHOICES = [("char", "字符（每个汉字、字母、标点一个词元）")]
if bpe is not None:
    TOKEN_CHOICES.append(("bpe", "BPE（字节级，{} 个词元，常见片段合成一个）".format(BPE_VOCAB)))

SETTINGS = Settings(
    Choice("corpus", "语料", "book", [("book", "本书的正文"), ("pasted", "下面粘贴的文本")]),
    Text("text", "粘贴的文本", "", max_length=MAX_PASTED_CHARS,
         help="语料选“粘贴的文本”时使用，最多 {} 个字符".format(MAX_PASTED_CHARS)),
    Choice("tokens", "词元", "char", TOKEN_CHOICES),
    Number("chars", "字符词表大小", CHAR_VOCAB, 2, 5000, integer=True,
           help="词元选“字符”时使用：训练文本里最常见的（这个数 − 1）个字符各占一个词元，其余的字符共用一个“罕见字”词元 □"),
    Number("layers", "层数", 1, 1, 8, integer=True),
    Number("heads", "注意力头数", 4, 1, 16, integer=True),
    Number("width", "宽度（向量维数）", 48, 8, 512, integer=True, help="必须是头数的整数倍"),
    Number("context", "上下文长度（词元）", 16, 4, 512, integer=True),
    Number("batch", "批量大小", 24, 1, 256, integer=True),
    Number("lr", "学习率", 0.01, 1e-6, 1.0),
    Choice("schedule", "学习率调度", "linear", [("linear", "在训练时间内线性降到 0"), ("constant", "保持不变")]),
    Number("seconds", "训练时间（秒）", 60, 1, 1800),
    Number("seed", "随机种子", 0, 0, 2 ** 31 - 1, integer=True),
)

GENERATE_SETTINGS = Settings(
    Text("prompt", "提示词", "", max_length=200),
    Number("length", "生成长度（词元）", 100, 1, MAX_GENERATE, integer=True),
    Number("temperature", "温度", 0.8, 0.01, 10.0, help="必须大于 0；越低越保守，越高越随机"),
    Number("top_k", "top-k（0 表示不限）", 0, 0, 100000, integer=True),
    Number("top_p", "top-p", 1.0, 0.01, 1.0, help="在 (0, 1] 之间；1 表示不截断"),
    Flag("greedy", "贪心（总选概率最大的词元）", False),
    Number("seed", "随机种子", 0, 0, 2 ** 31 - 1, integer=True),
)

_trained = None  # the last trained Session: its model and vocabulary serve Generate (and the sampling demo)


def trained():
    """The last trained Session, or None."""
    return _trained


def trained_model():
    """The last trained GPT (what the page can download: model_export.py), or None."""
    return None if _trained is None else _trained.model


class BPETokens:
    """Byte-level BPE (demos/bpe.py) learned on the training text, one merge per ``step()`` so that learning it
    runs in time slices like the training."""

    kind = "bpe"

    def __init__(self, text, vocab_size):
        self.trainer = bpe.Trainer(text, vocab_size)
        self.tokenizer = self.trainer.tokenizer

    @property
    def size(self):
        return self.tokenizer.size

    def encode(self, text):
        return np.asarray(self.tokenizer.encode(text), dtype=np.int64)

    def decode(self, ids):
        return self.tokenizer.decode(ids)

    def label(self, i):
        return self.tokenizer.piece_text(i)


class CharTokens(TopCharVocab):
    kind = "char"

    def label(self, i):
        return self.chars[int(i)]


def load_text(values):
    """The corpus the reader chose: the book, or the pasted text (checked, split the same way)."""
    if values["corpus"] == "pasted":
        return Corpus.from_text(values["text"])
    return load_corpus()


def unigram_probs(train_ids, vocab_size):
    """p(y) = (count(y) + 1) / (N + V): add-one, so that a token unseen in training is not log 0."""
    counts = np.bincount(np.asarray(train_ids, dtype=np.intp), minlength=vocab_size).astype(np.float64)
    return (counts + 1) / (counts.sum() + vocab_size)


def bigram_baselines(train_ids, x, y, vocab_size):
    """Cross-entropy (nats) of the unigram and the add-α bigram model counted on train_ids, on the pairs x -> y."""
    train_ids = np.asarray(train_ids, dtype=np.intp)  # bincount wants the platform's index type (32-bit in Pyodide)
    x, y = np.asarray(x, dtype=np.intp), np.asarray(y, dtype=np.intp)
    unigram_loss = float(-np.mean(np.log(unigram_probs(train_ids, vocab_size)[y])))
    pairs = train_ids[:-1] * vocab_size + train_ids[1:]
    codes, pair_counts = np.unique(pairs, return_counts=True)
    wanted = x * vocab_size + y
    at = np.minimum(np.searchsorted(codes, wanted), len(codes) - 1)
    c_xy = np.where(codes[at] == wanted, pair_counts[at], 0).astype(np.float64)
    c_x = np.bincount(train_ids[:-1], minlength=vocab_size).astype(np.float64)[x]
    bigram = min(float(-np.mean(np.log((c_xy + a) / (c_x + a * vocab_size)))) for a in BIGRAM_ALPHAS)
    return unigram_loss, bigram


class Session:
    def __init__(self, params):
        v = SETTINGS.read(params)
        self.values = v
        if v["width"] % v["heads"]:
            raise InputError("「宽度」必须是「注意力头数」的整数倍（现在宽度 {}、头数 {}）。".format(v["width"], v["heads"]))
        if v["tokens"] == "bpe" and bpe is None:
            raise InputError("这个版本没有 BPE 分词器，请选“字符”。")
        self.context, self.batch, self.budget = v["context"], v["batch"], v["seconds"]
        activations = 4 * v["batch"] * v["context"] * v["layers"] * (20 * v["width"] + 3 * v["heads"] * v["context"])
        if activations > MAX_ACTIVATION_BYTES:
            raise InputError("模型太大：一步训练约需 {:.0f} MB 内存（上限 {:.0f} MB）。请减小批量、上下文长度、宽度或层数。".format(
                activations / 1e6, MAX_ACTIVATION_BYTES / 1e6))
        self.corpus = load_text(v)
        self.rng = np.random.RandomState(v["seed"])
        if v["tokens"] == "bpe":
            self.vocab = BPETokens(self.corpus.train, BPE_VOCAB)  # merges are learned in advance(), in slices
            self.model = None
        else:
            self.vocab = CharTokens(self.corpus.train, v["chars"])
        vocab_size = BPE_VOCAB if v["tokens"] == "bpe" else self.vocab.size
        d, n = v["width"], v["batch"] * v["context"]
        flops = n * (6 * d * vocab_size + v["layers"] * (72 * d * d + 12 * v["context"] * d))  # forward + backward
        if flops > MAX_STEP_FLOPS:
            raise InputError("模型太大：一步训练约需 {:.0f} 亿次浮点运算（上限 {:.0f} 亿），在浏览器里一步就要好几秒。"
                             "请减小批量、上下文长度、宽度或层数。".format(flops / 1e8, MAX_STEP_FLOPS / 1e8))
        if v["tokens"] != "bpe":
            self.prepare()
        self.steps = 0
        self.seconds = 0.0
        self.train_loss = None
        self.val_loss = None
        self.best_val = None
        self.seconds_to_bigram = None
        self.next_eval = 0.0
        self.next_sample = SAMPLE_EVERY
        self.sample = None
        self.done = False
        self._setup_sent = False
        forget()  # the settings were fine: this run replaces the old model, whose memory can go

    def prepare(self):
        """With the vocabulary known: the token ids, the validation windows, the baselines and the model."""
        v = self.values
        self.train_ids = self.vocab.encode(self.corpus.train)
        self.val_ids = self.vocab.encode(self.corpus.validation)
        if len(self.train_ids) < MIN_TOKENS or len(self.val_ids) < self.context + 2:
            raise InputError("文本太短：切成词元后训练部分有 {} 个、验证部分有 {} 个；至少要 {} 个和 {} 个（上下文长度 + 2）。"
                             "请换更长的文本，或减小上下文长度。".format(
                                 len(self.train_ids), len(self.val_ids), MIN_TOKENS, self.context + 2))
        if len(self.train_ids) <= self.context + 1:
            raise InputError("上下文长度 {} 比训练文本（{} 个词元）还长，请调小。".format(self.context, len(self.train_ids)))
        count = min(max(VAL_WINDOWS, VAL_TARGETS // self.context), len(self.val_ids) - self.context)
        starts = np.linspace(0, len(self.val_ids) - self.context - 1, count).astype(np.int64)
        windows = self.val_ids[starts[:, None] + np.arange(self.context + 1)]
        self.val_x, self.val_y = windows[:, :-1], windows[:, 1:]
        self.unigram, self.bigram = bigram_baselines(self.train_ids, self.val_x.reshape(-1), self.val_y.reshape(-1),
                                                     self.vocab.size)
        self.model = GPT(self.vocab.size, self.context, v["width"], v["layers"], v["heads"], self.rng)
        self.model.start_at_unigram(unigram_probs(self.train_ids, self.vocab.size))
        self.optimizer = AdamW(v["lr"], beta2=0.99, weight_decay=0.01)
        self.sample_prompt = [int(self.val_ids[0])]
        # characters: the share of the validation text that keeps its own id (the rest shares one "rare" id)
        self.coverage = self.vocab.coverage(self.corpus.validation) if self.vocab.kind == "char" else None

    def learning_rate(self):
        """The rate of the next step: with the "linear" schedule it falls from lr to 0 over the training time budget
        (the last steps make small, careful moves: on the book, 0.15-0.2 nats lower validation loss than a constant
        rate after the same steps; README, "LLM lab"), else it stays lr."""
        lr = self.values["lr"]
        if self.values["schedule"] == "linear":
            return lr * max(0.0, 1.0 - self.seconds / self.budget)
        return lr

    def train_step(self):
        starts = self.rng.randint(0, len(self.train_ids) - self.context, size=self.batch)
        windows = self.train_ids[starts[:, None] + np.arange(self.context + 1)]
        loss, dz = cross_entropy(self.model.forward(windows[:, :-1]), windows[:, 1:])
        if not math.isfinite(loss) or loss > 3 * math.log(self.vocab.size) + 10:
            raise Divergence("训练发散了：第 {} 步的损失变成了 {:.3g}。学习率 {} 太大，请调小（例如 0.003）。".format(
                self.steps + 1, loss, self.values["lr"]))
        self.model.backward(dz)
        clip_grad_norm(self.model, CLIP_NORM)
        self.optimizer.lr = self.learning_rate()
        self.optimizer.step(self.model)
        self.steps += 1
        self.train_loss = loss
        return loss

    def evaluate(self):
        # in chunks of a training batch, so that measuring needs no more memory than a training step
        losses = [cross_entropy(self.model.forward(self.val_x[i:i + self.batch], training=False),
                                self.val_y[i:i + self.batch])[0] * len(self.val_x[i:i + self.batch])
                  for i in range(0, len(self.val_x), self.batch)]
        self.val_loss = float(sum(losses) / len(self.val_x))
        self.best_val = self.val_loss if self.best_val is None else min(self.best_val, self.val_loss)
        if self.seconds_to_bigram is None and self.val_loss < self.bigram:
            self.seconds_to_bigram = self.seconds
        return self.val_loss

    def write_sample(self, n=SAMPLE_TOKENS):
        gen = Generator(self.model, self.sample_prompt, picker(0.8, rng=np.random.RandomState(self.steps)))
        for _ in range(n):
            gen.step()
        self.sample = self.vocab.decode(gen.ids)
        return self.sample

    def learn_tokenizer(self, seconds):
        """BPE merges for about ``seconds``; then the rest of the set-up."""
        start = time.perf_counter()
        trainer = self.vocab.trainer
        while not trainer.done and time.perf_counter() - start < seconds:
            trainer.step()
        if trainer.done:
            self.prepare()
        return {"phase": "tokenizer", "vocab_size": self.vocab.size, "target_vocab": BPE_VOCAB}

    def advance(self, seconds):
        if self.model is None:
            return self.learn_tokenizer(seconds)
        start = time.perf_counter()
        losses = []
        while self.seconds < self.budget and time.perf_counter() - start < seconds:
            t0 = time.perf_counter()
            losses.append(self.train_step())
            self.seconds += time.perf_counter() - t0
        progress = {"phase": "train", "step": self.steps, "first_step": self.steps - len(losses) + 1,
                    "losses": losses, "seconds": round(self.seconds, 3), "lr": self.optimizer.lr}
        self.done = self.seconds >= self.budget
        if not self._setup_sent:
            self._setup_sent = True
            progress["setup"] = {"unigram": self.unigram, "bigram": self.bigram, "vocab_size": self.vocab.size,
                                 "train_tokens": len(self.train_ids), "val_tokens": len(self.val_ids),
                                 "params": self.model.n_params(), "tokens": self.vocab.kind,
                                 "coverage": self.coverage}
        if self.done or self.seconds >= self.next_eval:
            progress["val_loss"] = self.evaluate()
            self.next_eval = self.seconds + EVAL_EVERY
        if self.done or self.seconds >= self.next_sample:
            progress["sample"] = self.write_sample()
            self.next_sample = self.seconds + SAMPLE_EVERY
        if self.steps:
            keep(self)  # Generate can use the model from the first step on, also after Stop
        return progress

    def result(self):
        return {
            "steps": self.steps,
            "seconds": round(self.seconds, 3),
            "train_loss": self.train_loss,
            "val_loss": self.val_loss,
            "best_val_loss": self.best_val,
            "unigram_loss": self.unigram,
            "bigram_loss": self.bigram,
            "seconds_to_bigram": None if self.seconds_to_bigram is None else round(self.seconds_to_bigram, 3),
            "tokens": self.vocab.kind,
            "vocab_size": self.vocab.size,
            "val_coverage": self.coverage,
            "chars_per_token": len(self.corpus.validation) / len(self.val_ids),
            # per character, so that character and BPE runs compare: nats/token ÷ ln 2 × tokens/character
            "val_bits_per_char": None if self.val_loss is None else
            self.val_loss / math.log(2) * len(self.val_ids) / len(self.corpus.validation),
            "bigram_bits_per_char": self.bigram / math.log(2) * len(self.val_ids) / len(self.corpus.validation),
            "params": self.model.n_params(),
            "sample": self.sample,
        }


def keep(session):
    """Make ``session`` the trained model that Generate uses (e.g. after a run the reader stopped)."""
    global _trained
    _trained = session


def forget():
    global _trained
    _trained = None


class Forget:
    """"gpt:Forget": drop the trained model (the page's Reset), so that its memory can be reused."""

    def __init__(self, params):
        forget()
        self.done = False

    def advance(self, seconds):
        self.done = True
        return {}

    def result(self):
        return {"forgotten": True}


class Generate:
    """Continue a prompt with the trained model, a few tokens per slice (the page shows them as they come)."""

    def __init__(self, params):
        v = GENERATE_SETTINGS.read(params)
        session = _trained
        if session is None:
            raise InputError("还没有训练好的模型：请先点“训练”，等训练结束后再生成。")
        if not v["prompt"].strip():
            raise InputError("提示词是空的：请输入几个字作为开头。")
        # characters outside the vocabulary become its shared "rare" id (□); the page says which ones
        self.rare_chars = session.vocab.missing(v["prompt"]) if session.vocab.kind == "char" else []
        ids = session.vocab.encode(v["prompt"])
        pick = picker(v["temperature"], v["top_k"], v["top_p"], np.random.RandomState(v["seed"]), v["greedy"])
        self.session, self.length = session, v["length"]
        self.generator = Generator(session.model, ids, pick)
        self.start = len(ids)
        self.entropies = []
        self.done = False

    def text(self):
        return self.session.vocab.decode(self.generator.ids[self.start:])

    def attention(self):
        """The last token's attention over its context (averaged over heads and layers), with the tokens' text."""
        gen = self.generator
        weights = np.mean(gen.attention(), axis=0)
        ids = gen.ids[gen.window:gen.window + len(weights)]
        return {"tokens": [self.session.vocab.label(i) for i in ids], "weights": np.round(weights, 4)}

    def advance(self, seconds):
        start = time.perf_counter()
        while len(self.generator.ids) - self.start < self.length and time.perf_counter() - start < seconds:
            self.generator.step()
            self.entropies.append(entropy(softmax(self.generator.logits)))
        self.done = len(self.generator.ids) - self.start >= self.length
        return {"text": self.text(), "tokens": len(self.generator.ids) - self.start, "attention": self.attention(),
                "rare_chars": self.rare_chars}

    def result(self):
        return {"text": self.text(), "tokens": len(self.generator.ids) - self.start, "rare_chars": self.rare_chars,
                "mean_entropy_bits": float(np.mean(self.entropies)) if self.entropies else None}
