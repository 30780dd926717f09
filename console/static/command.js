// The command centre: the live queue (server-sent events from /console/command/live), the bulk-dispatch
// selection, the case page's small map and the map of open cases. No inline script (CSP): data comes from
// data-* attributes and <script type="application/json"> blocks (cityloopData, console.js).
(function () {
  "use strict";

  // --- the live queue -----------------------------------------------------------------------------------------

  var lastActivity = Date.now();
  ["keydown", "mousedown", "mousemove", "wheel", "touchstart"].forEach(function (name) {
    document.addEventListener(name, function () { lastActivity = Date.now(); }, { passive: true });
  });

  function refreshQueue() {
    document.body.dispatchEvent(new CustomEvent("cityloop:refresh"));
  }

  function startLive(status) {
    var url = status.getAttribute("data-live-url");
    var opened = Date.now();
    var pending = null;
    var source = new EventSource(url);
    function setState(value) { status.setAttribute("data-state", value); }
    source.addEventListener("ready", function () { setState("on"); });
    // several changes in a burst (a bulk dispatch) make one refresh
    function soon() {
      if (pending) { return; }
      pending = window.setTimeout(function () { pending = null; refreshQueue(); }, 300);
    }
    source.addEventListener("case", soon);
    source.addEventListener("resync", soon);
    source.addEventListener("end", function () {
      source.close();
      setState("off");
      // the feed ended (its time is up): come back only for someone still at the desk, so that an unattended
      // page lets its session run idle
      if (lastActivity > opened) {
        startLive(status);
        refreshQueue();
      }
    });
    source.onerror = function () { setState("off"); };
  }

  // the bulk-dispatch selection survives a refresh of the queue (by case id; a row whose version changed is
  // another row: its checkbox value carries the version)
  var kept = [];
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "queue") {
      kept = Array.prototype.map.call(document.querySelectorAll("#queue input[name=case]:checked"), function (box) {
        return box.value;
      });
    }
  });
  document.addEventListener("htmx:afterSettle", function () {
    kept.forEach(function (value) {
      var box = document.querySelector('#queue input[name=case][value="' + value + '"]');
      if (box) { box.checked = true; }
    });
    kept = [];
    countSelected();
  });

  function countSelected() {
    var counter = document.getElementById("bulk-count");
    if (!counter) { return; }
    var n = document.querySelectorAll("#queue input[name=case]:checked").length;
    counter.textContent = n ? counter.getAttribute("data-template").replace("{n}", String(n)) : "";
  }
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target && target.classList && target.classList.contains("pick-all")) {
      document.querySelectorAll("#queue input[name=case]").forEach(function (box) { box.checked = target.checked; });
    }
    countSelected();
  });
  // after a bulk dispatch the queue shows what is left
  document.addEventListener("htmx:afterRequest", function (event) {
    var elt = event.detail.elt;
    if (elt && elt.id === "bulk-form" && event.detail.successful) {
      refreshQueue();
    }
  });

  // --- maps ---------------------------------------------------------------------------------------------------

  var DUE_COLOURS = { overdue: "#c62828", due_soon: "#ef8f00", on_time: "#2e7d32", paused: "#78909c", none: "#546e7a" };

  function baseLayers(map, data) {
    if (data.tile_url) {
      L.tileLayer(data.tile_url, { maxZoom: 19 }).addTo(map);
    }
  }

  function dueStatus(props, now) {
    if (!props.due_at) { return "none"; }
    if (props.paused) { return "paused"; }
    if (Date.parse(props.due_at) < now) { return "overdue"; }
    if (props.due_soon_at && Date.parse(props.due_soon_at) <= now) { return "due_soon"; }
    return "on_time";
  }

  function gridLayer(url) {
    var layer = L.geoJSON(null, {
      style: function () { return { color: "#1565c0", weight: 1, opacity: 0.6, fillOpacity: 0.04 }; },
      onEachFeature: function (feature, shape) {
        var p = feature.properties || {};
        shape.bindTooltip((p.code || "") + (p.name ? " " + p.name : ""), { sticky: true });
      }
    });
    fetch(url, { credentials: "same-origin" }).then(function (r) { return r.ok ? r.json() : null; }).then(function (fc) {
      if (fc) { layer.addData(fc); }
    });
    return layer;
  }

  function caseMap(node) {
    var data = cityloopData("case-map-data");
    if (!data || typeof L === "undefined") { return; }
    var map = L.map(node, { zoomControl: true, attributionControl: false, maxZoom: 19 }).setView([data.lat, data.lon], 16);
    baseLayers(map, data);
    gridLayer(data.grids_url).addTo(map);
    L.circleMarker([data.lat, data.lon], { radius: 9, color: "#fff", weight: 2, fillColor: "#c62828", fillOpacity: 1 }).addTo(map);
  }

  function casesMap(node) {
    var data = cityloopData("cases-map-data");
    if (!data || typeof L === "undefined") { return; }
    var map = L.map(node, { attributionControl: false, preferCanvas: true, maxZoom: 19 }).setView([39.91, 116.40], 12);
    baseLayers(map, data);
    if (data.area) {
      var area = L.geoJSON(data.area, { style: function () { return { color: "#102a43", weight: 2, fill: false, dashArray: "6 4" }; } }).addTo(map);
      map.fitBounds(area.getBounds(), { padding: [10, 10] });
    }
    var grids = gridLayer(data.grids_url).addTo(map);
    var clusters = L.markerClusterGroup({ chunkedLoading: true, showCoverageOnHover: false, maxClusterRadius: 50 });
    map.addLayer(clusters);
    var form = document.getElementById("map-filters");
    var total = document.getElementById("map-total");

    function popup(props) {
      var div = document.createElement("div");
      var strong = document.createElement("strong");
      strong.textContent = (data.categories[props.category] || props.category);
      div.appendChild(strong);
      div.appendChild(document.createElement("br"));
      div.appendChild(document.createTextNode((data.states[props.state] || props.state) +
        (props.department ? " · " + (data.departments[props.department] || props.department) : "")));
      div.appendChild(document.createElement("br"));
      var a = document.createElement("a");
      a.href = data.case_url + props.case_id;
      a.textContent = data.labels.open;
      div.appendChild(a);
      return div;
    }

    function load() {
      var query = new URLSearchParams();
      ["category", "state", "department"].forEach(function (name) {
        var value = form.elements[name].value;
        if (value) { query.set(name, value); }
      });
      fetch(data.cases_url + "?" + query.toString(), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (fc) {
          clusters.clearLayers();
          var now = Date.now();
          var markers = fc.features.map(function (f) {
            var c = f.geometry.coordinates;
            var p = f.properties;
            if (p.cluster) {
              var size = Math.min(40, 14 + Math.log(p.count + 1) * 4);
              return L.circleMarker([c[1], c[0]], { radius: size / 2, color: "#102a43", fillColor: "#1565c0", fillOpacity: 0.6 })
                .bindTooltip(String(p.count), { permanent: true, direction: "center", className: "cmd-count" });
            }
            var status = dueStatus(p, now);
            var marker = L.circleMarker([c[1], c[0]], {
              radius: p.urgent ? 8 : 6, color: "#fff", weight: 1.5, fillColor: DUE_COLOURS[status], fillOpacity: 0.95
            });
            marker.feature = f;
            marker.bindPopup(function () { return popup(p); });
            return marker;
          });
          clusters.addLayers(markers);
          total.textContent = data.labels.cases.replace("{n}", String(fc.total)) + (fc.clustered ? " · " + data.labels.clustered : "");
          node.setAttribute("data-loaded", String(fc.features.length));
        })
        .catch(function () { total.textContent = ""; });
    }
    form.addEventListener("change", function (event) {
      if (event.target.name === "grids") {
        if (event.target.checked) { grids.addTo(map); } else { map.removeLayer(grids); }
        return;
      }
      load();
    });
    form.addEventListener("submit", function (event) { event.preventDefault(); load(); });
    load();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var status = document.getElementById("live-status");
    if (status && window.EventSource) { startLive(status); }
    var small = document.getElementById("case-map");
    if (small) { caseMap(small); }
    var big = document.getElementById("cases-map");
    if (big) { casesMap(big); }
  });
})();
