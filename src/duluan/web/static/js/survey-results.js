// Charts of published survey results (/p/{slug} and the owner's preview), drawn with the
// locally served ECharts; no inline script. Each .sp-chart carries data-chart:
//   {"categories": [...], "series": [{"name", "values": [...], "low": [...], "high": [...]}]}
// in percent; a suppressed cell is null and leaves a gap. Bars are horizontal (long Vietnamese
// answer labels stay readable, also when printed) with the 95 % interval drawn as a whisker.
(() => {
  const COLORS = ["#0f3d5e", "#c0610a", "#2e7d4f", "#7a4b9c", "#b3261e", "#4f7ea8"];
  const format = (value) =>
    value.toLocaleString(document.documentElement.lang || "vi", { maximumFractionDigits: 1 });

  // The whisker of one series: a line from low to high across the middle of its bar.
  function whiskers(series, index, count) {
    return {
      type: "custom",
      silent: true,
      z: 10,
      tooltip: { show: false },
      data: series.values.map((value, i) => [i, series.low[i], series.high[i], value]),
      renderItem: (params, api) => {
        if (api.value(3) === null || Number.isNaN(api.value(3))) return null;
        const band = api.size([0, 1])[1] * 0.7;
        const middle = api.coord([0, api.value(0)])[1] - band / 2 + (band / count) * (index + 0.5);
        const from = api.coord([api.value(1), 0])[0];
        const to = api.coord([api.value(2), 0])[0];
        const style = { stroke: "#1d2733", lineWidth: 1.2 };
        const cap = Math.min(5, band / count / 3);
        return {
          type: "group",
          children: [
            { type: "line", shape: { x1: from, y1: middle, x2: to, y2: middle }, style },
            { type: "line", shape: { x1: from, y1: middle - cap, x2: from, y2: middle + cap }, style },
            { type: "line", shape: { x1: to, y1: middle - cap, x2: to, y2: middle + cap }, style },
          ],
        };
      },
    };
  }

  function draw(element) {
    const data = JSON.parse(element.dataset.chart);
    const count = data.series.length;
    element.style.height = `${Math.max(160, data.categories.length * (22 * count + 18) + 60)}px`;
    const chart = window.echarts.init(element, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      color: COLORS,
      grid: { left: 8, right: 24, top: count > 1 ? 36 : 12, bottom: 24, containLabel: true },
      legend: count > 1 ? { top: 0 } : undefined,
      tooltip: {
        trigger: "item",
        formatter: (p) => {
          const series = data.series[p.seriesIndex];
          if (!series || p.value === null) return "";
          const i = p.dataIndex;
          const head = count > 1 ? `${data.categories[i]} · ${series.name}` : data.categories[i];
          return `${head}<br><b>${format(p.value)} %</b> (${element.dataset.interval}: ${format(series.low[i])}–${format(series.high[i])})`;
        },
      },
      yAxis: { type: "category", inverse: true, data: data.categories, axisLabel: { width: 180, overflow: "break" } },
      xAxis: { type: "value", name: element.dataset.axis, nameLocation: "middle", nameGap: 24, min: 0, max: 100 },
      series: [
        ...data.series.map((series) => ({ type: "bar", name: series.name, data: series.values, barGap: "0%", barCategoryGap: "30%" })),
        ...data.series.map((series, index) => whiskers(series, index, count)),
      ],
    });
    window.addEventListener("resize", () => chart.resize());
  }

  if (window.echarts) document.querySelectorAll(".sp-chart[data-chart]").forEach(draw);
  document.querySelectorAll("[data-print]").forEach((button) => button.addEventListener("click", () => window.print()));
})();
