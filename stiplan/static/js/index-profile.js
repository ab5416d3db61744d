// The PII profile: the pillar radar (the province, its region's mean, the median of all
// provinces) from the page's json_script data, and the province picker. Canvas renderer and
// tooltips inside the canvas: the Content-Security-Policy refuses style attributes.
(function () {
  var picker = document.querySelector(".js-goto");
  if (picker) {
    picker.addEventListener("change", function () {
      window.location.href = picker.getAttribute("data-base") + encodeURIComponent(picker.value) + "/";
    });
  }
  var el = document.getElementById("radar");
  var source = document.getElementById("radar-data");
  if (!el || !source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var vi = (document.documentElement.lang || "vi") === "vi";
  var label = { peers: vi ? "Trung bình vùng" : "Regional mean", median: vi ? "Trung vị cả nước" : "National median" };
  var chart = echarts.init(el, null, { renderer: "canvas" });
  chart.setOption({
    animation: false,
    legend: { bottom: 0 },
    tooltip: { renderMode: "richText" },
    radar: { indicator: data.indicators, radius: "60%" },
    series: [{ type: "radar", data: data.series.map(function (s) {
      return { name: label[s.name] || s.name, value: s.values };
    }) }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
}());
