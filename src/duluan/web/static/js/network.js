// Network pages: the overview's two bar charts (ECharts, served locally; figures from the page's
// JSON block) and the coverage matrix's live filter by locality name, accents or not.
document.addEventListener("DOMContentLoaded", () => {
  const fold = (text) =>
    text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase().trim();

  const dataBlock = document.getElementById("network-chart-data");
  if (dataBlock && window.echarts) {
    const data = JSON.parse(dataBlock.textContent);
    const labels = JSON.parse(document.getElementById("network-chart-labels").textContent);
    const charts = [];
    const draw = (id, pairs, color) => {
      const element = document.getElementById(id);
      if (!element) return;
      const rows = pairs.slice().reverse(); // the list's first entry on top
      const chart = window.echarts.init(element, null, { renderer: "canvas" });
      chart.setOption({
        animation: false,
        textStyle: { fontFamily: "inherit" },
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", data: rows.map((r) => r[0]), axisLabel: { width: 170, overflow: "truncate" } },
        series: [{ name: labels.active, type: "bar", itemStyle: { color }, label: { show: true, position: "right" }, data: rows.map((r) => r[1]) }],
      });
      charts.push(chart);
    };
    draw("chart-strata", data.strata, "#0f3b57");
    draw("chart-sectors", data.sectors, "#175a84");
    window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
  }

  document.querySelectorAll("[data-filter-rows]").forEach((input) => {
    const table = document.getElementById(input.dataset.filterRows);
    if (!table) return;
    const rows = Array.from(table.querySelectorAll("tbody tr[data-name]"));
    const apply = () => {
      const needle = fold(input.value);
      rows.forEach((row) => {
        row.hidden = Boolean(needle) && !fold(row.dataset.name).includes(needle);
      });
    };
    input.addEventListener("input", apply);
  });
});
