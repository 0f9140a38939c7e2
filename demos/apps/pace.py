"""How a session spends the worker's time slices and how often it sends the page a new picture.

``advance(seconds)`` must return after about ``seconds``; sending the page a full view (a grid, a heatmap, curves)
costs time in Python, on the bridge and in the page's drawing, so a view is sent at most every ``view_every``
seconds of wall time, and always the first and the last time.
"""
import time


class Pace:
    def __init__(self, view_every=0.25):
        self.view_every = view_every
        self.seconds = 0.0  # time spent in run(): the session's training time
        self._last_view = None

    def run(self, seconds, step, finished):
        """Call ``step()`` until ``finished()`` or the slice of ``seconds`` is used up; returns how many steps ran."""
        start = last = time.perf_counter()
        count = 0
        while not finished() and last - start < seconds:
            step()
            count += 1
            now = time.perf_counter()
            self.seconds += now - last  # step by step: a session may read its training time while it runs
            last = now
        return count

    def view_due(self, last=False):
        """True when a view should be sent now: the first time, the last time (``last``), or ``view_every`` seconds
        after the previous one."""
        now = time.perf_counter()
        if last or self._last_view is None or now - self._last_view >= self.view_every:
            self._last_view = now
            return True
        return False


class Curve:
    """The points (x, y) of a curve gathered between two views, at most ``size`` of them: when full, every other point
    is dropped and from then on only every other new one is kept, so a fast loop sends a thinned curve, evenly
    spaced, instead of every step. ``take()`` returns {"x": [...], "y": [...]}, always ending with the newest point."""

    def __init__(self, size=200):
        self.size = size
        self._reset()

    def _reset(self):
        self.x, self.y, self.count, self.stride, self.last = [], [], 0, 1, None

    def add(self, x, y):
        self.last = (x, y)
        self.count += 1
        if self.count % self.stride:
            return
        self.x.append(x)
        self.y.append(y)
        if len(self.x) >= self.size:
            self.x, self.y, self.stride = self.x[1::2], self.y[1::2], 2 * self.stride

    def take(self):
        x, y = self.x, self.y
        if self.last is not None and (not x or x[-1] != self.last[0]):
            x.append(self.last[0])
            y.append(self.last[1])
        self._reset()
        return {"x": x, "y": y}
