// Runs SPARQL queries through Comunica (a real TPF and SPARQL client) and
// prints their solutions as JSON, one array of rows per query:
//
//   DIALOGUE_GRAPH_NODE_DIR=DIR node comunica.mjs SOURCE_TYPE SOURCE_URL CASES.json
//
// SOURCE_TYPE is "hypermedia" (Comunica reads Triple Pattern Fragments and
// follows their Hydra controls) or "sparql" (it sends the query to an
// endpoint). CASES.json is an array of {"name", "query"}. Each row maps a
// variable to its term's plain value (an IRI's string, a literal's text).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

// Comunica is installed outside the clone (tests/run.sh puts it in
// DIALOGUE_GRAPH_NODE_DIR), so it is loaded from there.
const nodeDir = process.env.DIALOGUE_GRAPH_NODE_DIR;
if (!nodeDir) {
  console.error("DIALOGUE_GRAPH_NODE_DIR must name the directory where npm installed tests/js/package.json");
  process.exit(2);
}
const { QueryEngine } = createRequire(join(nodeDir, "package.json"))("@comunica/query-sparql");

const [sourceType, sourceUrl, casesFile] = process.argv.slice(2);
if (!sourceType || !sourceUrl || !casesFile) {
  console.error("usage: node comunica.mjs hypermedia|sparql URL CASES.json");
  process.exit(2);
}
const cases = JSON.parse(readFileSync(casesFile, "utf8"));
const engine = new QueryEngine();
const answers = {};
for (const { name, query } of cases) {
  const stream = await engine.queryBindings(query, {
    sources: [sourceType === "auto" ? sourceUrl : { type: sourceType, value: sourceUrl }],
    // Each run asks the server afresh: nothing from an earlier query.
    noCache: true,
  });
  const rows = [];
  for await (const bindings of stream) {
    const row = {};
    for (const [variable, term] of bindings) {
      row[variable.value] = term.value;
    }
    rows.push(row);
  }
  answers[name] = rows;
}
process.stdout.write(JSON.stringify(answers));
