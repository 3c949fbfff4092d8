/* District dashboard charts.  The page renders every chart's numbers as JSON
   (<script id="dash-data">, tables of columns and rows, the same tables the Excel export
   writes); this file draws them with ECharts.  Clicking a bar of the children chart
   drills down to that area. */
(function () {
  "use strict";

  var dataNode = document.getElementById("dash-data");
  if (!dataNode || typeof window.echarts === "undefined") { return; }
  var charts = JSON.parse(dataNode.textContent);
  var root = document.getElementById("dashboard");
  var dark = !!root && root.getAttribute("data-theme") === "dark";
  var palette = ["#c8102e", "#f0a020", "#2f7ed8", "#2bb673", "#8e44ad", "#16a2b8", "#e4572e", "#6c757d"];
  var instances = [];

  function isPercent(label) { return /（%）$/.test(label); }
  function num(v) { return v === null || v === undefined || v === "" ? null : Number(v); }
  function fmt(v, label) {
    if (v === null || v === undefined) { return "—"; }
    return isPercent(label || "") ? v + "%" : String(v);
  }

  function start(key) {
    var node = document.querySelector('[data-chart="' + key + '"]');
    if (!node || node.classList.contains("d-none") || !charts[key]) { return null; }
    var chart = window.echarts.init(node, dark ? "dark" : null, { renderer: "canvas" });
    instances.push(chart);
    return chart;
  }

  function base(extra) {
    var option = {
      color: palette,
      backgroundColor: "transparent",
      textStyle: { fontFamily: "system-ui, -apple-system, 'PingFang SC', 'Microsoft YaHei', sans-serif" },
      tooltip: { trigger: "axis", confine: true },
      grid: { left: 56, right: 24, top: 40, bottom: 48, containLabel: true }
    };
    Object.keys(extra).forEach(function (k) { option[k] = extra[k]; });
    // tooltips drawn on the canvas: HTML tooltips carry inline style="" that the
    // Content-Security-Policy refuses
    if (option.tooltip) { option.tooltip.renderMode = "richText"; }
    return option;
  }

  // ---------------------------------------------------------------- children bar
  function drawChildren() {
    var table = charts.children;
    var chart = start("children");
    if (!chart) { return; }
    var select = document.getElementById("children-figure");
    var names = table.rows.map(function (r) { return r[0]; });
    function render() {
      var i = select ? Number(select.value) : 0;
      var label = table.columns[i + 1];
      chart.setOption(base({
        tooltip: { trigger: "axis", confine: true, valueFormatter: function (v) { return fmt(v, label); } },
        xAxis: { type: "category", data: names, axisLabel: { interval: 0, rotate: names.length > 8 ? 30 : 0 } },
        yAxis: { type: "value", name: isPercent(label) ? "%" : "", max: isPercent(label) ? 100 : null },
        series: [{
          name: label, type: "bar", barMaxWidth: 42,
          data: table.rows.map(function (r) { return num(r[i + 1]); }),
          label: { show: names.length <= 16, position: "top", formatter: function (p) { return fmt(p.value, label); } },
          itemStyle: { borderRadius: [4, 4, 0, 0] }
        }]
      }), true);
    }
    render();
    if (select) { select.addEventListener("change", render); }
    chart.on("click", function (params) {
      var url = (table.urls || [])[params.dataIndex];
      if (url) { window.location.href = url; }
    });
    chart.getZr().setCursorStyle("pointer");
  }

  // ----------------------------------------------------------------------- trend
  function drawTrend() {
    var table = charts.trend;
    var chart = start("trend");
    if (!chart) { return; }
    var labels = table.columns.slice(1);
    chart.setOption(base({
      legend: { type: "scroll", top: 0 },
      grid: { left: 56, right: 56, top: 48, bottom: 40, containLabel: true },
      xAxis: { type: "category", data: table.rows.map(function (r) { return r[0]; }) },
      yAxis: [{ type: "value", name: "" }, { type: "value", name: "%", max: 100, splitLine: { show: false } }],
      series: labels.map(function (label, i) {
        return {
          name: label, type: "line", connectNulls: true,
          yAxisIndex: isPercent(label) ? 1 : 0,
          data: table.rows.map(function (r) { return num(r[i + 1]); })
        };
      })
    }));
  }

  // ------------------------------------------------------------------- sunburst
  function drawTree() {
    var table = charts.tree;
    var chart = start("tree");
    if (!chart) { return; }
    var byChild = {};
    var order = [];
    var useOrgs = table.rows.every(function (r) { return !num(r[2]); });
    table.rows.forEach(function (r) {
      var value = num(useOrgs ? r[3] : r[2]) || 0;
      if (!byChild[r[0]]) { byChild[r[0]] = { name: r[0], children: [], value: 0 }; order.push(r[0]); }
      if (r[1]) { byChild[r[0]].children.push({ name: r[1], value: value }); }
      byChild[r[0]].value += value;
    });
    var data = order.map(function (name) {
      var node = byChild[name];
      return node.children.length ? { name: name, children: node.children } : { name: name, value: node.value };
    });
    chart.setOption({
      color: palette,
      backgroundColor: "transparent",
      tooltip: { formatter: function (p) { return p.name + "：" + p.value + (useOrgs ? " 个党组织" : " 名党员"); } },
      series: [{
        type: "sunburst", data: data, radius: ["12%", "92%"], sort: null,
        emphasis: { focus: "ancestor" },
        label: { rotate: "radial", minAngle: 8 },
        levels: [{}, { r0: "12%", r: "55%" }, { r0: "55%", r: "92%", label: { align: "right" } }]
      }]
    });
  }

  // ------------------------------------------------------------- distributions
  function drawScores() {
    var table = charts.scores;
    var chart = start("scores");
    if (!chart) { return; }
    chart.setOption(base({
      xAxis: { type: "category", data: table.rows.map(function (r) { return r[0]; }) },
      yAxis: { type: "value", minInterval: 1 },
      series: [{
        name: table.columns[1], type: "bar", barMaxWidth: 48, data: table.rows.map(function (r) { return r[1]; }),
        label: { show: true, position: "top" },
        itemStyle: { color: function (p) { return ["#c8102e", "#e4572e", "#f0a020", "#2f7ed8", "#2bb673"][p.dataIndex]; } }
      }]
    }));
  }

  function drawStars() {
    var table = charts.stars;
    var chart = start("stars");
    if (!chart) { return; }
    chart.setOption({
      color: ["#c8102e", "#e4572e", "#f0a020", "#2f7ed8", "#16a2b8", "#adb5bd"],
      backgroundColor: "transparent",
      tooltip: { trigger: "item", formatter: "{b}：{c}（{d}%）" },
      legend: { bottom: 0 },
      series: [{
        type: "pie", radius: ["38%", "68%"], center: ["50%", "45%"],
        data: table.rows.filter(function (r) { return r[1] > 0; }).map(function (r) { return { name: r[0], value: r[1] }; }),
        label: { formatter: "{b}\n{c}" }
      }]
    });
  }

  // ----------------------------------------------------------------------- 三率
  function drawRates() {
    var table = charts.rates;
    var chart = start("rates");
    if (!chart) { return; }
    var names = table.columns.slice(1).map(function (c) { return c.replace("（%）", ""); });
    chart.setOption(base({
      legend: { top: 0 },
      tooltip: { trigger: "axis", confine: true, valueFormatter: function (v) { return v === null || v === undefined ? "—" : v + "%"; } },
      xAxis: { type: "category", data: names },
      yAxis: { type: "value", max: 100, name: "%" },
      series: table.rows.map(function (r) {
        return {
          name: r[0], type: "bar", barMaxWidth: 28,
          data: r.slice(1).map(num),
          label: { show: true, position: "top", formatter: function (p) { return p.value === null ? "—" : p.value + "%"; } }
        };
      })
    }));
  }

  [drawChildren, drawTrend, drawTree, drawScores, drawStars, drawRates].forEach(function (draw) {
    try { draw(); } catch (err) { if (window.console) { window.console.error(err); } }
  });

  var pending = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(function () { instances.forEach(function (c) { c.resize(); }); }, 120);
  });
}());
