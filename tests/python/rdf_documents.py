"""Every RDF document and dump of a running dialogue-graph server, read by
independent RDF implementations: rdflib for Turtle, N-Triples, RDF/XML and
N-Quads, PyLD for JSON-LD. Within each entity, and across the dumps, the
formats must hold the same graph (rdflib's isomorphism check).

Usage: python rdf_documents.py SERVER_URL
"""

import sys
import urllib.request

import rdflib
from pyld import jsonld
from rdflib.compare import isomorphic

failures = []


def fetch(url):
    with urllib.request.urlopen(url) as response:
        return response.read()


def from_jsonld(data):
    document = __import__("json").loads(data)
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads"})
    graph = rdflib.Graph()
    graph.parse(data=nquads, format="nquads")
    return graph


def parse(data, fmt):
    if fmt == "json-ld":
        return from_jsonld(data)
    graph = rdflib.Graph()
    graph.parse(data=data, format=fmt)
    return graph


def main():
    server = sys.argv[1].rstrip("/")
    sitemap = fetch(f"{server}/sitemap.xml").decode()
    paths = [
        loc.split("</loc>")[0].split("/page/", 1)[1]
        for loc in sitemap.split("<loc>")[1:]
        if "/page/" in loc
    ]
    for path in paths:
        graphs = {}
        for ext, fmt in [("ttl", "turtle"), ("nt", "nt"), ("rdf", "xml"), ("jsonld", "json-ld")]:
            url = f"{server}/data/{path}.{ext}"
            try:
                graph = parse(fetch(url), fmt)
            except Exception as error:  # noqa: BLE001 - report every failure
                failures.append(f"{path}.{ext}: {error}")
                continue
            # Each document describes itself (its own URL differs by format):
            # check that, then compare what it says about the entity.
            document = rdflib.URIRef(url)
            topic = rdflib.URIRef("http://xmlns.com/foaf/0.1/primaryTopic")
            if (document, topic, rdflib.URIRef(f"{server}/id/{path}")) not in graph:
                failures.append(f"{path}.{ext}: no foaf:primaryTopic")
            graph.remove((document, None, None))
            graphs[ext] = graph
        if len(graphs) == 4:
            for ext in ("nt", "rdf", "jsonld"):
                if not isomorphic(graphs["ttl"], graphs[ext]):
                    failures.append(f"{path}: .ttl and .{ext} hold different graphs")
            if len(graphs["ttl"]) == 0:
                failures.append(f"{path}: empty document")

    dumps = {}
    for name, fmt in [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")]:
        dumps[name] = parse(fetch(f"{server}/dumps/dialogue-graph.{name}"), fmt)
    dataset = rdflib.Dataset()
    dataset.parse(data=fetch(f"{server}/dumps/dialogue-graph.nq"), format="nquads")
    union = rdflib.Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        union.add((s, p, o))
    dumps["nq"] = union
    graph_names = {str(g.identifier) for g in dataset.graphs()}
    for expected in ("facts", "evidence", "links", "background", "editorial"):
        if f"{server}/graph/{expected}" not in graph_names:
            failures.append(f"the N-Quads dump lost the graph {expected}")
    for name in ("nt", "jsonld", "nq"):
        if not isomorphic(dumps["ttl"], dumps[name]):
            failures.append(f"dialogue-graph.ttl and dialogue-graph.{name} hold different graphs")

    if failures:
        print("\n".join(failures))
        sys.exit(1)
    print(f"{len(paths)} entities x 4 formats and 4 dumps read and compared")


if __name__ == "__main__":
    main()
