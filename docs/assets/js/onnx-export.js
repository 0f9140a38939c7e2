// Take the model with you: after training, a demo offers its weights (.npz, written by NumPy in the worker) and an
// ONNX model that this page writes with protobufjs and ONNX's own schema (onnx.proto), then runs with ONNX Runtime
// Web on a sample input next to the NumPy forward; weights can be given back ("载入权重").
// Python: demos/apps/model_export.py (weights, graph description, sample), demos/onnx_export.py (the graph).
// Nothing is downloaded before the reader clicks.
//
//   import { addModelDownloads } from "../onnx-export.js";
//   addModelDownloads(demo, "gpt");      // one call in a demo's mount(), after demo.trainable(...)
import { h, runSession, vendorUrl } from "./demo-kit.js";

const TYPES = { float32: 1, int64: 7 };           // TensorProto.DataType
const ATTR = { FLOAT: 1, INT: 2, INTS: 7 };       // AttributeProto.AttributeType
const FLOAT_ATTRS = new Set(["epsilon", "alpha", "beta"]);
const IR_VERSION = 8;

function bytesOf(b64) {
  const text = atob(b64);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

function base64Of(bytes) {
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

let schema = null;

/** protobufjs (a classic script that defines self.protobuf) and the ModelProto type parsed from onnx.proto. */
function onnxSchema() {
  if (!schema) {
    schema = (async () => {
      if (!self.protobuf) {
        await new Promise((resolve, reject) => {
          const s = h("script", { src: vendorUrl + "protobuf/protobuf.min.js" });
          s.onload = resolve;
          s.onerror = () => reject(new Error("protobufjs 下载失败"));
          document.head.append(s);
        });
      }
      const text = await (await fetch(vendorUrl + "protobuf/onnx.proto")).text();
      return self.protobuf.parse(text, { keepCase: true }).root.lookupType("onnx.ModelProto");
    })();
    schema.catch(() => { schema = null; });
  }
  return schema;
}

const valueInfo = ([name, type, shape]) => ({
  name, type: { tensor_type: { elem_type: TYPES[type], shape: { dim: shape.map((d) => ({ dim_value: d })) } } },
});

function attribute(name, value) {
  if (Array.isArray(value)) return { name, type: ATTR.INTS, ints: value };
  if (FLOAT_ATTRS.has(name) || !Number.isInteger(value)) return { name, type: ATTR.FLOAT, f: value };
  return { name, type: ATTR.INT, i: value };
}

/** The .onnx bytes of a graph description (demos/onnx_export.py), encoded with ONNX's protobuf schema. */
export async function onnxBytes(graph, name = "model") {
  const ModelProto = await onnxSchema();
  const model = {
    ir_version: IR_VERSION,
    producer_name: "aibook",
    opset_import: [{ domain: "", version: graph.opset }],
    graph: {
      name,
      node: graph.nodes.map(([op, inputs, outputs, attrs], i) => ({
        name: `n${i}`, op_type: op, input: inputs, output: outputs,
        attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
      })),
      initializer: Object.entries(graph.initializers).map(([k, t]) => ({
        name: k, dims: t.shape, data_type: TYPES[t.dtype], raw_data: bytesOf(t.data),
      })),
      input: graph.inputs.map(valueInfo),
      output: graph.outputs.map(valueInfo),
    },
  };
  const problem = ModelProto.verify(model);
  if (problem) throw new Error(problem);
  return ModelProto.encode(ModelProto.fromObject(model)).finish();
}

let ortLoading = null;
function onnxRuntime() {
  if (!ortLoading) {
    ortLoading = import(vendorUrl + "ort/ort.wasm.min.mjs").then((ort) => {
      ort.env.wasm.wasmPaths = vendorUrl + "ort/";
      ort.env.wasm.numThreads = 1;
      ort.env.logLevel = "error";
      return ort;
    });
    ortLoading.catch(() => { ortLoading = null; });
  }
  return ortLoading;
}

/** An array {dtype, shape, data: base64} from Python as a typed array. */
export function typedArray({ dtype, data }) {
  const bytes = bytesOf(data);
  return dtype === "int64" ? new BigInt64Array(bytes.buffer) : new Float32Array(bytes.buffer);
}

/** Run the .onnx bytes on the sample input with ONNX Runtime Web: Float32Array of the first output. */
export async function runOnnx(bytes, input) {
  const ort = await onnxRuntime();
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ["wasm"] });
  const x = new ort.Tensor(input.dtype, typedArray(input), input.shape);
  const out = await session.run({ [session.inputNames[0]]: x });
  const data = out[session.outputNames[0]].data;
  await session.release?.();
  return data;
}

