// graph.html and timeline.html: all crawled text reaches the page through textContent,
// canvas text or vis-network's plain-text tooltips (innerText), never as HTML.
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("kg-data").textContent);
  var W = D.words, L = D.legend;
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  document.title = D.title;
  document.getElementById("title").textContent = D.title;
  var search = document.getElementById("search");
  search.placeholder = W.search;
  var select = document.getElementById("org");
  select.appendChild(new Option(W.all_orgs, ""));
  D.orgs.forEach(function (o) { select.appendChild(new Option(o.label, o.id)); });

  var shownKinds = {};
  var counts = {};
  D.nodes.forEach(function (n) { counts[n.kind] = (counts[n.kind] || 0) + 1; });
  var legendBox = document.getElementById("legend");
  D.kinds.forEach(function (k) {
    shownKinds[k] = true;
    var label = el("label"), box = el("input"), swatch = el("span", "", "swatch");
    box.type = "checkbox"; box.checked = true; box.dataset.kind = k;
    box.addEventListener("change", function () { shownKinds[k] = box.checked; applyFilter(); });
    swatch.style.background = L[k].color;
    label.appendChild(box); label.appendChild(swatch); label.appendChild(el("span", L[k].label + " " + (counts[k] || 0)));
    legendBox.appendChild(label);
  });

  var byId = {};
  var visNodes = D.nodes.map(function (n) {
    byId[n.id] = n;
    var style = L[n.kind] || L.other;
    var v = { id: n.id, label: n.label, x: n.x, y: n.y, title: n.tip, shape: n.shape || style.shape,
              color: n.color || style.color, size: n.size || 12, font: { size: n.font || 14 } };
    if (n.width) {
      v.widthConstraint = { minimum: n.width, maximum: n.width };
      v.heightConstraint = { minimum: 14 };
      v.font = { size: 11, color: "#111" };
      if (n.light) v.color = { background: style.color + "55", border: style.color };
      v.borderWidth = n.light ? 1 : 0;
      v.shapeProperties = { borderDashes: n.light ? [4, 3] : false };
    }
    return v;
  });
  var visEdges = D.edges.map(function (e, i) {
    return { id: i, from: e.from, to: e.to, label: e.label || undefined, title: e.title, arrows: "to",
             dashes: !!e.dashes, color: { color: e.color || "#9a9a9a" } };
  });
  var nodes = new vis.DataSet(visNodes);
  var edges = new vis.DataSet(visEdges);
  var big = D.nodes.length > 1500;
  var options = {
    physics: false,
    layout: { improvedLayout: false },
    interaction: { hover: !big, tooltipDelay: 150, hideEdgesOnDrag: big, hideEdgesOnZoom: big, multiselect: false },
    nodes: { font: { face: "Noto Sans CJK KR, sans-serif" } },
    edges: { smooth: false, width: 1, font: { size: 10, face: "Noto Sans CJK KR, sans-serif", strokeWidth: 3 } }
  };
  var network = new vis.Network(document.getElementById("net"), { nodes: nodes, edges: edges }, options);
  window.kgNetwork = network;

  if (D.axis) {
    network.on("beforeDrawing", function (ctx) {
      var a = D.axis;
      ctx.save();
      ctx.font = "13px Noto Sans CJK KR, sans-serif";
      a.lanes.forEach(function (lane, i) {
        ctx.fillStyle = i % 2 ? "#f4f6fa" : "#ffffff";
        ctx.fillRect(a.x0 - 20, lane.y0, a.x1 - a.x0 + 40, lane.y1 - lane.y0);
        ctx.fillStyle = "#333"; ctx.textAlign = "right"; ctx.textBaseline = "middle";
        ctx.fillText(lane.label, a.x0 - 28, (lane.y0 + lane.y1) / 2);
      });
      ctx.strokeStyle = "#d8d8d8"; ctx.fillStyle = "#555"; ctx.textAlign = "center"; ctx.textBaseline = "bottom";
      ctx.font = "12px Noto Sans CJK KR, sans-serif";
      a.ticks.forEach(function (t) {
        ctx.beginPath(); ctx.moveTo(t.x, a.y0 - 6); ctx.lineTo(t.x, a.y1); ctx.stroke();
        ctx.fillText(t.label, t.x, a.y0 - 8);
      });
      ctx.restore();
    });
  }

  var panel = document.getElementById("panel");
  function row(key, value) {
    if (value === undefined || value === null || value === "" || (value.length === 0)) return;
    panel.appendChild(el("div", key, "k"));
    panel.appendChild(el("div", Array.isArray(value) ? value.join(", ") : value));
  }
  function show(id) {
    var n = byId[id];
    if (!n) return;
    panel.replaceChildren();
    panel.appendChild(el("h3", n.label));
    row(W.type, (L[n.kind] || L.other).label + (n.info.types.length ? " (" + n.info.types.join(", ") + ")" : ""));
    row(W.date, n.info.date);
    row(W.figures, n.info.figures);
    row(W.support, n.info.support);
    if (n.info.evidence.length) {
      panel.appendChild(el("div", W.evidence, "k"));
      n.info.evidence.forEach(function (s) { panel.appendChild(el("blockquote", s)); });
    }
    if (n.info.sources.length) {
      panel.appendChild(el("div", W.sources, "k"));
      n.info.sources.forEach(function (s) {
        var line = el("div"), a = el("a", s.title);
        if (/^https?:\/\//i.test(s.url)) { a.href = s.url; a.target = "_blank"; a.rel = "noopener noreferrer"; }
        line.appendChild(a);
        if (s.published) line.appendChild(el("span", " " + s.published));
        panel.appendChild(line);
      });
    }
    panel.appendChild(el("div", n.id, "k"));
  }
  window.kgShow = show;
  panel.appendChild(el("div", W.hint, "k"));
  network.on("click", function (p) { if (p.nodes.length) show(p.nodes[0]); });

  function applyFilter() {
    var org = select.value, q = search.value.trim().toLowerCase(), shown = 0;
    var updates = D.nodes.map(function (n) {
      var keep = shownKinds[n.kind] && (!org || n.orgs.indexOf(org) >= 0) && (!q || n.text.indexOf(q) >= 0);
      if (keep) shown += 1;
      return { id: n.id, hidden: !keep };
    });
    nodes.update(updates);
    document.getElementById("count").textContent = shown + " / " + D.nodes.length + " " + W.nodes;
    return shown;
  }
  window.kgFilter = function (org, q) { select.value = org || ""; search.value = q || ""; return applyFilter(); };
  select.addEventListener("change", applyFilter);
  search.addEventListener("input", applyFilter);
  search.addEventListener("keydown", function (e) {
    if (e.key !== "Enter") return;
    var q = search.value.trim().toLowerCase();
    var hit = D.nodes.filter(function (n) { return q && n.text.indexOf(q) >= 0; })[0];
    if (hit) { network.selectNodes([hit.id]); network.focus(hit.id, { scale: 1.2 }); show(hit.id); }
  });
  document.getElementById("count").textContent = D.nodes.length + " " + W.nodes;

  network.once("afterDrawing", function () {
    var drawn = Object.keys(network.body.nodes).filter(function (id) {
      return byId[id] && !network.body.nodes[id].options.hidden;
    }).length;
    window.kgStatus = { drawn: drawn, nodes: nodes.length, edges: edges.length, ms: performance.now() };
    document.body.setAttribute("data-drawn", String(drawn));
  });
  if (D.axis) {
    // frame the axis and the lane names (drawn left of x0), not only the items
    var a = D.axis, box = document.getElementById("net").getBoundingClientRect();
    var w = a.x1 - a.x0 + 200, h = a.y1 - a.y0 + 60;
    // fit the width; a tall timeline starts at its top and is scrolled (dragged) down, so text stays readable
    var scale = Math.min(box.width / w, 1.6);
    var top = a.y0 - 40 + box.height / scale / 2;
    network.moveTo({ position: { x: (a.x0 - 170 + a.x1 + 30) / 2, y: Math.min(top, (a.y0 - 40 + a.y1) / 2 + Math.max(0, box.height / scale - h) / 2) }, scale: scale });
  } else {
    network.fit();
  }
})();
