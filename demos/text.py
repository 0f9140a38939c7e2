"""Text for the language-model demos: the book's own prose (corpus.json, written by build_tools/corpus.py) or
text the reader pastes, split into training and validation text; and a character vocabulary.

    corpus = load_corpus()                  # the book: corpus.train, corpus.validation, corpus.paragraphs
    corpus = Corpus.from_text(pasted)       # the reader's text, checked (check_text) and split the same way
    vocab = CharVocab(corpus.train + corpus.validation)
    ids = vocab.encode("模型")               # -> array of ints;  vocab.decode(ids) == "模型"
    top = TopCharVocab(corpus.train, 512)   # the 511 most frequent characters + one id for all the others

The split is fixed. The book's (build_tools/corpus.py) is made when the book is built: about one paragraph in
SPLIT_EVERY, chosen by a hash of its text. Pasted text: line i (from 0) is validation when
i % SPLIT_EVERY == SPLIT_EVERY - 1 (a short text always gets its share); text with fewer than SPLIT_EVERY lines keeps
its last tenth of characters for validation instead.
"""
import json

import numpy as np

from demos.apps import InputError, asset_path

SPLIT_EVERY = 10
MAX_PASTED_CHARS = 200000
MIN_PASTED_CHARS = 20

_loaded = {}


class Corpus:
    """Paragraphs (dicts with at least 'text'; the book's also have 'page', 'title', 'heading', 'anchor', 'split')
    and the training / validation text (paragraphs joined by newlines)."""

    def __init__(self, paragraphs, name="book", info=None):
        self.paragraphs = paragraphs
        self.name = name
        self.info = info or {}
        self.train = "\n".join(p["text"] for p in paragraphs if p["split"] == "train")
        self.validation = "\n".join(p["text"] for p in paragraphs if p["split"] == "validation")

    @property
    def text(self):
        """All of it, in the original order."""
        return "\n".join(p["text"] for p in self.paragraphs)

    @classmethod
    def from_text(cls, text, name="pasted"):
        """The reader's own text as a corpus (checked first: see check_text)."""
        text = check_text(text)
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if len(lines) >= SPLIT_EVERY:
            paragraphs = [{"text": line, "split": "validation" if i % SPLIT_EVERY == SPLIT_EVERY - 1 else "train"}
                          for i, line in enumerate(lines)]
        else:
            joined = "\n".join(lines)
            cut = len(joined) - max(1, len(joined) // SPLIT_EVERY)
            paragraphs = [{"text": joined[:cut], "split": "train"}, {"text": joined[cut:], "split": "validation"}]
        return cls(paragraphs, name=name, info={"chars": {"total": len(text)}})


def check_text(text, max_chars=MAX_PASTED_CHARS, min_chars=MIN_PASTED_CHARS):
    """The reader's text if it can be used, else InputError with a message for the reader."""
    if not isinstance(text, str):
        raise InputError("粘贴的文本无法读取（不是文字）。")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError("粘贴的文本里有无法识别的字符（损坏的 Unicode 编码，例如半个表情符号），请删掉后重试。")
    if "\x00" in text:
        raise InputError("粘贴的文本里有空字符（\\0），像是二进制文件而不是文字，请换一段文本。")
    stripped = text.strip()
    if not stripped:
        raise InputError("粘贴的文本是空的：请先粘贴一段文字，或者改用本书的文本。")
    if len(stripped) < min_chars:
        raise InputError("粘贴的文本太短（{} 个字符），至少需要 {} 个字符。".format(len(stripped), min_chars))
    if len(text) > max_chars:
        raise InputError("粘贴的文本太长（{:,} 个字符），最多 {:,} 个字符。".format(len(text), max_chars))
    return text


def load_corpus(path=None):
    """The book's corpus (loaded once per runtime; a second demo on the page reuses it)."""
    path = path or asset_path("data/corpus.json")
    if path not in _loaded:
        try:
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
        except (OSError, ValueError):
            raise InputError("本书的文本语料（data/corpus.json）没有加载成功，请刷新页面后重试。")
        info = {k: v for k, v in data.items() if k != "paragraphs"}
        _loaded[path] = Corpus(data["paragraphs"], name="book", info=info)
    return _loaded[path]


class CharVocab:
    """One id per distinct character of a text, in code-point order: the simplest tokenizer."""

    def __init__(self, text):
        self.chars = sorted(set(text))
        self.index = {c: i for i, c in enumerate(self.chars)}

    @property
    def size(self):
        return len(self.chars)

    def encode(self, text):
        """Ids of the characters; a character the vocabulary has not seen raises InputError."""
        try:
            return np.array([self.index[c] for c in text], dtype=np.int64)
        except KeyError as err:
            raise InputError("字符 “{}” 不在词表里（词表只有训练文本中出现过的 {} 个字符）。".format(
                err.args[0], self.size))

    def decode(self, ids):
        return "".join(self.chars[int(i)] for i in ids)


class TopCharVocab(CharVocab):
    """The ``size - 1`` most frequent characters of a text keep an id each (most frequent first, ties in code-point
    order); every other character shares the last id, ``rare``, shown as RARE_CHAR. A text with fewer distinct
    characters gets one id each plus the shared id (for characters it does not have).

    coverage(text) = share of the characters of ``text`` that keep their own id

    A smaller vocabulary makes the output layer (width × vocabulary products, softmax over the vocabulary) cheaper,
    and the rare characters, each seen a few times, had little to teach anyway.
    """

    RARE_CHAR = "□"

    def __init__(self, text, size):
        counts = {}
        for c in text:
            counts[c] = counts.get(c, 0) + 1
        ranked = sorted(counts, key=lambda c: (-counts[c], c))
        self.chars = ranked[:max(1, int(size) - 1)] + [self.RARE_CHAR]
        self.rare = len(self.chars) - 1
        self.index = {c: i for i, c in enumerate(self.chars[:-1])}

    def encode(self, text):
        """Ids of the characters; a character outside the vocabulary gets the shared id ``rare``."""
        rare = self.rare
        return np.array([self.index.get(c, rare) for c in text], dtype=np.int64)

    def covered(self, text):
        """How many characters of ``text`` keep their own id."""
        return sum(1 for c in text if c in self.index)

    def coverage(self, text):
        return self.covered(text) / max(1, len(text))

    def missing(self, text):
        """The distinct characters of ``text`` that share the id ``rare``, in order of appearance."""
        seen = []
        for c in text:
            if c not in self.index and c not in seen:
                seen.append(c)
        return seen
