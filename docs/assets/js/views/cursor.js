// A movable x shared by a range slider and line charts: dragging on a chart (mouse, touch or pen) moves the
// slider, the slider itself works with the keyboard. Values are looked up on the grid Python computed; the
// slider's step is the grid's step, so every x is a grid point and no interpolation is needed.
// Used by the activations and losses demos, with the table of values at x.
import { h } from "../demo-kit.js";

/** Index of the grid point for x (grid = {min, step, length}). */
export function gridIndex(grid, x) {
  const i = Math.round((x - grid.min) / grid.step);
  return Math.max(0, Math.min(grid.length - 1, i));
}

/** Let pointer drags on each chart set `input` (a range slider) to the x under the pointer. */
export function dragToSet(charts, input) {
  for (const chart of charts) {
    const canvas = chart.canvas;
    const move = (event) => {
      const map = chart.map;
      if (!map) return;
      const [x0, x1] = chart.options.xRange;
      const rect = canvas.getBoundingClientRect();
      const cx = (event.clientX - rect.left) * canvas.logicalWidth / rect.width;
      const a = map.px(x0), b = map.px(x1);
      const x = x0 + ((cx - a) / (b - a)) * (x1 - x0);
      const step = Number(input.step), min = Number(input.min), max = Number(input.max);
      const snapped = Math.min(max, Math.max(min, min + Math.round((x - min) / step) * step));
      const text = String(+snapped.toFixed(6));
      if (input.value !== text) {
        input.value = text;
        input.dispatchEvent(new Event("input"));
      }
    };
    canvas.addEventListener("pointerdown", (event) => {
      canvas.setPointerCapture(event.pointerId);
      move(event);
    });
    canvas.addEventListener("pointermove", (event) => {
      if (canvas.hasPointerCapture(event.pointerId)) move(event);
    });
    canvas.style.cursor = "ew-resize";
  }
}

/** Draw a LineChart and remember its pixel mapping for dragToSet. */
export function drawChart(chart, series, extra) {
  chart.map = chart.draw(series, extra);
}

/** A table with one coloured row per curve ({key, name, color}) and two value columns. Returns {table, show}:
 *  show(key, [a, b], fmt) fills a row, show(key, null) blanks it. */
export function valueTable(items, headings) {
  const cells = {};
  const tbody = h("tbody");
  for (const item of items) {
    cells[item.key] = [h("td"), h("td")];
    // the colour is a swatch beside the name: text keeps the theme's colour (line colours are too light for text)
    const swatch = h("span", { "aria-hidden": "true", style: `display:inline-block;width:0.8em;height:0.3em;margin-right:0.4em;vertical-align:middle;background:${item.color}` });
    tbody.append(h("tr", {}, h("td", { style: "font-weight:700" }, swatch, item.name), ...cells[item.key]));
  }
  const table = h("table", {}, h("thead", {}, h("tr", {}, ...headings.map((t) => h("th", { scope: "col" }, t)))), tbody);
  const show = (key, pair, fmt) => cells[key].forEach((cell, i) => { cell.textContent = pair ? fmt(pair[i]) : "—"; });
  return { table, show };
}
