"""A demo's settings, declared once.

A session module declares its settings as ``SETTINGS = Settings(Number(...), Choice(...), ...)`` and its
``Session.__init__`` starts with ``values = SETTINGS.read(params)``. The same declaration reaches the page:
the build hook writes ``SETTINGS.spec()`` as JSON into the demo's element (``data-settings``), and
``docs/assets/js/settings.js`` builds the controls from it and checks typed values with the same rules and the
same messages as :meth:`Settings.read` (a test compares the two on hostile input for every demo).

Numbers may be typed with a Chinese input method: full-width digits and signs (``０.０１``, ``－１``, ``１ｅ－３``)
and the ideographic full stop (``。``) read as the ASCII number they stand for.
"""
import math
import re

from demos.apps import InputError

FULL_WIDTH = {ord("\u3002"): ".", ord("\uff61"): ".", ord("\u2212"): "-", ord("\u3000"): " "}
FULL_WIDTH.update({code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)})
NUMBER_TEXT = re.compile(r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$")
SHOWN_CHARS = 40  # a long value is shortened in messages, so a pasted essay does not become a page-tall error


def ascii_text(text):
    """Full-width ASCII variants (what a Chinese input method types) to ASCII, trimmed."""
    return str(text).translate(FULL_WIDTH).strip()


def shown(value):
    """The value as a message quotes it: as typed, at most SHOWN_CHARS characters."""
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "…"


def bound_text(x):
    """How a range bound is printed (the page gets this exact text, so both sides print it alike)."""
    if float(x) == int(x) and abs(x) < 1e15:
        return str(int(x))
    return "{:g}".format(x)


class Field:
    kind = None

    def __init__(self, name, label, default, help=None):
        self.name, self.label, self.default, self.help = name, label, default, help

    def spec(self):
        out = {"name": self.name, "label": self.label, "kind": self.kind, "default": self.default}
        if self.help:
            out["help"] = self.help
        return out

    def fail(self, text):
        raise InputError("「{}」{}".format(self.label, text))


class Number(Field):
    """A number in [low, high]; ``integer`` for whole numbers; ``slider`` draws a range input."""
    kind = "number"

    def __init__(self, name, label, default, low, high, integer=False, step=None, slider=False, help=None):
        super().__init__(name, label, default, help)
        self.low, self.high, self.integer, self.step, self.slider = low, high, integer, step, slider

    def spec(self):
        out = super().spec()
        out.update(low=self.low, high=self.high, low_text=bound_text(self.low), high_text=bound_text(self.high),
                   integer=self.integer, slider=self.slider)
        if self.step is not None:
            out["step"] = self.step
        return out

    def read(self, raw):
        if isinstance(raw, bool):
            self.fail("必须是数字（现在是 “{}”）。".format(shown(str(raw).lower())))
        if isinstance(raw, (int, float)):
            value = float(raw)
            text = bound_text(raw) if math.isfinite(value) else repr(value)
        else:
            text = ascii_text(raw)
            if not NUMBER_TEXT.match(text):
                self.fail("必须是数字（现在是 “{}”）。".format(shown(str(raw).strip()) or "空"))
            value = float(text)
        if not math.isfinite(value) or not (self.low <= value <= self.high):
            self.fail("必须在 {} 到 {} 之间（现在是 {}）。".format(
                bound_text(self.low), bound_text(self.high), shown(text)))
        if self.integer:
            if value != int(value):
                self.fail("必须是整数（现在是 {}）。".format(shown(text)))
            return int(value)
        return value


class Choice(Field):
    """One of ``options``: a list of (value, label) pairs."""
    kind = "choice"

    def __init__(self, name, label, default, options, help=None):
        super().__init__(name, label, default, help)
        self.options = [(str(v), str(text)) for v, text in options]

    def spec(self):
        out = super().spec()
        out["options"] = [list(o) for o in self.options]
        return out

    def read(self, raw):
        value = str(raw)
        if value not in [v for v, _ in self.options]:
            self.fail("必须是 {} 之一（现在是 “{}”）。".format("、".join(t for _, t in self.options), shown(value)))
        return value


class Text(Field):
    """Free text of at most ``max_length`` characters (what it means is the session's to check)."""
    kind = "text"

    def __init__(self, name, label, default, max_length=200, help=None):
        super().__init__(name, label, default, help)
        self.max_length = max_length

    def spec(self):
        out = super().spec()
        out["max_length"] = self.max_length
        return out

    def read(self, raw):
        value = str(raw)
        if len(value) > self.max_length:
            self.fail("最多 {} 个字符（现在有 {} 个）。".format(self.max_length, len(value)))
        return value


class Flag(Field):
    """On or off."""
    kind = "flag"

    def read(self, raw):
        if isinstance(raw, bool):
            return raw
        if str(raw) in ("true", "1", "on"):
            return True
        if str(raw) in ("false", "0", "off", ""):
            return False
        self.fail("必须是开或关（现在是 “{}”）。".format(shown(str(raw))))


class Settings:
    def __init__(self, *fields):
        self.fields = list(fields)
        names = [f.name for f in self.fields]
        if len(set(names)) != len(names):
            raise ValueError("a setting is declared twice: {}".format(names))

    def __getitem__(self, name):
        return next(f for f in self.fields if f.name == name)

    def defaults(self):
        return {f.name: f.default for f in self.fields}

    def read(self, params):
        """The reader's settings, checked in declaration order; missing ones take their default.
        Keys that are not declared are ignored (a shared link may carry another demo's settings)."""
        return {f.name: f.read(params.get(f.name, f.default)) for f in self.fields}

    def spec(self):
        return [f.spec() for f in self.fields]
