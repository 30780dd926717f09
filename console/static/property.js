// The property office's charts (ECharts): each <div class="chart" data-chart='{...}'> of a page or of a fragment
// htmx swapped in (the vote's turnout is polled). No inline script (CSP): the data comes in data-chart.
(function () {
  "use strict";

  var ACCENT = "#1565c0", DANGER = "#c62828", OK = "#2e7d32", AMBER = "#f0a202";

  function option(spec) {
    var base = {
      grid: { left: 56, right: 56, top: 36, bottom: 36 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: spec.categories },
      animation: false
    };
    if (spec.kind === "arrears") {
      base.legend = { data: [spec.labels.amount, spec.labels.homes], top: 4 };
      base.yAxis = [{ type: "value", name: spec.labels.amount }, { type: "value", name: spec.labels.homes, minInterval: 1 }];
      base.series = [
        { name: spec.labels.amount, type: "bar", data: spec.amounts, itemStyle: { color: DANGER }, barMaxWidth: 48 },
        { name: spec.labels.homes, type: "line", yAxisIndex: 1, data: spec.homes, itemStyle: { color: ACCENT } }
      ];
    } else if (spec.kind === "turnout") {
      base.legend = { data: [spec.labels.homes, spec.labels.area], top: 4 };
      base.yAxis = { type: "value", max: 100, axisLabel: { formatter: "{value}%" } };
      base.series = [
        { name: spec.labels.homes, type: "bar", data: spec.homes, itemStyle: { color: ACCENT }, barMaxWidth: 36,
          markLine: { silent: true, symbol: "none", data: [{ yAxis: 66.67 }], lineStyle: { color: AMBER } } },
        { name: spec.labels.area, type: "bar", data: spec.area, itemStyle: { color: OK }, barMaxWidth: 36 }
      ];
    } else if (spec.kind === "credit") {
      base.yAxis = { type: "value", max: 100 };
      base.series = [{ name: spec.labels.points, type: "bar", data: spec.points, itemStyle: { color: ACCENT }, barMaxWidth: 48 }];
    }
    return base;
  }

  function draw(root) {
    if (typeof echarts === "undefined") return;
    var nodes = (root || document).querySelectorAll(".chart[data-chart]");
    Array.prototype.forEach.call(nodes, function (node) {
      if (node.dataset.drawn) return;
      var spec = JSON.parse(node.dataset.chart);
      var chart = echarts.init(node, null, { renderer: "svg" });
      chart.setOption(option(spec));
      if (spec.links) {
        chart.on("click", function (params) {
          var link = spec.links[params.dataIndex];
          if (link && link.indexOf("/console/") === 0) window.location.assign(link);
        });
      }
      node.dataset.drawn = "1";
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:load", function (event) { draw(event.target); });
})();
