"""Real SPARQL clients against a running dialogue-graph server.

Usage: python sparql_clients.py ENDPOINT CASES.json

CASES.json lists queries with the rows the graph must give (computed by the
Rust test from the same data, whose answers tests/web/queries.rs checks against
the source page). Each SELECT is asked through SPARQLWrapper in JSON and in
XML and through rdflib's SPARQLStore; each CONSTRUCT through SPARQLWrapper in
Turtle, parsed by rdflib. Exits non-zero, saying what differed, on any mismatch.
"""

import json
import sys

import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, TURTLE, XML, SPARQLWrapper

failures = []


def check(label, got, expected):
    if got != expected:
        failures.append(f"{label}: got {got!r}, expected {expected!r}")


def rows_as_set(rows):
    return sorted(json.dumps(r, sort_keys=True, ensure_ascii=False) for r in rows)


def via_wrapper_json(endpoint, query):
    sparql = SPARQLWrapper(endpoint)
    sparql.setQuery(query)
    sparql.setReturnFormat(JSON)
    result = sparql.query().convert()
    return [{k: v["value"] for k, v in b.items()} for b in result["results"]["bindings"]]


def via_wrapper_xml(endpoint, query):
    sparql = SPARQLWrapper(endpoint)
    sparql.setQuery(query)
    sparql.setReturnFormat(XML)
    document = sparql.query().convert()
    ns = "{http://www.w3.org/2005/sparql-results#}"
    rows = []
    for result in document.getElementsByTagName("result"):
        row = {}
        for binding in result.getElementsByTagName("binding"):
            value = binding.firstChild
            while value is not None and value.nodeType != value.ELEMENT_NODE:
                value = value.nextSibling
            row[binding.getAttribute("name")] = "".join(
                n.data for n in value.childNodes if n.nodeType == n.TEXT_NODE
            )
        rows.append(row)
    del ns
    return rows


def via_rdflib_store(endpoint, query):
    graph = rdflib.Graph(store=SPARQLStore(endpoint, returnFormat="json"))
    result = graph.query(query)
    names = [str(v) for v in result.vars]
    return [
        {name: str(row[i]) for i, name in enumerate(names) if row[i] is not None}
        for row in result
    ]


def main():
    endpoint, cases_file = sys.argv[1], sys.argv[2]
    with open(cases_file, encoding="utf-8") as f:
        cases = json.load(f)
    for case in cases:
        name, query = case["name"], case["query"]
        if case["kind"] == "select":
            expected = rows_as_set(case["rows"])
            check(f"{name} SPARQLWrapper JSON", rows_as_set(via_wrapper_json(endpoint, query)), expected)
            check(f"{name} SPARQLWrapper XML", rows_as_set(via_wrapper_xml(endpoint, query)), expected)
            check(f"{name} rdflib SPARQLStore", rows_as_set(via_rdflib_store(endpoint, query)), expected)
        else:
            sparql = SPARQLWrapper(endpoint)
            sparql.setQuery(query)
            sparql.setReturnFormat(TURTLE)
            data = sparql.query().convert()
            graph = rdflib.Graph().parse(data=data, format="turtle")
            check(f"{name} SPARQLWrapper Turtle triples", len(graph), case["triples"])
            labels = sorted(str(o) for o in graph.objects(None, rdflib.RDFS.label))
            check(f"{name} labels", labels, sorted(case["labels"]))
    if failures:
        print("\n".join(failures))
        sys.exit(1)
    print(f"{len(cases)} cases passed through SPARQLWrapper and rdflib")


if __name__ == "__main__":
    main()
