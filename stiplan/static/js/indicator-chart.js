// The indicator page's chart: province series (restated years hollow), the parts before the
// merger, the target bands and the forecast cone. Data come from the page (json_script).
(function () {
  var el = document.getElementById("chart");
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  if (!el || !window.echarts || !data.years.length) { return; }  // the box keeps its fallback text
  el.textContent = "";
  var lang = document.documentElement.lang || "vi";
  var fmt = new Intl.NumberFormat(lang === "vi" ? "vi-VN" : "en-GB", { maximumFractionDigits: 2 });
  var years = data.years.slice();
  if (data.forecast && data.forecast.year && years.indexOf(data.forecast.year) < 0) {
    for (var y = years[years.length - 1] + 1; y <= data.forecast.year; y++) { years.push(y); }
  }
  var at = function (values) { return years.map(function (y) { var i = data.years.indexOf(y); return i < 0 ? null : values[i]; }); };
  var series = [{
    name: lang === "vi" ? "Toàn tỉnh" : "Province", type: "line", data: at(data.values).map(function (v, i) {
      var j = data.years.indexOf(years[i]);
      return { value: v, symbol: j >= 0 && data.restated[j] ? "emptyCircle" : "circle", symbolSize: 8 };
    }), lineStyle: { width: 3 }
  }];
  data.parts.forEach(function (p) {
    series.push({ name: p.name, type: "line", data: at(p.values), lineStyle: { type: "dashed", width: 1 }, symbolSize: 4 });
  });
  data.targets.forEach(function (t) {
    series.push({ name: t.wording, type: "scatter", symbol: "rect", symbolSize: [14, 4],
      data: years.map(function (y) { return y === t.year ? t.low : null; }),
      markArea: { silent: true, itemStyle: { color: "rgba(31,122,58,0.12)" },
        data: [[{ yAxis: t.low, xAxis: String(t.year) }, { yAxis: t.high || t.low, xAxis: String(t.year) }]] } });
  });
  if (data.forecast && data.forecast.year) {
    var f = data.forecast, last = data.values[data.years.indexOf(f.from)];
    var line = years.map(function (y) { return y < f.from ? null : y === f.from ? last : last + (f.value - last) * (y - f.from) / (f.year - f.from); });
    var lo = years.map(function (y) { return y < f.from ? null : y === f.from ? last : last + (f.low - last) * (y - f.from) / (f.year - f.from); });
    var width = years.map(function (y, i) { return lo[i] === null ? null : (last + (f.high - last) * (y - f.from) / (f.year - f.from)) - lo[i]; });
    series.push({ name: "cone-low", type: "line", data: lo, stack: "cone", lineStyle: { opacity: 0 }, symbol: "none", tooltip: { show: false } });
    series.push({ name: lang === "vi" ? "Khoảng dự báo" : "Forecast range", type: "line", data: width, stack: "cone", lineStyle: { opacity: 0 }, symbol: "none", areaStyle: { color: "rgba(11,92,173,0.15)" } });
    series.push({ name: lang === "vi" ? "Dự báo" : "Forecast", type: "line", data: line, lineStyle: { type: "dotted" }, symbol: "none" });
  }
  // Canvas, and a tooltip drawn inside it: the SVG renderer and the HTML tooltip write style
  // attributes, which the Content-Security-Policy (style-src 'self') refuses.
  var chart = echarts.init(el, null, { renderer: "canvas" });
  chart.setOption({
    tooltip: { trigger: "axis", renderMode: "richText", valueFormatter: function (v) { return v === null || v === undefined ? "—" : fmt.format(v); } },
    legend: { type: "scroll", bottom: 0, data: series.map(function (s) { return s.name; }).filter(function (n) { return n !== "cone-low"; }) },
    grid: { left: 60, right: 20, top: 20, bottom: 60 },
    xAxis: { type: "category", data: years.map(String) },
    yAxis: { type: "value", name: data.unit, axisLabel: { formatter: function (v) { return fmt.format(v); } } },
    series: series
  });
  window.addEventListener("resize", function () { chart.resize(); });
}());
