// Forecast charts (ECharts, served locally): the days the model saw, then the forecast with its
// 80 % and 95 % prediction bands. Figures come from each chart's data-forecast attribute.
(() => {
  const SHOWN_DAYS = 28; // of the six weeks stored: four, so that the forecast week stands out
  const shortDay = (d) => `${d.slice(8, 10)}/${d.slice(5, 7)}`;

  const drawForecast = (element) => {
    if (element.dataset.drawn || !window.echarts) return;
    element.dataset.drawn = "1";
    const data = JSON.parse(element.dataset.forecast);
    const labels = JSON.parse(element.dataset.labels);
    const share = data.measure === "negative_share";
    const scale = (v) => (v === null ? null : Math.round(v * (share ? 1000 : 10)) / 10);
    const seen = data.history.slice(-SHOWN_DAYS);
    const history = seen.map(([, v]) => scale(v));
    const ahead = data.horizon;
    const days = [...seen.map(([d]) => d), ...ahead.map((r) => r.day)];
    const blank = history.map(() => null);
    // The forecast line starts at the last observed day so that the two lines join.
    const last = history[history.length - 1];
    const mean = [...blank.slice(1), last, ...ahead.map((r) => scale(r.mean))];
    const band = (lo, hi) => ({
      lower: [...blank, ...ahead.map((r) => scale(r[lo]))],
      width: [...blank, ...ahead.map((r) => scale(r[hi] - r[lo]))],
    });
    const b95 = band("lo95", "hi95");
    const b80 = band("lo80", "hi80");
    const area = (name, stack, values, color) => ({
      name, type: "line", stack, data: values, symbol: "none", lineStyle: { opacity: 0 },
      areaStyle: color ? { color } : { opacity: 0 }, itemStyle: color ? { color } : undefined,
    });
    const unit = share ? "%" : "";
    const tip = (i) => {
      const lines = [days[i].split("-").reverse().join("/")];
      if (i < history.length) return `${lines[0]}<br>${labels.history}: ${history[i]}${unit}`;
      const r = ahead[i - history.length];
      const range = (lo, hi) => `${scale(r[lo])}${unit} – ${scale(r[hi])}${unit}`;
      lines.push(`${labels.mean}: ${scale(r.mean)}${unit}`);
      lines.push(`${labels.band80}: ${range("lo80", "hi80")}`);
      lines.push(`${labels.band95}: ${range("lo95", "hi95")}`);
      return lines.join("<br>");
    };
    const chart = window.echarts.init(element, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: "inherit" },
      tooltip: { trigger: "axis", formatter: (points) => tip(points[0].dataIndex) },
      legend: { top: 0, data: [labels.history, labels.mean, labels.band80, labels.band95] },
      grid: { left: 44, right: 12, top: 36, bottom: 28 },
      xAxis: { type: "category", data: days.map(shortDay), boundaryGap: false },
      yAxis: { type: "value", min: 0, max: share ? 100 : null, axisLabel: { formatter: share ? "{value}%" : "{value}" } },
      series: [
        area("lo95", "b95", b95.lower, null),
        area(labels.band95, "b95", b95.width, "rgba(15, 59, 87, 0.12)"),
        area("lo80", "b80", b80.lower, null),
        area(labels.band80, "b80", b80.width, "rgba(15, 59, 87, 0.25)"),
        { name: labels.history, type: "line", data: history, symbol: "none", itemStyle: { color: "#0f3b57" } },
        { name: labels.mean, type: "line", data: mean, symbol: "circle", symbolSize: 5, lineStyle: { type: "dashed" }, itemStyle: { color: "#b3261e" } },
      ],
    });
    window.addEventListener("resize", () => chart.resize());
  };

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-forecast]").forEach(drawForecast);
  });
})();
