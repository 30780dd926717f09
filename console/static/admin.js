// The admin area: the grid import's upload progress, and its report drawn on a Leaflet map (the file's grids as
// sent, the features with problems in red, repaired ones in orange, the gaps the import found as purple dots).
(function () {
  "use strict";

  var map = null;
  var layer = null;
  var drawnJob = null;

  function frame() { return document.getElementById("import-map-frame"); }

  function ensureMap() {
    var node = frame();
    if (!node || typeof L === "undefined") { return null; }
    if (map) { return map; }
    map = L.map(node, { zoomControl: true, attributionControl: false }).setView([39.9, 116.39], 12);
    var tiles = node.dataset.tileUrl;
    if (tiles) { L.tileLayer(tiles, { maxZoom: 19 }).addTo(map); }
    return map;
  }

  function readFile() {
    var input = document.getElementById("import-file");
    var file = input && input.files && input.files[0];
    if (!file) { return Promise.resolve(null); }
    return file.text().then(function (body) {
      try { return JSON.parse(body); } catch (e) { return null; }
    });
  }

  function draw(report, doc) {
    var m = ensureMap();
    if (!m) { return; }
    if (layer) { layer.remove(); }
    layer = L.featureGroup().addTo(m);
    var bad = {};
    var notes = {};
    (report.problems || []).forEach(function (p) {
      if (p.index !== undefined && p.index !== null) {
        bad[p.index] = true;
        notes[p.index] = (notes[p.index] ? notes[p.index] + "<br>" : "") + p.problem + ": " + p.detail;
      }
    });
    var repaired = {};
    (report.repaired || []).forEach(function (p) { if (p.index !== undefined) { repaired[p.index] = true; } });
    var features = doc && Array.isArray(doc.features) ? doc.features : [];
    features.forEach(function (feature, index) {
      if (!feature || !feature.geometry) { return; }
      var colour = bad[index] ? "#c62828" : repaired[index] ? "#ef6c00" : "#1565c0";
      var shape;
      try {
        shape = L.geoJSON(feature, {
          style: { color: colour, weight: bad[index] ? 3 : 1.5, fillColor: colour, fillOpacity: bad[index] ? 0.35 : 0.15 }
        });
      } catch (e) { return; }
      var code = feature.properties && feature.properties.code ? feature.properties.code : "#" + index;
      shape.bindTooltip(String(code) + (notes[index] ? "<br>" + notes[index] : ""));
      shape.eachLayer(function (part) {
        part.options.className = bad[index] ? "grid-bad" : "grid-ok";
        part.feature = part.feature || feature;
      });
      shape.addTo(layer);
    });
    (report.gaps || []).forEach(function (gap) {
      L.circleMarker([gap.lat, gap.lon], { radius: 7, color: "#6a1b9a", fillColor: "#ab47bc", fillOpacity: 0.9, className: "gap" })
        .bindTooltip(gap.area_m2.toLocaleString() + " m² · " + (gap.around || []).join(", "))
        .addTo(layer);
    });
    var bounds = layer.getBounds();
    if (bounds.isValid()) { m.fitBounds(bounds.pad(0.15)); }
    frame().dataset.features = String(features.length);
    frame().dataset.gaps = String((report.gaps || []).length);
    frame().dataset.drawn = "true";
  }

  function onJob() {
    var job = document.getElementById("import-job");
    var report = document.getElementById("import-report");
    if (!job || job.dataset.finished !== "true" || !report || drawnJob === job.dataset.job) { return; }
    drawnJob = job.dataset.job;
    var data = JSON.parse(report.dataset.map || "{}");
    readFile().then(function (doc) { draw(data, doc); });
  }

  // the import runs inside the form's POST; while it runs, its progress bar is polled from the progress row
  // (any API process answers), and the POST's answer, the report, replaces it
  var polling = null;      // the job id being polled, null once the POST has answered
  var pollTimer = null;
  var uploaded = true;     // false while the upload's own progress is below 100 %

  function newJobId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") { return window.crypto.randomUUID(); }
    var b = window.crypto.getRandomValues(new Uint8Array(16)); // a page served over plain http has no randomUUID
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function showProgress(id, html) {
    if (polling !== id) { return; } // the POST has answered: its report stays
    var holder = document.createElement("template");
    holder.innerHTML = html.trim();
    var fresh = holder.content.firstElementChild;
    var node = document.getElementById("import-job");
    if (fresh && fresh.id === "import-job" && node) { node.replaceWith(fresh); }
  }

  function poll(id) {
    pollTimer = null;
    if (polling !== id) { return; }
    var next = function () { if (polling === id) { pollTimer = window.setTimeout(function () { poll(id); }, 400); } };
    if (!uploaded) { next(); return; }
    fetch("/console/admin/grids/import/" + encodeURIComponent(id), {
      credentials: "same-origin",
      headers: { "HX-Request": "true" }
    }).then(function (response) {
      return response.ok ? response.text() : null; // 404 until the POST has started the import
    }).then(function (html) {
      if (html) { showProgress(id, html); }
    }).catch(function () { /* the next poll tries again */ }).then(next);
  }

  function stopPolling() {
    polling = null;
    if (pollTimer) { window.clearTimeout(pollTimer); pollTimer = null; }
  }

  // a new job id for every submission, set before htmx reads the form (capture phase runs first)
  document.addEventListener("submit", function (event) {
    if (event.target.id !== "import-form") { return; }
    var field = document.getElementById("import-job-id");
    if (field) { field.value = newJobId(); }
  }, true);

  document.addEventListener("htmx:xhr:loadstart", function (event) {
    if (event.target.id !== "import-form") { return; }
    var status = document.getElementById("upload-status");
    if (status) { status.hidden = false; }
    var bar = document.getElementById("upload-progress");
    if (bar) { bar.value = 0; }
    var field = document.getElementById("import-job-id");
    if (field && field.value && polling !== field.value) {
      stopPolling();
      polling = field.value;
      pollTimer = window.setTimeout(function () { poll(field.value); }, 400);
    }
  });
  document.addEventListener("htmx:xhr:progress", function (event) {
    if (event.target.id !== "import-form" || !event.detail.lengthComputable) { return; }
    var bar = document.getElementById("upload-progress");
    uploaded = event.detail.loaded >= event.detail.total;
    if (bar) { bar.value = Math.round(event.detail.loaded * 100 / event.detail.total); }
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.target.id === "import-result") { stopPolling(); uploaded = true; }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.target.id === "import-form") { stopPolling(); uploaded = true; }
  });
  document.addEventListener("htmx:afterSwap", onJob);
  document.addEventListener("DOMContentLoaded", function () { ensureMap(); });
})();
