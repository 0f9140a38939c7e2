"""A one-block Transformer learns to reverse (or sort) a short sequence of tokens.

Model: token embedding + sinusoidal positions -> one Transformer block (single-head self-attention, FFN, residuals,
LayerNorm) -> Dense read-out to one logit per token at every position; softmax cross-entropy on every position.
Output position i can only get the token it needs through attention, so after training row i of the attention
matrix A = softmax(Q Kᵀ / √d) concentrates on the input position that holds it: position T - 1 - i for
reverse (the anti-diagonal), the positions holding the i-th smallest token for sort. (Copying is left out: the
residual connection carries each position's own token straight to its output, so its attention shows nothing.)
"""
import re

import numpy as np

from demos.apps.pace import Curve, Pace
from demos.apps.settings import Choice, Number, Settings, Text, ascii_text, shown
from demos.attention import Embedding, PositionalEncoding, TransformerBlock
from demos.data import TOKEN_TASKS
from demos.layers import Dense, Sequential
from demos.losses import SoftmaxCrossEntropy
from demos.optim import Adam
from demos.train import LossGuard, batches, step

VOCAB = 8          # tokens 0..7
MAX_LENGTH = 10
N_TRAIN = 2000
N_TEST = 256
N_EXAMPLES = 4     # held-out sequences whose attention the page can show
BATCH = 32
TARGET_ACCURACY = 0.9
VIEW_EVERY = 0.25  # seconds of training between two snapshots of the plots
SETTINGS = Settings(
    Choice("task", "任务", "reverse", [("reverse", "反转"), ("sort", "排序")]),
    Number("length", "序列长度", 6, 4, MAX_LENGTH, integer=True),
    Number("d_model", "模型宽度 d_model", 32, 4, 64, integer=True),
    Number("lr", "学习率", 0.01, 1e-6, 10.0),
    Number("steps", "训练步数", 300, 1, 5000, integer=True),
    Text("example", "自己的示例（可留空）", "", max_length=100,
         help="用空格分开的 0–7 的整数，个数等于序列长度，例如 3 1 4 1 5 2"),
    Number("seed", "随机种子", 0, 0, 2 ** 31 - 1, integer=True))
# what each task's answer is for a given input (the same rule as demos.data's generators)
ANSWER = {
    "reverse": lambda x: x[:, ::-1],
    "sort": lambda x: np.sort(x, axis=1),
}


def split(task, length, seed):
    """Training and held-out sequences; no held-out input also occurs in the training set."""
    x, y = TOKEN_TASKS[task](n=N_TRAIN + 4 * N_TEST, length=length, vocab=VOCAB, seed=seed)
    seen = set(map(tuple, x[:N_TRAIN].tolist()))
    fresh = [i for i in range(N_TRAIN, len(x)) if tuple(x[i].tolist()) not in seen][:N_TEST]
    return x[:N_TRAIN], y[:N_TRAIN], x[fresh], y[fresh]


def needed(task, x, y):
    """Boolean (N, T, T): [n, i, j] is true when output position i needs input position j."""
    n, length = x.shape
    if task == "reverse":
        return np.broadcast_to(np.eye(length, dtype=bool)[::-1], (n, length, length))
    return x[:, None, :] == y[:, :, None]  # sort: any position holding the token that belongs at i


def parse_example(text, length):
    """'3 1 4 1 5 2' -> int64 (1, length); empty text -> None."""
    text = ascii_text(text)
    if not text:
        return None
    field = SETTINGS["example"]
    parts = [p for p in re.split(r"[\s,，、]+", text) if p]
    if not all(re.match(r"^[0-9]$", p) and int(p) < VOCAB for p in parts):
        field.fail("只能包含 0 到 {} 的整数，用空格分开（现在是 “{}”）。".format(VOCAB - 1, shown(text)))
    if len(parts) != length:
        field.fail("要有 {} 个数，与序列长度一致（现在有 {} 个）。".format(length, len(parts)))
    return np.array([[int(p) for p in parts]], dtype=np.int64)


