// The query editor: YASGUI on /sparql, with the example queries in a side list.
// Kept out of the page so the Content-Security-Policy can forbid inline scripts.
(function () {
  var examples = JSON.parse(document.getElementById("examples-data").textContent);
  var initial = JSON.parse(document.getElementById("initial-query").textContent);
  Yasgui.Yasqe.defaults.value = initial || (examples.length ? examples[0].query : "SELECT * WHERE { ?s ?p ?o } LIMIT 10");
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: "/sparql", method: "POST" },
    copyEndpointOnNewTab: true,
    persistenceId: null
  });
  function open(query, run) {
    var tab = yasgui.getTab();
    tab.setQuery(query);
    if (run) { tab.query(); }
  }
  document.querySelectorAll("button.example").forEach(function (button) {
    button.addEventListener("click", function () {
      open(examples[Number(button.dataset.index)].query, true);
    });
  });
  // `view=chart` in the page address opens the results as a chart.
  var view = new URLSearchParams(window.location.search).get("view");
  if (view) {
    yasgui.getTab().getYasr().config.defaultPlugin = view;
    yasgui.getTab().getYasr().selectPlugin(view);
  }
  if (initial) { open(initial, true); }
  window.dialogueGraphEditor = yasgui;
})();
