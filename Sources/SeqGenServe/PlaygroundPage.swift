/// The playground's one page: HTML, CSS and script in one string, served by the binary itself
/// (no CDN, works offline). It builds a panel per run from `GET /api/runs`: the controls the
/// run's head reads and its domain's options, a prime (text or a file), Generate and Stop; it
/// streams through `POST /api/runs/{id}/stream` and shows text as it comes, images, players
/// and downloads for the files, the reports, and the `seqgen generate` command of the result.
/// `?generate=ID` presses run ID's Generate button once the page has loaded.
enum PlaygroundPage {
  static let html = #"""
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>SeqGen playground</title>
    <style>
    body { font: 15px/1.45 system-ui, sans-serif; margin: 0; background: #f4f4f1; color: #222; }
    header { padding: 14px 24px; background: #23313f; color: #fff; }
    header h1 { margin: 0; font-size: 20px; }
    header p { margin: 2px 0 0; color: #c9d3dc; font-size: 13px; }
    main { display: grid; grid-template-columns: repeat(auto-fill, minmax(460px, 1fr)); gap: 16px; padding: 16px 24px; }
    section { background: #fff; border-radius: 8px; padding: 14px 16px; box-shadow: 0 1px 3px rgba(0,0,0,.12); }
    h2 { margin: 0; font-size: 17px; }
    .figures { color: #666; font-size: 13px; margin: 2px 0 10px; }
    .controls { display: grid; grid-template-columns: max-content 1fr; gap: 5px 10px; align-items: center; font-size: 13px; }
    .controls input[type=number], .controls input[type=text] { width: 10em; }
    .controls textarea { width: 100%; box-sizing: border-box; }
    details.advanced { margin-top: 6px; font-size: 13px; }
    details.advanced summary { cursor: pointer; color: #555; }
    details.advanced .controls { margin-top: 5px; }
    .buttons { margin: 10px 0; display: flex; gap: 8px; align-items: center; }
    button { font: inherit; padding: 4px 14px; border-radius: 5px; border: 1px solid #999; background: #eee; cursor: pointer; }
    button.generate { background: #2c6fbb; color: #fff; border-color: #2c6fbb; }
    button:disabled { opacity: .5; cursor: default; }
    .status { color: #666; font-size: 13px; }
    .status.error { color: #b00020; }
    pre.text { white-space: pre-wrap; background: #fafaf7; border: 1px solid #e4e4dc; padding: 8px; max-height: 320px; overflow: auto; margin: 0; }
    canvas.pen { width: 100%; background: #fafaf7; border: 1px solid #e4e4dc; margin-top: 6px; }
    .files img { max-width: 100%; background: #fff; border: 1px solid #e4e4dc; margin-top: 6px; }
    .files audio { width: 100%; margin-top: 6px; }
    .files a { margin-right: 10px; font-size: 13px; }
    .reports { font-size: 12px; color: #444; margin: 6px 0 0; padding-left: 18px; }
    code.command { display: block; font-size: 12px; background: #23313f; color: #e8eef3; padding: 6px 8px; border-radius: 4px; margin-top: 8px; word-break: break-all; }
    </style>
    </head>
    <body>
    <header><h1>SeqGen playground</h1><p id="summary">loading runs…</p></header>
    <main id="runs"></main>
    <script>
    "use strict";
    const el = (tag, attrs = {}, ...children) => {
      const e = document.createElement(tag);
      for (const [k, v] of Object.entries(attrs)) {
        if (k === "class") e.className = v; else if (k === "text") e.textContent = v; else e.setAttribute(k, v);
      }
      for (const c of children) e.append(c);
      return e;
    };
    const fmt = (x, digits) => typeof x === "number" ? x.toLocaleString("en", { maximumFractionDigits: digits }) : "–";
    // Presentation only: temperature is a slider over its useful span.
    const sliders = { temperature: { min: 0.05, max: 3, step: 0.05 } };

    function input(name, spec) {
      if (spec.kind === "bool") {
        const box = el("input", { type: "checkbox", name });
        box.checked = !!spec.value;
        return box;
      }
      if (spec.slider) {
        const wrap = el("span");
        const range = el("input", { type: "range", name, min: spec.min, max: spec.max, step: spec.step, value: spec.value });
        const shown = el("span", { text: " " + spec.value });
        range.addEventListener("input", () => { shown.textContent = " " + range.value; });
        wrap.append(range, shown);
        wrap.read = () => Number(range.value);
        return wrap;
      }
      const textual = spec.kind === "text" || spec.kind === "file";
      const attrs = { type: textual ? "text" : "number", name };
      if (spec.kind === "number") attrs.step = "any";
      if (spec.minimum !== undefined && !spec.exclusiveMinimum) attrs.min = spec.minimum;
      if (spec.maximum !== undefined) attrs.max = spec.maximum;
      const box = el("input", attrs);
      box.value = spec.value === null || spec.value === undefined ? "" : spec.value;
      return box;
    }

    function read(box, kind) {
      if (box.read) return box.read();
      if (kind === "bool") return box.checked;
      if (box.value === "") return undefined;
      return kind === "text" || kind === "file" ? box.value : Number(box.value);
    }

    function panel(run) {
      const f = run.figures;
      const validation = f.bestValidationBits ?? f.validationBits;
      const section = el("section", { "data-run": run.id },
        el("h2", { text: `${run.id} — ${run.domain}` }),
        el("p", { class: "figures", text:
          `${f.layers}×${f.hiddenSize} LSTM, ${fmt(f.parameters)} parameters, ${fmt(f.step)} steps, ` +
          `validation ${fmt(validation, 3)} bits/${run.stepUnit}` }));
      // Each setting as the server describes it: its label, its help as the tooltip, the
      // advanced ones folded away.
      const grid = el("div", { class: "controls" });
      const more = el("div", { class: "controls" });
      const fields = [];
      for (const o of [...run.controlSettings, ...run.options]) {
        const spec = sliders[o.name] ? { ...o, ...sliders[o.name], slider: true } : o;
        const box = input(o.name, spec);
        const tip = o.help + (o.range ? ` (${o.range})` : "");
        box.title = tip;
        (o.advanced ? more : grid).append(el("label", { text: o.label, title: tip, "data-setting": o.name }), box);
        fields.push({ box, place: o.place, name: o.name, kind: o.kind });
      }
      // A text box only for runs primed from text; others take a file of their own format.
      const primeText = el("textarea", { name: "prime", rows: 2, placeholder: "prime text (or choose a file)" });
      const primeFile = el("input", { type: "file", name: "primeFile" });
      if (run.primesFromText) grid.append(el("label", { text: "Prime" }), primeText);
      grid.append(el("label", { text: "Prime file" }), primeFile);
      section.append(grid);
      if (more.childElementCount) section.append(el("details", { class: "advanced" }, el("summary", { text: "More settings" }), more));

      const go = el("button", { class: "generate", text: "Generate" });
      const stop = el("button", { class: "stop", text: "Stop" });
      stop.disabled = true;
      const status = el("span", { class: "status" });
      section.append(el("div", { class: "buttons" }, go, stop, status));
      const text = el("pre", { class: "text" });
      text.hidden = true;
      const drawing = pen(section);
      const files = el("div", { class: "files" });
      const reports = el("ul", { class: "reports" });
      const command = el("code", { class: "command" });
      command.hidden = true;
      section.append(text, files, reports, command);

      let controller = null;
      stop.addEventListener("click", () => { if (controller) controller.abort(); });
      go.addEventListener("click", async () => {
        const body = { request: { controls: {} }, options: {} };
        for (const { box, place, name, kind } of fields) {
          const v = read(box, kind);
          if (v === undefined || (kind === "bool" && v === false && place === "request.controls")) continue;
          if (place === "request.controls") body.request.controls[name] = v;
          else if (place === "request") body.request[name] = v;
          else body.options[name] = v;
        }
        if (primeFile.files.length) {
          const file = primeFile.files[0];
          const bytes = new Uint8Array(await file.arrayBuffer());
          let binary = "";
          for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
          body.prime = { name: file.name, base64: btoa(binary) };
        } else if (primeText.value) {
          body.prime = { text: primeText.value };
        }
        text.textContent = "";
        text.hidden = true;
        drawing.reset();
        files.replaceChildren();
        reports.replaceChildren();
        command.hidden = true;
        status.className = "status";
        status.textContent = "generating…";
        go.disabled = true;
        stop.disabled = false;
        controller = new AbortController();
        const started = performance.now();
        try {
          await stream(run.id, body, controller.signal, {
            primed: d => { text.hidden = false; text.textContent += d.text; },
            step: d => { if (d.sample === 0) { text.hidden = false; text.textContent += d.text; text.scrollTop = text.scrollHeight; } },
            pen: d => { if (d.sample === 0) drawing.add(d); },
            report: d => reports.append(el("li", { text: d.line })),
            notice: d => reports.append(el("li", { text: d.line })),
            done: d => {
              drawing.finish();
              if (d.texts && d.texts.length > 1) text.textContent = d.texts.map((t, i) => `=== sample ${i + 1} ===\n${t}`).join("\n\n");
              show(d.files, files);
              command.textContent = d.command;
              command.hidden = false;
              status.textContent = `done in ${((performance.now() - started) / 1000).toFixed(1)} s`;
              section.dataset.done = d.id;
            },
            error: d => { status.className = "status error"; status.textContent = `error ${d.status}: ${d.error}`; },
          });
        } catch (e) {
          status.className = "status error";
          status.textContent = e.name === "AbortError" ? "stopped" : String(e.message || e);
        }
        go.disabled = false;
        stop.disabled = true;
        controller = null;
      });
      return section;
    }

    // Pen offsets drawn on a canvas as they arrive (scaled to fit, redrawn once a frame);
    // the finished drawing replaces it when the result comes.
    function pen(section) {
      const canvas = el("canvas", { class: "pen", width: 900, height: 160 });
      canvas.hidden = true;
      section.append(canvas);
      let points = [], x = 0, y = 0, lifted = false, queued = false;
      const draw = () => {
        queued = false;
        const g = canvas.getContext("2d");
        g.clearRect(0, 0, canvas.width, canvas.height);
        if (points.length < 2) return;
        const xs = points.map(p => p[0]), ys = points.map(p => p[1]);
        const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
        const scale = Math.min((canvas.width - 20) / Math.max(x1 - x0, 1e-9), (canvas.height - 20) / Math.max(y1 - y0, 1e-9));
        g.lineWidth = 2; g.lineCap = "round"; g.strokeStyle = "#1b2a38";
        g.beginPath();
        points.forEach(([px, py], i) => {
          const cx = 10 + (px - x0) * scale, cy = 10 + (py - y0) * scale;
          if (i === 0 || points[i - 1][2]) g.moveTo(cx, cy); else g.lineTo(cx, cy);
        });
        g.stroke();
      };
      return {
        add(d) {
          canvas.hidden = false;
          x += d.dx; y += d.dy;
          points.push([x, y, d.lift]);
          canvas.dataset.points = points.length;
          if (!queued) { queued = true; requestAnimationFrame(draw); }
        },
        finish() { if (points.length) draw(); canvas.hidden = true; },
        reset() { points = []; x = 0; y = 0; canvas.hidden = true; delete canvas.dataset.points; },
      };
    }

    function show(list, into) {
      for (const f of list) {
        const box = el("div");
        if (f.type.startsWith("image/")) box.append(el("img", { src: f.url, alt: f.name }));
        else if (f.type.startsWith("audio/") && !f.type.endsWith("midi")) box.append(el("audio", { src: f.url, controls: "" }));
        box.append(el("a", { href: f.url, download: f.name, text: `⬇ ${f.name}` }));
        into.append(box);
      }
    }

    async function stream(id, body, signal, on) {
      const response = await fetch(`/api/runs/${encodeURIComponent(id)}/stream`, {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body), signal });
      if (!response.ok) {
        let message = response.statusText;
        try { message = (await response.json()).error; } catch (_) {}
        on.error({ status: response.status, error: message });
        return;
      }
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = "message", data = "";
          for (const line of block.split("\n")) {
            if (line.startsWith("event: ")) event = line.slice(7);
            else if (line.startsWith("data: ")) data += line.slice(6);
          }
          if (on[event]) on[event](JSON.parse(data));
        }
      }
    }

    fetch("/api/runs").then(r => r.json()).then(runs => {
      document.getElementById("summary").textContent =
        `${runs.length} run${runs.length === 1 ? "" : "s"}: ${runs.map(r => r.domain).join(", ")}`;
      const main = document.getElementById("runs");
      for (const run of runs) main.append(panel(run));
      document.body.dataset.ready = "1";
      // ?generate=ID presses that panel's Generate button once the page is up (a link that
      // opens with a result; how the browser test drives the page's own controls).
      const start = new URLSearchParams(location.search).get("generate");
      const target = start && [...main.children].find(s => s.dataset.run === start);
      if (target) target.querySelector("button.generate").click();
    }).catch(e => { document.getElementById("summary").textContent = "cannot list runs: " + e; });
    </script>
    </body>
    </html>
    """#
}
