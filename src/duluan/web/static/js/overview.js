// The overview's charts (ECharts, served locally). The figures come from the page's JSON blocks;
// a click on a bar opens the documents behind it, and each chart downloads as a PNG image.
document.addEventListener("DOMContentLoaded", () => {
  const dataBlock = document.getElementById("overview-data");
  if (!dataBlock || !window.echarts) return;
  const data = JSON.parse(dataBlock.textContent);
  const labels = JSON.parse(document.getElementById("overview-labels").textContent);
  const sentiments = ["negative", "neutral", "positive"];
  const colors = { negative: "#b3261e", neutral: "#8a97a6", positive: "#1f7a4d" };
  const charts = {};

  const openDocuments = (extra) => {
    const query = new URLSearchParams({ ...labels.query, ...extra });
    window.location.assign("/listening?" + query.toString());
  };

  const draw = (id, option, onClick) => {
    const element = document.getElementById(id);
    if (!element) return;
    const chart = window.echarts.init(element, null, { renderer: "canvas" });
    chart.setOption({ animation: false, textStyle: { fontFamily: "inherit" }, ...option });
    chart.on("click", onClick);
    charts[id] = chart;
  };

  draw(
    "by-day-chart",
    {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 44, right: 12, top: 36, bottom: 28 },
      xAxis: { type: "category", data: data.days.map((d) => `${d.slice(8, 10)}/${d.slice(5, 7)}`) },
      yAxis: { type: "value", minInterval: 1 },
      series: sentiments.map((s) => ({
        name: labels.sentiments[s],
        type: "bar",
        stack: "documents",
        itemStyle: { color: colors[s] },
        emphasis: { focus: "series" },
        data: data.by_day[s],
      })),
    },
    (point) => {
      const day = data.days[point.dataIndex];
      openDocuments({ since: day, until: day, sentiment: sentiments[point.seriesIndex] });
    },
  );

  const topics = data.topics.slice(0, 10).reverse();
  draw(
    "topics-chart",
    {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: topics.map((t) => t.name) },
      series: [
        { name: labels.previous, type: "bar", itemStyle: { color: "#c4d6e6" }, data: topics.map((t) => t.previous) },
        { name: labels.documents, type: "bar", itemStyle: { color: "#0f3b57" }, data: topics.map((t) => t.documents) },
      ],
    },
    (point) => openDocuments({ topic: topics[point.dataIndex].code }),
  );

  document.querySelectorAll("[data-png]").forEach((button) => {
    button.addEventListener("click", () => {
      const chart = charts[button.dataset.png];
      if (!chart) return;
      const link = document.createElement("a");
      link.href = chart.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: "#fff" });
      link.download = `duluan-${button.dataset.png}.png`;
      link.click();
    });
  });
  window.addEventListener("resize", () => Object.values(charts).forEach((c) => c.resize()));
});
