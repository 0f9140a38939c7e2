// Runs on every page: renders formulas (KaTeX) and diagrams (Mermaid) when the page has them, and mounts
// the interactive demos (one module per demo, docs/assets/js/demos/<id>.js). Everything is self-hosted and
// loaded only by the pages that need it.
import { vendorUrl } from "./demo-kit.js";

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const s = document.createElement("script");
    s.src = src;
    s.onload = resolve;
    s.onerror = () => reject(new Error(`failed to load ${src}`));
    document.head.append(s);
  });
}

function loadCss(href) {
  const l = document.createElement("link");
  l.rel = "stylesheet";
  l.href = href;
  document.head.append(l);
}

// Headings with formulas reach the table of contents as raw TeX "\(...\)": render those too.
function tocFormulas() {
  return [...document.querySelectorAll(".md-nav__link .md-ellipsis")].filter((n) => n.textContent.includes("\\("));
}

async function renderMath() {
  const nodes = document.querySelectorAll(".arithmatex");
  const toc = tocFormulas();
  if (!nodes.length && !toc.length) return;
  loadCss(vendorUrl + "katex/katex.min.css");
  await loadScript(vendorUrl + "katex/katex.min.js");
  for (const node of nodes) {
    const tex = node.textContent.trim();
    const display = tex.startsWith("\\[");
    const body = tex.replace(/^\\[[(]/, "").replace(/\\[\])]$/, "");
    window.katex.render(body, node, { displayMode: display, throwOnError: false, strict: "ignore" });
    node.dataset.rendered = "katex";
  }
  for (const node of toc) {
    const parts = node.textContent.trim().split(/\\\((.+?)\\\)/);
    node.replaceChildren(...parts.map((part, i) => {
      if (i % 2 === 0) return document.createTextNode(part);
      const span = document.createElement("span");
      window.katex.render(part, span, { throwOnError: false, strict: "ignore" });
      return span;
    }));
  }
}

async function renderDiagrams() {
  const nodes = [...document.querySelectorAll(".diagram-mermaid")];
  if (!nodes.length) return;
  await loadScript(vendorUrl + "mermaid/mermaid.min.js");
  const dark = document.body.getAttribute("data-md-color-scheme") === "slate";
  window.mermaid.initialize({ startOnLoad: false, theme: dark ? "dark" : "default", securityLevel: "strict" });
  for (const node of nodes) {
    const source = node.textContent;
    node.textContent = "";
    const { svg } = await window.mermaid.render(`diagram-${nodes.indexOf(node)}`, source);
    node.innerHTML = svg;
    node.dataset.rendered = "mermaid";
  }
}

async function mountDemos() {
  for (const el of document.querySelectorAll("[data-demo]")) {
    const id = el.dataset.demo;
    try {
      const module = await import(`./demos/${id}.js`);
      module.mount(el);
    } catch (err) {
      el.dataset.state = "error";
      el.innerHTML = `<div class="demo-error">演示 “${id}” 加载失败：${err.message}</div>`;
      console.warn(err);
    }
  }
}

renderMath();
renderDiagrams();
mountDemos();
