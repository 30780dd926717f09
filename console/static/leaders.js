// The leaders' dashboard: ECharts from the figures the page was given (<script type="application/json"
// id="leaders-data">). Every bar and point links to the cases behind it (or, for a week, to that week's figures).
(function () {
  "use strict";

  var PALETTE = ["#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#ad1457", "#5d4037", "#546e7a",
    "#9e9d24", "#283593"];

  function pct(value) {
    return value === null || value === undefined ? "—" : (value * 100).toFixed(1) + "%";
  }

  function chartOn(id) {
    var node = document.getElementById(id);
    if (!node || typeof echarts === "undefined") { return null; }
    var chart = echarts.init(node, null, { renderer: "canvas" });
    window.addEventListener("resize", function () { chart.resize(); });
    return chart;
  }

  function ready(chart, id) {
    // tests and screenshots wait for this: the option is set and the first frame drawn
    chart.on("finished", function () { document.getElementById(id).dataset.ready = "true"; });
  }

  function go(url) { if (url) { window.location.assign(url); } }

  function scores(data) {
    var chart = chartOn("chart-scores");
    if (!chart) { return; }
    var groups = data.groups.slice().reverse();
    chart.setOption({
      color: PALETTE,
      grid: { left: 8, right: 72, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: "item", formatter: function (p) {
        var g = groups[p.dataIndex];
        return g.name + "<br>" + (g.score === null ? "—" : g.score.toFixed(2)) + " (" + (g.grade || "—") + ")";
      } },
      xAxis: { type: "value", min: 0, max: 100 },
      yAxis: { type: "category", data: groups.map(function (g) { return g.name; }) },
      series: [{
        type: "bar", barMaxWidth: 22,
        data: groups.map(function (g) {
          var colour = g.score === null ? "#9aa5b1" : g.score >= 90 ? "#2e7d32" : g.score >= 75 ? "#1565c0"
            : g.score >= 60 ? "#ef6c00" : "#c62828";
          return { value: g.score, itemStyle: { color: colour } };
        }),
        label: { show: true, position: "right", formatter: function (p) {
          var g = groups[p.dataIndex];
          return g.score === null ? "—" : g.score.toFixed(1) + " " + (g.grade || "");
        } }
      }]
    });
    chart.on("click", function (p) {
      var row = document.querySelector('#figures tr[data-key="' + groups[p.dataIndex].key + '"]');
      if (row) { row.scrollIntoView({ behavior: "smooth", block: "center" }); row.classList.add("flash"); }
    });
    ready(chart, "chart-scores");
  }

  function figuresChart(data) {
    var chart = chartOn("chart-indicators");
    if (!chart) { return; }
    var names = data.indicators.map(function (i) { return i.name; });
    var shown = data.groups.slice(0, 10);
    chart.setOption({
      color: PALETTE,
      legend: { type: "scroll", top: 0 },
      grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
      tooltip: { trigger: "item", formatter: function (p) {
        var f = shown[p.seriesIndex].figures[data.indicators[p.dataIndex].key];
        return p.seriesName + "<br>" + p.name + ": " + pct(f.ratio) + " (" + f.numerator + "/" + f.denominator + ")";
      } },
      xAxis: { type: "category", data: names, axisLabel: { interval: 0, rotate: names.length > 6 ? 30 : 0 } },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      series: shown.map(function (g) {
        return {
          name: g.name, type: "bar", barMaxWidth: 18,
          data: data.indicators.map(function (i) {
            var f = g.figures[i.key];
            return f.ratio === null ? null : Math.round(f.ratio * 1000) / 10;
          })
        };
      })
    });
    chart.on("click", function (p) { go(shown[p.seriesIndex].figures[data.indicators[p.dataIndex].key].url); });
    ready(chart, "chart-indicators");
  }

  function trend(data) {
    var chart = chartOn("chart-trend");
    if (!chart) { return; }
    var t = data.trend;
    chart.setOption({
      color: PALETTE,
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 48, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", formatter: function (items) {
        var lines = [items.length ? items[0].axisValue : ""];
        items.forEach(function (p) {
          var s = t.series[p.seriesIndex];
          lines.push(p.marker + s.name + ": " + pct(s.data[p.dataIndex]) + " (" + s.numerators[p.dataIndex] + "/"
            + s.denominators[p.dataIndex] + ")");
        });
        return lines.join("<br>");
      } },
      xAxis: { type: "category", data: t.weeks, boundaryGap: false },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      series: t.series.map(function (s) {
        return {
          name: s.name, type: "line", smooth: false, connectNulls: false, symbolSize: 7,
          data: s.data.map(function (v) { return v === null ? null : Math.round(v * 1000) / 10; })
        };
      })
    });
    chart.on("click", function (p) { go(t.urls[p.dataIndex]); });
    ready(chart, "chart-trend");
  }

  function overdue(data) {
    var chart = chartOn("chart-overdue");
    if (!chart) { return; }
    var rows = data.overdue.slice(0, 12).reverse();
    chart.setOption({
      grid: { left: 8, right: 56, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: "item", formatter: function (p) {
        var r = rows[p.dataIndex];
        return r.name + "<br>" + r.numerator + "/" + r.denominator + " (" + r.percent + ")";
      } },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: rows.map(function (r) { return r.name; }) },
      series: [{
        type: "bar", barMaxWidth: 22, itemStyle: { color: "#c62828" },
        data: rows.map(function (r) { return r.numerator; }),
        label: { show: true, position: "right", formatter: function (p) {
          var r = rows[p.dataIndex];
          return r.numerator + "/" + r.denominator;
        } }
      }]
    });
    chart.on("click", function (p) { go(rows[p.dataIndex].numerator_url); });
    ready(chart, "chart-overdue");
  }

  function start() {
    var data = window.cityloopData("leaders-data");
    if (!data) { return; }
    // the month picker fills from/to: the month wins when it is changed
    var month = document.getElementById("period-month");
    if (month) {
      month.addEventListener("change", function () {
        document.getElementById("period-from").value = "";
        document.getElementById("period-to").value = "";
        document.getElementById("period-form").submit();
      });
    }
    scores(data);
    figuresChart(data);
    trend(data);
    overdue(data);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
