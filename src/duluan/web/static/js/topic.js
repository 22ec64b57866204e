// The topic page's chart (ECharts, served locally): documents per day by tone, and the day's
// negative share with its 95 % interval in the tooltip. A click on a bar opens that day's documents.
document.addEventListener("DOMContentLoaded", () => {
  const element = document.getElementById("topic-chart");
  const dataBlock = document.getElementById("topic-data");
  if (!element || !dataBlock || !window.echarts) return;
  const data = JSON.parse(dataBlock.textContent);
  const labels = JSON.parse(document.getElementById("topic-labels").textContent);
  const sentiments = ["negative", "neutral", "positive"];
  const colors = { negative: "#b3261e", neutral: "#8a97a6", positive: "#1f7a4d" };
  const shares = data.negative_share;

  const tooltip = (points) => {
    const index = points[0].dataIndex;
    const lines = [data.days[index].split("-").reverse().join("/")];
    points.filter((p) => p.seriesType === "bar").forEach((p) => lines.push(`${p.marker}${p.seriesName}: ${p.value}`));
    const share = shares[index];
    if (share) lines.push(`${labels.share}: ${share.value}% (${labels.interval} ${share.low}–${share.high}%)`);
    return lines.join("<br>");
  };

  const chart = window.echarts.init(element, null, { renderer: "canvas" });
  chart.setOption({
    animation: false,
    textStyle: { fontFamily: "inherit" },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, formatter: tooltip },
    legend: { top: 0 },
    grid: { left: 44, right: 44, top: 36, bottom: 28 },
    xAxis: { type: "category", data: data.days.map((d) => `${d.slice(8, 10)}/${d.slice(5, 7)}`) },
    yAxis: [
      { type: "value", minInterval: 1 },
      { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" }, splitLine: { show: false } },
    ],
    series: [
      ...sentiments.map((s) => ({
        name: labels.sentiments[s],
        type: "bar",
        stack: "documents",
        itemStyle: { color: colors[s] },
        data: data.by_day[s],
      })),
      {
        name: labels.share,
        type: "line",
        yAxisIndex: 1,
        connectNulls: false,
        showSymbol: true,
        symbolSize: 5,
        itemStyle: { color: "#5c1a14" },
        lineStyle: { width: 1.5, type: "dashed" },
        data: shares.map((s) => (s ? s.value : null)),
      },
    ],
  });
  chart.on("click", (point) => {
    if (point.seriesType !== "bar") return;
    const day = data.days[point.dataIndex];
    const query = new URLSearchParams({ topic: labels.code, since: day, until: day, sentiment: sentiments[point.seriesIndex] });
    window.location.assign("/listening?" + query.toString());
  });
  window.addEventListener("resize", () => chart.resize());
});
