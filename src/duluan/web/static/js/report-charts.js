// Charts of the field-report pages (ECharts, served locally): the roll-up by topic, tone and
// locality, and the submission board's counts by state. The figures come from the page's JSON
// block; each chart has a table beside it with the same numbers.
document.addEventListener("DOMContentLoaded", () => {
  const dataBlock = document.getElementById("report-chart-data");
  if (!dataBlock || !window.echarts) return;
  const data = JSON.parse(dataBlock.textContent);
  const labels = JSON.parse(document.getElementById("report-chart-labels").textContent);
  const colors = {
    negative: "#b3261e", neutral: "#8a97a6", positive: "#1f7a4d", mixed: "#c0610a",
    on_time: "#1f7a4d", late: "#c0610a", missing: "#b3261e", pending: "#8a97a6",
  };
  const charts = [];
  const draw = (id, option) => {
    const element = document.getElementById(id);
    if (!element) return;
    const chart = window.echarts.init(element, null, { renderer: "canvas" });
    chart.setOption({ animation: false, textStyle: { fontFamily: "inherit" }, ...option });
    charts.push(chart);
  };
  const bars = (rows, color) => ({
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    grid: { left: 8, right: 16, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", data: rows.map((r) => r.name).reverse() },
    series: [{ name: labels.streams, type: "bar", barMaxWidth: 28, itemStyle: { color }, data: rows.map((r) => r.value).reverse() }],
  });
  const pie = (rows, names) => ({
    tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
    legend: {
      bottom: 0,
      formatter: (name) => `${name}: ${(rows.find((r) => (names[r.code] || r.code) === name) || { value: 0 }).value}`,
    },
    series: [{
      type: "pie",
      radius: ["40%", "70%"],
      top: -20,
      label: { show: false },
      data: rows.map((r) => ({ name: names[r.code] || r.code, value: r.value, itemStyle: { color: colors[r.code] } })),
    }],
  });

  if (data.topics) draw("rollup-topics", bars(data.topics, "#0f3b57"));
  if (data.localities) draw("rollup-places", bars(data.localities, "#6b4a05"));
  if (data.tones) draw("rollup-tones", pie(data.tones, labels.tones));
  if (data.states) draw("board-states", pie(data.states, labels.states));
  window.addEventListener("resize", () => charts.forEach((chart) => chart.resize()));
});
