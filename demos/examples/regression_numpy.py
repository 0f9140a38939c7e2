"""Learn y = 2x from three points with a 1 -> 10 -> 1 ReLU network (MSE, plain SGD).

The NumPy twin of the book's corrected PyTorch regression listing: same data,
same architecture, same loss, optimiser, learning rate and number of epochs.
The inputs are a column (3, 1), three samples of one feature, because a
Dense(1, 10) layer expects the feature axis last.
"""
import numpy as np

from demos.layers import Dense, ReLU, Sequential
from demos.losses import MSE
from demos.optim import SGD

EPOCHS = 1000
LEARNING_RATE = 0.01
HIDDEN = 10
REPORT_EVERY = 100
SEED = 0

X = np.array([[1.0], [2.0], [3.0]], dtype=np.float32)  # shape (3, 1)
Y = 2 * X
X_NEW = np.array([[4.0]], dtype=np.float32)  # not seen in training: does the net extrapolate?


def build_model(rng):
    return Sequential([Dense(1, HIDDEN, rng), ReLU(), Dense(HIDDEN, 1, rng)])


def train(epochs=EPOCHS, lr=LEARNING_RATE, seed=SEED, report=None):
    """Full-batch gradient descent; returns the model and the loss before each update plus the final one."""
    model = build_model(np.random.RandomState(seed))
    loss_fn, optimizer = MSE(), SGD(lr)
    history = []
    for epoch in range(epochs):
        loss = loss_fn.forward(model.forward(X), Y)
        model.backward(loss_fn.backward())
        optimizer.step(model)
        history.append(loss)
        if report is not None and (epoch + 1) % REPORT_EVERY == 0:
            report(epoch + 1, loss)
    history.append(loss_fn.forward(model.forward(X, training=False), Y))
    return model, history


def main():
    model, history = train(report=lambda e, l: print("epoch {:4d}/{}  loss {:.3e}".format(e, EPOCHS, l)))
    print("parameters: {}".format(model.n_params()))
    print("final training loss: {:.3e}".format(history[-1]))
    print("prediction at x = 4 (true value 8): {:.4f}".format(float(model.forward(X_NEW, training=False)[0, 0])))


if __name__ == "__main__":
    main()
