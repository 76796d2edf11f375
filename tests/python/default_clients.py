"""The clients people use, in their default settings, against a running
dialogue-graph server: every call must work and give the data.

- SPARQLWrapper: every return format (and none) x SELECT, ASK, CONSTRUCT,
  DESCRIBE x GET, POST, each answer read by its own convert();
- rdflib: Graph().parse(entity IRI, format=...) for nt, n3, turtle, xml,
  json-ld and trig, which send Accept headers of their own;
- PyLD: jsonld.expand(entity IRI), which follows redirects and Link headers;
- requests: Accept values with parameters (charset, a JSON-LD profile) and
  the aliases clients send (text/plain, text/n3, application/json, ...);
- the Graph Store Protocol read by rdflib (one graph, the default graph, the
  whole dataset).

Usage: python default_clients.py SERVER_URL ENTITY_PATH [ENTITY_PATH ...]
Exits non-zero, listing every call that failed.
"""

import sys
import warnings
import xml.dom.minidom

import rdflib
import requests
from pyld import jsonld
from SPARQLWrapper import (
    CSV,
    GET,
    JSON,
    JSONLD,
    N3,
    POST,
    RDF,
    RDFXML,
    TSV,
    TURTLE,
    XML,
    SPARQLWrapper,
)

failures = []
calls = 0

RDFS_LABEL = rdflib.RDFS.label


def record(label, ok, detail=""):
    global calls
    calls += 1
    if not ok:
        failures.append(f"{label}: {detail}")


def attempt(label, call, check):
    """Runs call(); check(result) says what is wrong with it, or None."""
    try:
        result = call()
    except Exception as error:  # noqa: BLE001 - every failure is reported
        record(label, False, f"{type(error).__name__}: {error}")
        return
    problem = check(result)
    record(label, problem is None, problem or "")


def graph_of(result):
    """An rdflib graph from what convert() gave for a CONSTRUCT or DESCRIBE."""
    if isinstance(result, rdflib.Graph):
        return result
    if isinstance(result, bytes):
        return rdflib.Graph().parse(data=result.decode("utf-8"), format="turtle")
    if isinstance(result, xml.dom.minidom.Document):
        return rdflib.Graph().parse(data=result.toxml(), format="xml")
    raise TypeError(f"convert() gave {type(result).__name__}")


def select_rows(result):
    """The number of rows convert() gave for a SELECT, whatever its format."""
    if isinstance(result, dict):
        return len(result["results"]["bindings"])
    if isinstance(result, xml.dom.minidom.Document):
        return len(result.getElementsByTagName("result"))
    if isinstance(result, bytes):
        lines = [line for line in result.decode("utf-8").splitlines() if line.strip()]
        return len(lines) - 1  # the header
    raise TypeError(f"convert() gave {type(result).__name__}")


def ask_answer(result):
    if isinstance(result, dict):
        return result["boolean"]
    if isinstance(result, xml.dom.minidom.Document):
        return result.getElementsByTagName("boolean")[0].firstChild.data == "true"
    if isinstance(result, bytes):
        return "true" in result.decode("utf-8").lower()
    raise TypeError(f"convert() gave {type(result).__name__}")


def sparqlwrapper_matrix(endpoint, entity):
    queries = {
        "SELECT": "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?s ?label WHERE { ?s rdfs:label ?label } ORDER BY ?s ?label LIMIT 3",
        "ASK": "ASK { ?s ?p ?o }",
        "CONSTRUCT": "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "CONSTRUCT { ?s rdfs:label ?label } WHERE { ?s rdfs:label ?label } LIMIT 5",
        "DESCRIBE": f"DESCRIBE <{entity}>",
    }

    def check(form, result):
        if form == "SELECT":
            rows = select_rows(result)
            return None if rows == 3 else f"{rows} rows, expected 3"
        if form == "ASK":
            return None if ask_answer(result) is True else "not true"
        graph = graph_of(result)
        if len(graph) == 0:
            return "an empty graph"
        if form == "DESCRIBE" and (rdflib.URIRef(entity), None, None) not in graph:
            return "the description does not mention the entity"
        return None

    for return_format in [None, JSON, JSONLD, XML, RDF, RDFXML, N3, TURTLE, CSV, TSV]:
        for form, query in queries.items():
            for method in (GET, POST):
                def call(query=query, method=method, return_format=return_format):
                    sparql = SPARQLWrapper(endpoint)
                    sparql.setQuery(query)
                    sparql.setMethod(method)
                    if return_format is not None:
                        sparql.setReturnFormat(return_format)
                    with warnings.catch_warnings():
                        # SPARQLWrapper warns when it sends */* for a format
                        # that does not fit the query form: expected here.
                        warnings.simplefilter("ignore", RuntimeWarning)
                        return sparql.query().convert()

                label = f"SPARQLWrapper {form} {return_format or 'default'} {method}"
                attempt(label, call, lambda result, form=form: check(form, result))


