// A chart view for the query editor's results (YASR plugin): a SELECT result
// with a label column and a numeric column, such as a GROUP BY with COUNT, is
// drawn as bars with Chart.js (vendored, MIT). Other results leave it out.
(function () {
  function isNumber(binding) {
    return !!binding && binding.type === "literal" && binding.value.trim() !== "" && !isNaN(Number(binding.value));
  }

  function ChartView(yasr) {
    this.yasr = yasr;
    this.priority = 5;
    this.label = "Chart";
    this.hideFromSelection = false;
  }

  // The columns to plot: the first all-numeric one, and the first other one as labels.
  ChartView.prototype.columns = function () {
    var results = this.yasr.results;
    if (!results || typeof results.getBindings !== "function") return null;
    var rows = results.getBindings();
    var variables = results.getVariables();
    if (!rows || rows.length === 0 || !variables) return null;
    var value = variables.find(function (v) { return rows.every(function (r) { return isNumber(r[v]); }); });
    if (!value) return null;
    var label = variables.find(function (v) { return v !== value; });
    return { label: label, value: value, rows: rows };
  };

  ChartView.prototype.canHandleResults = function () {
    return !!this.columns();
  };

  ChartView.prototype.getIcon = function () {
    var icon = document.createElement("span");
    icon.textContent = "\u2587";
    icon.setAttribute("aria-hidden", "true");
    return icon;
  };

  ChartView.prototype.draw = function () {
    var c = this.columns();
    if (!c) return;
    var wrapper = document.createElement("div");
    wrapper.className = "result-chart";
    var canvas = document.createElement("canvas");
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", "Bar chart of " + c.value + (c.label ? " by " + c.label : ""));
    canvas.dataset.points = String(c.rows.length);
    wrapper.appendChild(canvas);
    this.yasr.resultsEl.appendChild(wrapper);
    var labels = c.rows.map(function (r, i) {
      return c.label && r[c.label] ? r[c.label].value : String(i + 1);
    });
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: labels,
        datasets: [{ label: c.value, data: c.rows.map(function (r) { return Number(r[c.value].value); }), backgroundColor: "#9b1c1c" }]
      },
      options: { animation: false, indexAxis: c.rows.length > 10 ? "y" : "x", maintainAspectRatio: false }
    });
    wrapper.style.height = Math.max(320, c.rows.length > 10 ? c.rows.length * 22 : 320) + "px";
  };

  Yasgui.Yasr.registerPlugin("chart", ChartView);
})();
