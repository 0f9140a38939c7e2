// A demo's settings as its Python session declares them (demos/apps/settings.py). The build writes the
// declaration into the demo's element as JSON (data-settings); this module reads typed values with the same
// rules and the same messages as Settings.read in Python, so a value the page accepts is one Python accepts.

const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const SHOWN_CHARS = 40;

/** Full-width ASCII variants (what a Chinese input method types) to ASCII, trimmed. */
export function asciiText(text) {
  let out = "";
  for (const ch of String(text)) {
    const code = ch.codePointAt(0);
    if (code >= 0xff01 && code <= 0xff5e) out += String.fromCodePoint(code - 0xfee0);
    else if (ch === "\u3002" || ch === "\uff61") out += ".";
    else if (ch === "\u2212") out += "-";
    else if (ch === "\u3000") out += " ";
    else out += ch;
  }
  return out.trim();
}

/** The value as a message quotes it: as typed, at most SHOWN_CHARS characters (counted as Python counts). */
export function shown(text) {
  const chars = [...String(text)];
  return chars.length <= SHOWN_CHARS ? chars.join("") : chars.slice(0, SHOWN_CHARS).join("") + "…";
}

class InputError extends Error {}

function fail(field, text) {
  throw new InputError(`「${field.label}」${text}`);
}

function readNumber(field, raw) {
  const text = asciiText(raw);
  if (!NUMBER_TEXT.test(text)) fail(field, `必须是数字（现在是 “${shown(String(raw).trim()) || "空"}”）。`);
  const value = Number(text);
  if (!Number.isFinite(value) || value < field.low || value > field.high) {
    fail(field, `必须在 ${field.low_text} 到 ${field.high_text} 之间（现在是 ${shown(text)}）。`);
  }
  if (field.integer && !Number.isInteger(value)) fail(field, `必须是整数（现在是 ${shown(text)}）。`);
  return value;
}

/** One setting from what was typed (a string, or a boolean for a flag); throws an Error with the reader's message. */
export function readField(field, raw) {
  if (field.kind === "number") return readNumber(field, raw);
  if (field.kind === "choice") {
    const value = String(raw);
    if (!field.options.some(([v]) => v === value)) {
      fail(field, `必须是 ${field.options.map(([, t]) => t).join("、")} 之一（现在是 “${shown(value)}”）。`);
    }
    return value;
  }
  if (field.kind === "text") {
    const value = String(raw);
    const length = [...value].length;
    if (length > field.max_length) fail(field, `最多 ${field.max_length} 个字符（现在有 ${length} 个）。`);
    return value;
  }
  if (field.kind === "flag") {
    if (raw === true || raw === false) return raw;
    if (["true", "1", "on"].includes(String(raw))) return true;
    if (["false", "0", "off", ""].includes(String(raw))) return false;
    fail(field, `必须是开或关（现在是 “${shown(String(raw))}”）。`);
  }
  throw new Error(`unknown setting kind ${field.kind}`);
}

/** All settings, in declaration order (the first bad one throws); missing ones take their default. */
export function readSettings(spec, raw) {
  const out = {};
  for (const field of spec) out[field.name] = readField(field, field.name in raw ? raw[field.name] : String(field.default));
  return out;
}
