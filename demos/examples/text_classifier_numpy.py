"""Sentence classification with a one-block Transformer encoder and a BERT-style head.

The NumPy twin of the BERT listing's architecture, trained from scratch on a toy
language instead of fine-tuned from pre-trained weights:

    [CLS] w1 ... wT -> embedding + positions -> Transformer block
      -> vector at [CLS] -> tanh(W h + b) (the "pooler") -> linear layer -> 2 logits

The toy language: each sentence has one sentiment word among filler words, and
"not" right before it flips its meaning ("not good" is negative). The label
depends on two words together, so the model has to combine them; the [CLS]
position gathers what it needs from the whole sentence through attention.
"""
import numpy as np

from demos.attention import Embedding, PositionalEncoding, TransformerBlock
from demos.layers import Dense, Layer, Sequential, Tanh
from demos.losses import SoftmaxCrossEntropy
from demos.optim import Adam

POSITIVE = ["good", "great", "fun", "moving"]
NEGATIVE = ["bad", "dull", "awful", "boring"]
FILLER = ["the", "film", "was", "plot", "and", "quite"]
VOCAB = ["[CLS]", "not"] + POSITIVE + NEGATIVE + FILLER
TOKEN = {word: i for i, word in enumerate(VOCAB)}

LENGTH = 8            # words per sentence, [CLS] not counted
N_TRAIN = 1000
N_TEST = 500
EPOCHS = 6
BATCH_SIZE = 50
LEARNING_RATE = 0.003
D_MODEL = 32
N_HEADS = 2
SEED = 0


def make_sentence(rng):
    """A sentence (list of words) and its label: 1 positive, 0 negative."""
    words = [FILLER[i] for i in rng.randint(len(FILLER), size=LENGTH)]
    pos = rng.randint(1, LENGTH)
    positive = rng.rand() < 0.5
    words[pos] = (POSITIVE if positive else NEGATIVE)[rng.randint(len(POSITIVE))]
    negated = rng.rand() < 0.5
    if negated:
        words[pos - 1] = "not"
    return words, int(positive != negated)


def make_data(n, seed):
    rng = np.random.RandomState(seed)
    sentences, labels = zip(*(make_sentence(rng) for _ in range(n)))
    ids = np.array([[TOKEN["[CLS]"]] + [TOKEN[w] for w in s] for s in sentences], dtype=np.int64)
    return ids, np.array(labels, dtype=np.int64), list(sentences)


class TakeFirst(Layer):
    """y = x[:, 0]: the vector at the [CLS] position, (B, T, D) -> (B, D)."""

    def forward(self, x, training=True):
        self._shape = x.shape
        return x[:, 0]

    def backward(self, dy):
        dx = np.zeros(self._shape, dtype=dy.dtype)
        dx[:, 0] = dy
        return dx


def build_model(rng):
    return Sequential([
        Embedding(len(VOCAB), D_MODEL, rng),
        PositionalEncoding(D_MODEL, max_len=LENGTH + 1),
        TransformerBlock(D_MODEL, 2 * D_MODEL, rng, n_heads=N_HEADS),
        TakeFirst(),
        Dense(D_MODEL, D_MODEL, rng), Tanh(),   # BERT's pooler
        Dense(D_MODEL, 2, rng),                 # the classification head
    ])


def accuracy(model, ids, labels):
    return float(np.mean(model.forward(ids, training=False).argmax(axis=1) == labels))


def train(epochs=EPOCHS, seed=SEED, report=None):
    """Returns the model, the mean training loss of every epoch and the test set (ids, labels, sentences)."""
    x_train, y_train, _ = make_data(N_TRAIN, seed)
    test = make_data(N_TEST, seed + 1)
    rng = np.random.RandomState(seed)
    model = build_model(rng)
    loss_fn, optimizer = SoftmaxCrossEntropy(), Adam(LEARNING_RATE)
    epoch_losses = []
    for epoch in range(epochs):
        order = rng.permutation(N_TRAIN)
        losses = []
        for start in range(0, N_TRAIN, BATCH_SIZE):
            batch = order[start:start + BATCH_SIZE]
            losses.append(loss_fn.forward(model.forward(x_train[batch]), y_train[batch]))
            model.backward(loss_fn.backward())
            optimizer.step(model)
        epoch_losses.append(float(np.mean(losses)))
        if report is not None:
            report(epoch + 1, epoch_losses[-1], accuracy(model, test[0], test[1]))
    return model, epoch_losses, test


def main():
    model, _, (ids, labels, sentences) = train(
        report=lambda e, l, a: print("epoch {:2d}/{}  training loss {:.4f}  test accuracy {:.1%}".format(e, EPOCHS, l, a)))
    print("parameters: {}".format(model.n_params()))
    probs = np.exp(model.forward(ids[:3], training=False))
    probs /= probs.sum(axis=1, keepdims=True)
    for words, label, p in zip(sentences[:3], labels[:3], probs[:, 1]):
        print("{:50s} label {}  P(positive) = {:.2f}".format(" ".join(words), label, p))


if __name__ == "__main__":
    main()
