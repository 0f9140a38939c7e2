"""MNIST digits with a 784 -> 500 -> 10 multilayer perceptron, trained with Adam.

The NumPy twin of the PyTorch MLP listing: flatten each 28x28 image, one hidden
ReLU layer of 500 units, softmax cross-entropy on the logits, Adam (lr 0.001),
mini-batches of 64. To finish in a few seconds it trains on the first
N_TRAIN images of the book's MNIST pack for EPOCHS epochs and tests on N_TEST
held-out images. Pass a folder of the standard MNIST IDX files (or another
.npz) as the first argument to use other data.
"""
import os
import sys

import numpy as np

from demos.data import load_mnist
from demos.layers import Dense, ReLU, Sequential
from demos.losses import SoftmaxCrossEntropy
from demos.optim import Adam

N_TRAIN = 2000
N_TEST = 1000
EPOCHS = 3
BATCH_SIZE = 64
LEARNING_RATE = 0.001
HIDDEN = 500
SEED = 0
MNIST_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs", "vendor", "data", "mnist.npz")


def build_model(rng):
    return Sequential([Dense(28 * 28, HIDDEN, rng), ReLU(), Dense(HIDDEN, 10, rng)])


def load_subset(path=MNIST_PATH):
    """Flattened float32 images in [0, 1]: (x_train, y_train, x_test, y_test)."""
    (x_train, y_train), (x_test, y_test) = load_mnist(path)
    return (x_train[:N_TRAIN].reshape(-1, 28 * 28), y_train[:N_TRAIN],
            x_test[:N_TEST].reshape(-1, 28 * 28), y_test[:N_TEST])


def accuracy(model, x, y):
    return float(np.mean(model.forward(x, training=False).argmax(axis=1) == y))


def train(data=None, epochs=EPOCHS, seed=SEED, report=None):
    """Returns the model and the mean training loss of every epoch."""
    x_train, y_train, _, _ = data if data is not None else load_subset()
    rng = np.random.RandomState(seed)
    model = build_model(rng)
    loss_fn, optimizer = SoftmaxCrossEntropy(), Adam(LEARNING_RATE)
    epoch_losses = []
    for epoch in range(epochs):
        order = rng.permutation(len(x_train))  # a new order every epoch, like shuffle=True
        losses = []
        for start in range(0, len(order), BATCH_SIZE):
            batch = order[start:start + BATCH_SIZE]
            losses.append(loss_fn.forward(model.forward(x_train[batch]), y_train[batch]))
            model.backward(loss_fn.backward())
            optimizer.step(model)
        epoch_losses.append(float(np.mean(losses)))
        if report is not None:
            report(epoch + 1, epoch_losses[-1])
    return model, epoch_losses


def main(path=MNIST_PATH):
    data = load_subset(path)
    model, _ = train(data, report=lambda e, l: print("epoch {}/{}  mean training loss {:.4f}".format(e, EPOCHS, l)))
    print("parameters: {}".format(model.n_params()))
    print("test accuracy on {} images: {:.1%}".format(len(data[3]), accuracy(model, data[2], data[3])))


if __name__ == "__main__":
    main(*sys.argv[1:2])
