"""The sessions' time slices, view throttling and thinned curves (demos/apps/pace.py)."""
import time

from demos.apps.pace import Curve, Pace


def test_run_stops_at_the_end_of_the_slice_or_when_finished():
    pace = Pace()
    count = pace.run(0.05, lambda: time.sleep(0.01), lambda: False)
    assert 3 <= count <= 6 and 0.05 <= pace.seconds < 0.1
    done = []
    assert pace.run(10.0, lambda: done.append(1), lambda: len(done) >= 7) == 7
    assert pace.run(10.0, lambda: done.append(1), lambda: True) == 0


def test_views_are_throttled():
    pace = Pace(view_every=0.05)
    assert pace.view_due()  # the first one
    assert not pace.view_due()
    assert pace.view_due(last=True)  # the last one always
    time.sleep(0.06)
    assert pace.view_due() and not pace.view_due()


def test_curve_is_thinned_evenly_and_ends_with_the_newest_point():
    curve = Curve(size=8)
    for i in range(1, 40):
        curve.add(i, i * i)
    # 8 points fill it at step 8: halve to 2, 4, 6, 8 and keep every 2nd; again at 16 -> every 4th; at 32 -> every 8th
    assert curve.take() == {"x": [8, 16, 24, 32, 39], "y": [64, 256, 576, 1024, 1521]}
    assert curve.take() == {"x": [], "y": []}
    curve.add(1, 0.5)
    assert curve.take() == {"x": [1], "y": [0.5]}