class Session:
    def __init__(self, params):
        v = SETTINGS.read(params)
        self.task, self.length, self.lr, self.steps = v["task"], v["length"], v["lr"], v["steps"]
        d_model, seed = v["d_model"], v["seed"]
        custom = parse_example(v["example"], self.length)

        self.x_train, self.y_train, self.x_test, self.y_test = split(self.task, self.length, seed)
        shown = self.x_test[:N_EXAMPLES]
        self.x_show = shown if custom is None else np.concatenate([custom, shown])
        self.y_show = ANSWER[self.task](self.x_show)

        self.rng = np.random.RandomState(seed)
        self.block = TransformerBlock(d_model, 2 * d_model, self.rng)
        self.model = Sequential([
            Embedding(VOCAB, d_model, self.rng), PositionalEncoding(d_model, max_len=MAX_LENGTH),
            self.block, Dense(d_model, VOCAB, self.rng),
        ])
        self.loss_fn = SoftmaxCrossEntropy()
        self.optimizer = Adam(self.lr)
        self.batches = batches(len(self.x_train), BATCH, self.rng)
        # a guess that ignores the input scores ln(VOCAB) ≈ 2.1; ten times the start is no longer learning
        self.guard = LossGuard(10, advice="学习率 {} 太大，请调小（例如 0.01）后重试。".format(self.lr))
        self.pace = Pace(VIEW_EVERY)

        self.step_count = 0
        self.loss = None
        self.metrics = None
        self.seconds_to_target = None
        self.curve = Curve()
        self.done = False

    def train_step(self):
        _, idx = next(self.batches)
        self.loss = step(self.model, self.loss_fn, self.optimizer, self.x_train[idx], self.y_train[idx], self.guard).loss
        self.step_count += 1
        self.curve.add(self.step_count, self.loss)

    def evaluate(self):
        """Held-out loss, per-token and whole-sequence accuracy, attention on the needed positions."""
        logits = self.model.forward(self.x_test, training=False)
        loss = self.loss_fn.forward(logits, self.y_test)
        right = logits.argmax(axis=-1) == self.y_test
        attn = self.block.attn.attn[:, 0]
        on_needed = float(np.mean(np.sum(attn * needed(self.task, self.x_test, self.y_test), axis=-1)))
        self.metrics = {
            "loss": loss,
            "accuracy": float(np.mean(right)),
            "sequence_accuracy": float(np.mean(np.all(right, axis=1))),
            "attention_on_needed": on_needed,
        }
        if self.seconds_to_target is None and self.metrics["accuracy"] >= TARGET_ACCURACY:
            self.seconds_to_target = self.pace.seconds
        return self.metrics

    def view(self):
        metrics = self.evaluate()
        logits = self.model.forward(self.x_show, training=False)
        attn = self.block.attn.attn[:, 0]
        mask = needed(self.task, self.x_show, self.y_show)
        examples = [{
            "input": self.x_show[k],
            "target": self.y_show[k],
            "output": logits[k].argmax(axis=-1),
            "attention": np.round(attn[k], 3),
            "needed": np.argwhere(mask[k]),
        } for k in range(len(self.x_show))]
        return dict(metrics, examples=examples)

    def advance(self, seconds):
        self.pace.run(seconds, self.train_step, lambda: self.step_count >= self.steps)
        self.done = self.step_count >= self.steps
        progress = {"step": self.step_count, "loss": self.loss}
        if self.pace.view_due(last=self.done):
            progress["losses"] = self.curve.take()
            progress["view"] = self.view()
        return progress

    def result(self):
        metrics = self.metrics or self.evaluate()
        return {
            "accuracy": metrics["accuracy"],
            "sequence_accuracy": metrics["sequence_accuracy"],
            "loss": metrics["loss"],
            "attention_on_needed": metrics["attention_on_needed"],
            "train_loss": self.loss,
            "target_accuracy": TARGET_ACCURACY,
            "task": self.task,
            "test_sequences": len(self.x_test),
            "steps": self.step_count,
            "seconds": round(self.pace.seconds, 3),
            "seconds_to_target": None if self.seconds_to_target is None else round(self.seconds_to_target, 3),
        }
