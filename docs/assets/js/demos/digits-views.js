// What the digit recogniser shows: the 28 x 28 input enlarged, probability bars for the ten classes,
// small digit thumbnails (the gallery), and plain result tables. Plain DOM and Canvas 2D.
import { h } from "../demo-kit.js";
import { paintGray } from "../views/digit-images.js";

/** Draw 784 values 0..1 into a 28 x 28 canvas (grey levels, white ink on black). */
export function paintDigit(canvas, pixels) {
  paintGray(canvas, pixels, { ink: false, max: 1 }); // the model's input: floats 0..1, white on black
}

/** A 28 x 28 canvas with hard pixel edges; its displayed size comes from `className` (digits.css). */
export function digitCanvas(className, label) {
  const canvas = h("canvas", { width: 28, height: 28, role: "img", "aria-label": label, class: className });
  paintDigit(canvas, null);
  return canvas;
}

/** Ten horizontal bars, one per digit, with the probability as text. */
export class ProbabilityBars {
  constructor(parent) {
    this.el = h("div", { class: "digits-bars", role: "list", "aria-label": "十个数字各自的概率" });
    this.rows = [];
    for (let d = 0; d < 10; d++) {
      const bar = h("div", { class: "digits-bar" });
      const track = h("div", { role: "listitem", class: "digits-track" }, bar);
      const value = h("span", { class: "digits-prob" }, "—");
      const name = h("strong", {}, String(d));
      this.el.append(name, track, value);
      this.rows.push({ bar, track, value, name });
    }
    parent.append(this.el);
  }

  show(probabilities) {
    let best = -1;
    if (probabilities) {
      best = 0;
      for (let d = 1; d < 10; d++) if (probabilities[d] > probabilities[best]) best = d;
    }
    this.rows.forEach(({ bar, track, value }, d) => {
      const p = probabilities ? probabilities[d] : 0;
      bar.style.width = `${(100 * p).toFixed(1)}%`; // CSSOM, not a style attribute
      bar.classList.toggle("is-best", d === best);
      value.textContent = probabilities ? `${(100 * p).toFixed(1)}%` : "—";
      track.setAttribute("aria-label", probabilities ? `${d}：${(100 * p).toFixed(1)}%` : `${d}：无`);
    });
  }
}

/** A button showing a digit thumbnail; `caption` under it. */
export function thumbnailButton(pixels, label, caption, onClick) {
  const canvas = digitCanvas("digits-thumb-img", label);
  const button = h("button", { type: "button", class: "digits-thumb", "aria-label": label, title: label, onclick: onClick },
    canvas, caption ? h("span", {}, caption) : null);
  paintDigit(canvas, pixels);
  return button;
}

/** A simple table: header cells and rows of cell texts (no class, so the theme styles it as a content table). */
export function table(headers, rows) {
  return h("table", {},
    h("thead", {}, h("tr", {}, ...headers.map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, ...rows.map((r) => h("tr", {}, ...r.map((t) => h("td", {}, t))))));
}

export const ms = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
export const pct = (x) => `${(100 * x).toFixed(2)}%`;
export const kb = (bytes) => `${(bytes / 1024).toFixed(0)} KB`;
/** A download size for the reader: KB below a megabyte, else MB with one decimal. */
export const size = (bytes) => (bytes < 1e6 ? kb(bytes) : `${(bytes / 1e6).toFixed(1)} MB`);
