// A captioned box for one plot among several (the RNN and attention demos).
import { h } from "../demo-kit.js";

/** Append a box with a small caption to `parent`; returns the box, to put a plot in. */
export function panel(parent, text) {
  const box = h("div", {}, h("div", { style: "font-size: 0.75rem; margin-bottom: 0.2rem;" }, text));
  parent.append(box);
  return box;
}
