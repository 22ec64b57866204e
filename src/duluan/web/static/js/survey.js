// A survey's responses per day (ECharts, served locally), from the chart's data-days attribute:
// [["2026-11-24", 40], ...]. The table beside it stays for screen readers and printing.
(() => {
  const element = document.getElementById("survey-days-chart");
  if (!element || !window.echarts) return;
  const days = JSON.parse(element.dataset.days);
  const chart = window.echarts.init(element);
  chart.setOption({
    grid: { left: 40, right: 12, top: 16, bottom: 28 },
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: days.map(([d]) => `${d.slice(8, 10)}/${d.slice(5, 7)}`) },
    yAxis: { type: "value", minInterval: 1 },
    series: [{ type: "bar", data: days.map(([, n]) => n), itemStyle: { color: "#0f3d5e" } }],
  });
  window.addEventListener("resize", () => chart.resize());
})();
