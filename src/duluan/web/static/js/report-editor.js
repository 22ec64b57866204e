// Charts of the report editor (ECharts, served locally): each chart of the draft as it will be
// printed in DOCX and PDF, drawn from the page's JSON block so the analyst sees what they keep.
document.addEventListener("DOMContentLoaded", () => {
  const dataBlock = document.getElementById("report-chart-data");
  if (!dataBlock || !window.echarts) return;
  const charts = JSON.parse(dataBlock.textContent);
  const palette = ["#0f3b57", "#b3261e", "#1f7a4d", "#c0610a", "#6b4a05", "#8a97a6"];
  const drawn = [];
  document.querySelectorAll("[data-chart]").forEach((element) => {
    const spec = charts[element.dataset.chart];
    if (!spec) return;
    const horizontal = spec.kind === "barh";
    const type = spec.kind === "line" ? "line" : "bar";
    const categories = { type: "category", data: horizontal ? [...spec.labels].reverse() : spec.labels };
    const values = { type: "value", name: spec.unit || "" };
    const chart = window.echarts.init(element, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      color: palette,
      textStyle: { fontFamily: "inherit" },
      tooltip: { trigger: "axis" },
      legend: spec.series.length > 1 ? { bottom: 0 } : undefined,
      grid: { left: 8, right: 16, top: 24, bottom: spec.series.length > 1 ? 32 : 8, containLabel: true },
      xAxis: horizontal ? values : categories,
      yAxis: horizontal ? categories : values,
      series: spec.series.map((s) => ({
        name: s.name,
        type,
        barMaxWidth: 28,
        data: horizontal ? [...s.values].reverse() : s.values,
      })),
    });
    drawn.push(chart);
  });
  window.addEventListener("resize", () => drawn.forEach((chart) => chart.resize()));
});
