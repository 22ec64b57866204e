// Charts of the survey weighting and analysis pages (ECharts, served locally; no inline script).
// #sa-chart (percentages or means) and #sa-wave-chart (two waves side by side): bars with 95 %
// intervals as error bars, from data-chart:
//   {"categories": [...], "unit": "%" | "", "series": [{"name", "values", "low", "high"}]}
// ("unit" absent means percentages, the scale of frequency tables and crosstabs).
// #sa-weights-chart: histogram of the weights, from data-bins: [[start, end, count], ...].
// The button named by data-png (default #sa-chart-png) saves the chart as a PNG through ECharts'
// own getDataURL.
(() => {
  const COLORS = ["#0f3d5e", "#c0610a", "#2e7d4f", "#7a4b9c", "#b3261e", "#4f7ea8", "#8a97a6"];
  const BAR_SHARE = 0.7; // part of each category's band the bars of a group fill
  const number = (value, digits) =>
    value.toLocaleString(document.documentElement.lang || "vi", {
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });

  // Error bars of series `index` of `count`: centred on that series' bar inside each band.
  function errorBars(series, index, count) {
    return {
      type: "custom",
      name: series.name,
      silent: true,
      z: 10,
      tooltip: { show: false },
      data: series.values.map((value, i) => [i, series.low[i], series.high[i], value]),
      renderItem: (params, api) => {
        if (api.value(3) === null || Number.isNaN(api.value(3))) return null;
        const band = api.size([1, 0])[0];
        const width = (band * BAR_SHARE) / count;
        const centre = api.coord([api.value(0), 0])[0] - (band * BAR_SHARE) / 2 + width * (index + 0.5);
        const low = api.coord([api.value(0), api.value(1)])[1];
        const high = api.coord([api.value(0), api.value(2)])[1];
        const cap = Math.min(8, width / 3);
        const style = { stroke: "#1d2733", lineWidth: 1.5 };
        return {
          type: "group",
          children: [
            { type: "line", shape: { x1: centre, y1: low, x2: centre, y2: high }, style },
            { type: "line", shape: { x1: centre - cap, y1: low, x2: centre + cap, y2: low }, style },
            { type: "line", shape: { x1: centre - cap, y1: high, x2: centre + cap, y2: high }, style },
          ],
        };
      },
    };
  }

  function drawResults(element) {
    const data = JSON.parse(element.dataset.chart);
    const percent = (data.unit ?? "%") === "%";
    const suffix = percent ? " %" : "";
    const count = data.series.length;
    const highest = Math.max(0, ...data.series.flatMap((s) => s.high.filter((v) => v !== null)));
    const lowest = Math.min(0, ...data.series.flatMap((s) => s.low.filter((v) => v !== null)));
    const chart = window.echarts.init(element);
    const bars = data.series.map((series, index) => ({
      type: "bar",
      name: series.name,
      data: series.values,
      barGap: "0%",
      barCategoryGap: `${Math.round((1 - BAR_SHARE) * 100)}%`,
      itemStyle: { color: COLORS[index % COLORS.length] },
    }));
    chart.setOption({
      animation: false,
      color: COLORS,
      grid: { left: 16, right: 16, top: count > 1 ? 48 : 32, bottom: 8, containLabel: true },
      legend: count > 1 ? { top: 0, data: data.series.map((s) => s.name) } : undefined,
      tooltip: {
        trigger: "item",
        formatter: (p) => {
          const series = data.series[p.seriesIndex];
          if (!series || p.value === null) return "";
          const low = number(series.low[p.dataIndex], percent ? 1 : 2);
          const high = number(series.high[p.dataIndex], percent ? 1 : 2);
          const head = count > 1 ? `${data.categories[p.dataIndex]} · ${series.name}` : data.categories[p.dataIndex];
          return `${head}<br><b>${number(p.value, percent ? 1 : 2)}${suffix}</b> (${element.dataset.interval}: ${low}–${high})`;
        },
      },
      xAxis: { type: "category", data: data.categories, axisLabel: { interval: 0, width: 110, overflow: "break" } },
      yAxis: percent
        ? { type: "value", name: element.dataset.axis, min: 0, max: Math.min(100, Math.ceil(highest / 10) * 10 || 10) }
        : { type: "value", name: element.dataset.axis, min: lowest < 0 ? undefined : 0 },
      series: [...bars, ...data.series.map((series, index) => errorBars(series, index, count))],
    });
    window.addEventListener("resize", () => chart.resize());
    const button = document.getElementById(element.dataset.png || "sa-chart-png");
    if (button) {
      button.addEventListener("click", () => {
        const link = document.createElement("a");
        link.href = chart.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: "#fff" });
        link.download = button.dataset.filename || "chart.png";
        document.body.appendChild(link);
        link.click();
        link.remove();
      });
    }
  }

  function drawWeights(element) {
    const bins = JSON.parse(element.dataset.bins);
    if (!bins.length) return;
    const chart = window.echarts.init(element);
    chart.setOption({
      animation: false,
      grid: { left: 40, right: 12, top: 16, bottom: 36 },
      tooltip: {
        trigger: "axis",
        formatter: (items) => {
          const [start, end, n] = bins[items[0].dataIndex];
          return `${number(start, 2)}–${number(end, 2)}: <b>${n}</b> ${element.dataset.label}`;
        },
      },
      xAxis: { type: "category", data: bins.map(([start]) => number(start, 2)), axisLabel: { hideOverlap: true } },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", barCategoryGap: "4%", data: bins.map(([, , n]) => n), itemStyle: { color: "#0f3d5e" } }],
    });
    window.addEventListener("resize", () => chart.resize());
  }

  if (!window.echarts) return;
  for (const id of ["sa-chart", "sa-wave-chart"]) {
    const results = document.getElementById(id);
    if (results) drawResults(results);
  }
  const weights = document.getElementById("sa-weights-chart");
  if (weights) drawWeights(weights);
})();