function save(bytes, filename, type) {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const a = h("a", { href: url, download: filename, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/**
 * Add "下载权重（.npz）", "导出 ONNX 并验证" and "载入权重" to a demo; shown once its training is done.
 * @param {Demo} demo   the page module's Demo
 * @param {string} name the Python demo whose trained model is exported (demos/apps/model_export.py)
 */
export function addModelDownloads(demo, name) {
  const npzBtn = h("button", { type: "button", class: "md-button demo-btn", "data-action": "download-npz" }, "下载权重（.npz）");
  const onnxBtn = h("button", { type: "button", class: "md-button demo-btn", "data-action": "download-onnx" }, "导出 ONNX 并验证");
  const fileInput = h("input", { type: "file", accept: ".npz", name: "load-weights" });
  const loadLabel = h("label", { class: "demo-field" }, "载入权重 ", fileInput);
  const message = h("div", { class: "model-export-status", role: "status" });
  const error = h("div", { class: "model-export-error", role: "alert", hidden: true, style: "margin: 0.4rem 0; padding: 0.4rem 0.6rem; font-size: 0.8rem; border-left: 4px solid #e53935; background: rgba(229, 57, 53, 0.1);" });
  const compare = h("table", { class: "model-export-compare", hidden: true });
  const panel = h("div", { class: "model-export", hidden: true, "data-state": "idle" },
    h("div", { class: "demo-buttons" }, npzBtn, onnxBtn, loadLabel), message, error, compare);
  demo.body.append(panel);

  let exported = null;  // the export of the current trained model (cleared when training starts again)
  const fail = (err) => {
    error.textContent = err.message;
    error.hidden = false;
    panel.dataset.state = "error";
  };
  const begin = (text) => {
    error.hidden = true;
    message.textContent = text;
    panel.dataset.state = "running";
  };
  const fetchExport = async () => {
    if (!exported) exported = runSession("model_export", { demo: name }).done;
    try {
      return await exported;
    } catch (err) {
      exported = null;
      throw err;
    }
  };

  npzBtn.addEventListener("click", async () => {
    begin("正在导出权重……");
    try {
      const r = await fetchExport();
      save(bytesOf(r.npz), `${name}-weights.npz`, "application/octet-stream");
      message.textContent = `已下载权重：${r.params.toLocaleString()} 个参数（NumPy 的 .npz 格式，float32）。`;
      panel.dataset.state = "done";
    } catch (err) { fail(err); }
  });

  onnxBtn.addEventListener("click", async () => {
    begin("正在生成 ONNX 模型……");
    try {
      const r = await fetchExport();
      const bytes = await onnxBytes(r.graph, name);
      save(bytes, `${name}.onnx`, "application/octet-stream");
      message.textContent = "正在用 ONNX Runtime Web 运行刚生成的模型……";
      const ortOut = await runOnnx(bytes, r.sample.input);
      const numpyOut = typedArray(r.sample.output);
      let maxDiff = 0;
      for (let i = 0; i < numpyOut.length; i++) maxDiff = Math.max(maxDiff, Math.abs(numpyOut[i] - ortOut[i]));
      const shown = 6;
      compare.replaceChildren(
        h("tr", {}, h("th", { scope: "col" }, "输出"), ...Array.from({ length: shown }, (_, i) => h("th", { scope: "col" }, `#${i}`))),
        h("tr", { class: "numpy" }, h("td", {}, "NumPy（Python）"), ...Array.from(numpyOut.slice(0, shown), (v) => h("td", {}, v.toFixed(5)))),
        h("tr", { class: "ort" }, h("td", {}, "ONNX Runtime Web"), ...Array.from(ortOut.slice(0, shown), (v) => h("td", {}, v.toFixed(5)))));
      compare.hidden = false;
      const result = { bytes: bytes.length, values: numpyOut.length, max_abs_diff: maxDiff, equal: maxDiff <= 1e-4 };
      panel.dataset.result = JSON.stringify(result);
      panel.dataset.sample = JSON.stringify(r.sample); // the input and the NumPy output, for checking the file elsewhere
      message.textContent = `已下载 ${name}.onnx（${(bytes.length / 1024).toFixed(1)} KB）。同一个输入的 ${numpyOut.length} 个输出，`
        + `两边最大相差 ${maxDiff.toExponential(2)}` + (result.equal ? "：一致。" : "：超过 1e-4，不一致！");
      panel.dataset.state = "done";
    } catch (err) { fail(err); }
  });

  fileInput.addEventListener("change", async () => {
    const file = fileInput.files[0];
    if (!file) return;
    begin(`正在载入 ${file.name}……`);
    try {
      const data = new Uint8Array(await file.arrayBuffer());
      await runSession("model_export:Load", { demo: name, npz: base64Of(data) }).done;
      exported = null;
      message.textContent = `已载入 ${file.name} 的权重。`;
      panel.dataset.state = "done";
    } catch (err) {
      message.textContent = "";
      fail(err);
    }
    fileInput.value = "";
  });

  // shown after a finished training; a new training makes the old export stale
  new MutationObserver(() => {
    const state = demo.el.dataset.state;
    if (state === "done") panel.hidden = false;
    if (state === "loading" || state === "running") {
      exported = null;
      panel.hidden = true;
      compare.hidden = true;
      error.hidden = true;
      message.textContent = "";
    }
  }).observe(demo.el, { attributes: true, attributeFilter: ["data-state"] });
  return panel;
}
