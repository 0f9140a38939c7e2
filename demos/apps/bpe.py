"""Byte-level BPE learned in the page, on the book's own text or on text the reader pastes (demos/bpe.py).

``Session`` learns the merges a few at a time and reports each new token (its text, e.g. "模型") and the average
number of characters per token so far. When training is done the tokenizer stays in this module, and
``Encode`` (the page calls "bpe:Encode" with {text}) splits any sentence the reader types with it.
"""
import time

from demos.apps import InputError
from demos.apps.settings import Choice, Number, Settings, Text
from demos.bpe import BASE, Trainer
from demos.text import MAX_PASTED_CHARS, Corpus, load_corpus

MAX_VOCAB = 2048
MAX_ENCODE_CHARS = 2000

SETTINGS = Settings(
    Number("vocab_size", "词表大小", 768, BASE + 1, MAX_VOCAB, integer=True,
           help="256 个字节，加上要学的合并次数（默认 512 次）"),
    Choice("corpus", "训练文本", "book", [("book", "本书正文"), ("pasted", "我粘贴的文本")]),
    Text("text", "粘贴的文本", "", max_length=MAX_PASTED_CHARS,
         help="选「我粘贴的文本」时用；文本只在本页的浏览器里处理，不会发送到任何地方"),
)

_trained = {"tokenizer": None, "corpus": None}


def tokenizer():
    """The tokenizer the last finished training left here, or None."""
    return _trained["tokenizer"]


class Session:
    def __init__(self, params):
        v = SETTINGS.read(params)
        self.vocab_size = v["vocab_size"]
        self.corpus_name = v["corpus"]
        self.corpus = load_corpus() if v["corpus"] == "book" else Corpus.from_text(v["text"])
        self.trainer = Trainer(self.corpus.train, self.vocab_size)
        self.bytes = len(self.trainer.ids)
        self.seconds = 0.0
        self.sent = 0
        self.points = [(BASE, self.trainer.chars_per_token())]
        self.counts = []
        self.done = False

    def advance(self, seconds):
        start = time.perf_counter()
        trainer = self.trainer
        while not self.done and time.perf_counter() - start < seconds:
            learned = trainer.step()
            if learned is None:
                self.done = True
                break
            self.counts.append(learned[2])
            self.points.append((trainer.tokenizer.size, trainer.chars_per_token()))
        self.seconds += time.perf_counter() - start
        tok = trainer.tokenizer
        new = range(BASE + self.sent, tok.size)
        progress = {
            "vocab": tok.size,
            "target": self.vocab_size,
            "seconds": round(self.seconds, 2),
            "chars_per_token": trainer.chars_per_token(),
            "merges": [{"id": i, "pair": tok.merges[i - BASE], "text": tok.piece_text(i),
                        "parts": [tok.piece_text(p) for p in tok.merges[i - BASE]], "count": self.counts[i - BASE]}
                       for i in new],
            "points": self.points[self.sent + 1:] if self.sent else self.points,
        }
        self.sent = tok.size - BASE
        if self.done:
            self._finish()
        return progress

    def _finish(self):
        """Check the round trip on the whole corpus and keep the tokenizer for Encode."""
        tok = self.trainer.tokenizer
        # The training ids are the encoding of the training text (training applied every merge to it); the
        # validation text is encoded afresh, as any new text would be.
        val_ids = tok.encode(self.corpus.validation)
        self.roundtrip = (tok.decode(self.trainer.ids) == self.corpus.train
                          and tok.decode(val_ids) == self.corpus.validation)
        self.val_chars_per_token = len(self.corpus.validation) / max(1, len(val_ids))
        _trained["tokenizer"] = tok
        _trained["corpus"] = self.corpus_name

    def result(self):
        tok = self.trainer.tokenizer
        return {
            "corpus": self.corpus_name,
            "vocab_size": tok.size,
            "target": self.vocab_size,
            "merges": len(tok.merges),
            "exhausted": self.trainer.exhausted,
            "seconds": round(self.seconds, 2),
            "chars": self.trainer.chars,
            "bytes": self.bytes,
            "tokens": len(self.trainer.ids),
            "chars_per_token": self.trainer.chars_per_token(),
            "validation_chars": len(self.corpus.validation),
            "validation_chars_per_token": self.val_chars_per_token,
            "roundtrip": self.roundtrip,
        }


def read_sentence(params):
    text = params.get("text", "")
    if not isinstance(text, str):
        raise InputError("请输入一段文字。")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError("输入里有无法识别的字符（损坏的 Unicode 编码，例如半个表情符号），请删掉后重试。")
    if not text.strip():
        raise InputError("请先输入一句话，再看它被切成哪些 token。")
    if len(text) > MAX_ENCODE_CHARS:
        raise InputError("输入太长（{:,} 个字符），这里最多切分 {:,} 个字符。".format(len(text), MAX_ENCODE_CHARS))
    return text


class Encode:
    """Split the reader's sentence with the trained tokenizer: tokens with their ids and texts."""

    def __init__(self, params):
        self.text = read_sentence(params)
        if tokenizer() is None:
            raise InputError("还没有训练好的分词器：请先点「训练」，等训练完成后再试。")
        self.done = False

    def advance(self, seconds):
        tok = tokenizer()
        self.ids = tok.encode(self.text)
        self.tokens = [{"id": int(i), "text": tok.piece_text(i), "bytes": len(tok.pieces[int(i)])} for i in self.ids]
        self.roundtrip = tok.decode(self.ids) == self.text
        self.done = True
        return {"tokens": len(self.ids)}

    def result(self):
        return {
            "tokens": self.tokens,
            "count": len(self.tokens),
            "chars": len(self.text),
            "bytes": len(self.text.encode("utf-8")),
            "chars_per_token": len(self.text) / len(self.tokens),
            "roundtrip": self.roundtrip,
            "corpus": _trained["corpus"],
        }
