"""A small convolutional network trained in the page: Conv 1 -> F (3×3), ReLU, 2×2 max pooling, Dense -> 10.

The training loop is the MLP demo's (demos.apps.mnist_mlp); what changes is the model, and that the page also
receives the learned 3×3 filters and the feature maps that one chosen held-out digit produces, to watch the
filters turn into stroke and edge detectors as training goes on.
"""
import numpy as np

from demos.apps import mnist_mlp
from demos.apps.settings import Number, Settings
from demos.layers import Conv2D, Dense, Flatten, MaxPool2D, ReLU, Sequential, softmax

SETTINGS = Settings(
    Number("filters", "卷积核个数", 8, 1, 32, integer=True),
    Number("lr", "学习率", 0.005, 1e-5, 1.0),
    Number("batch", "批大小", 32, 1, 1000, integer=True),
    Number("epochs", "训练轮数", 3, 1, 200, integer=True),
    Number("seconds", "时间上限（秒）", 45, 1, 600),
    Number("digit", "示例数字（测试集编号 0–1999）", 0, 0, 1999, integer=True),
    mnist_mlp.SEED)


class Session(mnist_mlp.Session):
    SETTINGS = SETTINGS
    VIEW_EVERY = 0.5
    SAMPLES_PER_EVAL = 1600
    EVAL_IMAGES = 500  # a convolution is slow without BLAS: the live curve uses the first 500 held-out images

    def build_model(self, v, rng):
        self.filters, self.digit = v["filters"], v["digit"]
        side = (28 - 3 + 1) // 2
        return Sequential([Conv2D(1, self.filters, 3, rng), ReLU(), MaxPool2D(2), Flatten(),
                           Dense(self.filters * side * side, 10, rng)])

    def inputs(self, images, training=False):
        return images[:, None]  # one input channel: (n, 1, 28, 28)

    def advance(self, seconds):
        progress = super().advance(seconds)
        if self.pace.view_due(last=self.done):
            progress["visual"] = self.visual()
        return progress

    def visual(self):
        """The filters (F, 3, 3), the ReLU feature maps (F, 26, 26) of the chosen digit, scaled per map to 0..1,
        and the network's probabilities for that digit."""
        image = self.inputs(self.x_test[self.digit:self.digit + 1])
        conv, relu = self.model.layers[0], self.model.layers[1]
        maps = relu.forward(conv.forward(image, training=False), training=False)[0]
        peak = maps.reshape(len(maps), -1).max(axis=1)
        scaled = maps / np.where(peak > 0, peak, 1)[:, None, None]
        probs = softmax(self.model.forward(image, training=False))[0]
        return {
            "filters": np.round(conv.params["W"][:, 0], 4),
            "maps": mnist_mlp.image_bytes(scaled),
            "map_size": maps.shape[-1],
            "probs": np.round(probs, 4),
            "digit": self.digit,
            "label": int(self.y_test[self.digit]),
            "image": mnist_mlp.image_bytes(self.x_test[self.digit]),
        }

    def settings(self):
        return {"filters": self.filters, "digit": self.digit}