def rdflib_parse(server, paths):
    for path in paths:
        iri = f"{server}/id/{path}"
        for fmt in ["nt", "n3", "turtle", "xml", "json-ld", "trig"]:
            def call(iri=iri, fmt=fmt):
                graph = rdflib.Dataset() if fmt == "trig" else rdflib.Graph()
                graph.parse(iri, format=fmt)
                return graph

            def check(graph, iri=iri):
                labels = list(graph.objects(rdflib.URIRef(iri), RDFS_LABEL))
                return None if labels else "no rdfs:label of the entity"

            attempt(f"rdflib parse {iri} format={fmt}", call, check)


def pyld_expand(server, paths):
    for path in paths:
        iri = f"{server}/id/{path}"

        def check(expanded, iri=iri):
            ids = {node.get("@id") for node in expanded}
            return None if iri in ids else "the entity is not among the nodes"

        attempt(f"pyld expand {iri}", lambda iri=iri: jsonld.expand(iri), check)


def accept_variants(server, path):
    iri = f"{server}/id/{path}"
    sparql = f"{server}/sparql"
    select = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"
    construct = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 1"
    expanded = 'application/ld+json;profile="http://www.w3.org/ns/json-ld#expanded"'
    cases = [
        # (label, url, params, Accept, expected media type)
        ("entity, Turtle with charset", iri, {}, "text/turtle; charset=utf-8", "text/turtle"),
        ("entity, JSON-LD with a profile", iri, {}, expanded, "application/ld+json"),
        ("entity, text/plain", iri, {}, "text/plain", "application/n-triples"),
        ("entity, text/n3", iri, {}, "text/n3", "text/turtle"),
        ("entity, application/json", iri, {}, "application/json", "application/ld+json"),
        ("entity, application/xml", iri, {}, "application/xml", "application/rdf+xml"),
        ("entity, application/n-quads", iri, {}, "application/n-quads", "application/n-triples"),
        ("entity, application/trig", iri, {}, "application/trig", "text/turtle"),
        ("entity, axios's Accept", iri, {}, "application/json, text/plain, */*", "application/ld+json"),
        ("SELECT, SPARQL JSON with charset", sparql, {"query": select},
         "application/sparql-results+json; charset=utf-8", "application/sparql-results+json"),
        ("SELECT, text/xml", sparql, {"query": select}, "text/xml", "application/sparql-results+xml"),
        ("SELECT, application/json", sparql, {"query": select}, "application/json",
         "application/sparql-results+json"),
        ("SELECT, text/plain", sparql, {"query": select}, "text/plain", "text/csv"),
        ("SELECT, q-values over HTML", sparql, {"query": select},
         "text/html;q=0.9, text/csv;q=1.0, */*;q=0.1", "text/csv"),
        ("CONSTRUCT, JSON-LD with a profile", sparql, {"query": construct}, expanded,
         "application/ld+json"),
        ("CONSTRUCT, text/n3", sparql, {"query": construct}, "text/n3", "text/turtle"),
        ("CONSTRUCT, application/json", sparql, {"query": construct}, "application/json",
         "application/ld+json"),
        ("CONSTRUCT, application/xml", sparql, {"query": construct}, "application/xml",
         "application/rdf+xml"),
    ]
    for label, url, params, accept, expected in cases:
        def call(url=url, params=params, accept=accept):
            return requests.get(url, params=params, headers={"Accept": accept}, timeout=30)

        def check(response, expected=expected):
            if response.status_code != 200:
                return f"status {response.status_code}: {response.text[:200]}"
            got = response.headers.get("content-type", "")
            if got.split(";")[0].strip() != expected:
                return f"Content-Type {got}, expected {expected}"
            if got.count("charset") > 1:
                return f"Content-Type {got} says its charset twice"
            return None

        attempt(f"Accept: {label}", call, check)


def graph_store(server):
    facts = f"{server}/graph/facts"
    store = f"{server}/store"

    def read(url, fmt, dataset=False):
        def call():
            graph = rdflib.Dataset() if dataset else rdflib.Graph()
            graph.parse(url, format=fmt)
            return graph

        return call

    def non_empty(graph):
        return None if len(graph) > 0 else "empty"

    for fmt in ["turtle", "nt", "xml", "json-ld"]:
        attempt(f"GSP rdflib ?graph=facts {fmt}",
                read(f"{store}?graph={requests.utils.quote(facts, safe='')}", fmt), non_empty)
        attempt(f"GSP rdflib ?default {fmt}", read(f"{store}?default", fmt), non_empty)

    def has_graphs(dataset):
        names = {str(g.identifier) for g in dataset.graphs()}
        return None if facts in names else f"no graph {facts} among {sorted(names)[:5]}"

    attempt("GSP rdflib the whole dataset (N-Quads)", read(store, "nquads", True), has_graphs)
    attempt("GSP rdflib the whole dataset (TriG)", read(store, "trig", True), has_graphs)


def main():
    server = sys.argv[1].rstrip("/")
    paths = sys.argv[2:]
    entity = f"{server}/id/{paths[0]}"
    sparqlwrapper_matrix(f"{server}/sparql", entity)
    rdflib_parse(server, paths)
    pyld_expand(server, paths)
    accept_variants(server, paths[0])
    graph_store(server)
    if failures:
        print("\n".join(failures))
        print(f"{len(failures)} of {calls} calls failed")
        sys.exit(1)
    print(f"{calls} calls passed")


if __name__ == "__main__":
    main()
