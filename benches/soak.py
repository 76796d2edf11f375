"""A bounded soak of a running dialogue-graph server on loopback.

For DURATION seconds, WORKERS threads cycle entity pages and data documents
(from the sitemap), the example queries and the dump files, while one thread
changes the data every CHANGE_EVERY seconds with an authorised SPARQL Update.
Every answer is recorded: its status, its latency, and for a 200 its ETag and
a digest of its body. At the end it prints, as Markdown: requests and errors
by kind, latency percentiles, the server's RSS over time, and whether any
ETag ever came with two different bodies (one data version's ETag on another
version's body).

Usage: soak.py BASE_URL SERVER_PID TOKEN [DURATION] [WORKERS] [CHANGE_EVERY]
"""

import collections
import hashlib
import pathlib
import re
import sys
import threading
import time

import requests

BASE, PID, TOKEN = sys.argv[1].rstrip("/"), int(sys.argv[2]), sys.argv[3]
DURATION = float(sys.argv[4]) if len(sys.argv) > 4 else 600
WORKERS = int(sys.argv[5]) if len(sys.argv) > 5 else 8
CHANGE_EVERY = float(sys.argv[6]) if len(sys.argv) > 6 else 120
assert BASE.startswith("http://127."), "the soak targets loopback only"

lock = threading.Lock()
latencies = collections.defaultdict(list)  # kind -> seconds
statuses = collections.Counter()  # (kind, status)
bodies_by_etag = collections.defaultdict(set)  # (url, etag) -> digests
failures = []
rss = []  # (seconds since start, MiB)
stop = time.monotonic() + DURATION
started = time.monotonic()


def rss_mib():
    for line in open(f"/proc/{PID}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def record(kind, url, response, seconds):
    with lock:
        latencies[kind].append(seconds)
        statuses[(kind, response.status_code)] += 1
        if response.status_code == 200 and "etag" in response.headers:
            digest = hashlib.sha256(response.content).hexdigest()
            bodies_by_etag[(url, response.headers["etag"])].add(digest)


def fetch(session, kind, url, **kwargs):
    begun = time.monotonic()
    try:
        response = session.get(url, timeout=60, **kwargs)
    except requests.RequestException as error:
        with lock:
            statuses[(kind, "connection error")] += 1
            failures.append(f"{kind} {url}: {error}")
        return
    record(kind, url, response, time.monotonic() - begun)


def targets():
    session = requests.Session()
    sitemap = session.get(f"{BASE}/sitemap.xml", timeout=60).text
    pages = [u.replace("http://127.0.0.1:8080", BASE) for u in re.findall(r"<loc>([^<]+)</loc>", sitemap)]
    pages = [p for p in pages if "/page/" in p][:10000]
    documents = [p.replace("/page/", "/data/") + ".ttl" for p in pages[:2000]]
    queries = [(f.stem, f.read_text()) for f in sorted(pathlib.Path("queries").glob("*.rq"))]
    # The compressed files, the ones a user downloads.
    dumps = re.findall(r'href="(/dumps/[^"]+\.gz)"', session.get(f"{BASE}/dumps/", timeout=600).text)
    assert dumps, "the dumps page lists no files"
    return pages, documents, queries, dumps


def crawler(index, pages, documents, queries, dumps):
    session = requests.Session()
    i = index * 997
    while time.monotonic() < stop:
        i += 1
        if i % 500 == 0 and dumps:
            fetch(session, "dump", BASE + dumps[(i // 500) % len(dumps)])
        elif i % 50 == 0 and queries:
            name, query = queries[(i // 50) % len(queries)]
            fetch(session, f"sparql {name}", f"{BASE}/sparql", params={"query": query},
                  headers={"Accept": "application/sparql-results+json"})
        elif i % 3 == 0:
            fetch(session, "document", documents[i % len(documents)], headers={"Accept": "text/turtle"})
        else:
            fetch(session, "page", pages[i % len(pages)], headers={"Accept": "text/html"})


def changer():
    session = requests.Session()
    n = 0
    while time.monotonic() + CHANGE_EVERY < stop:
        time.sleep(CHANGE_EVERY)
        n += 1
        update = f"INSERT DATA {{ <http://example.org/soak> <http://example.org/change> {n} }}"
        begun = time.monotonic()
        response = session.post(f"{BASE}/sparql", data={"update": update},
                                headers={"Authorization": f"Bearer {TOKEN}"}, timeout=600)
        with lock:
            latencies["update"].append(time.monotonic() - begun)
            statuses[("update", response.status_code)] += 1


def sampler():
    while time.monotonic() < stop:
        rss.append((time.monotonic() - started, rss_mib()))
        time.sleep(10)


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(p / 100 * len(values)))] if values else float("nan")


pages, documents, queries, dumps = targets()
threads = [threading.Thread(target=crawler, args=(k, pages, documents, queries, dumps)) for k in range(WORKERS)]
threads += [threading.Thread(target=changer), threading.Thread(target=sampler)]
for t in threads:
    t.start()
for t in threads:
    t.join()

print(f"soak of {BASE}: {DURATION:.0f} s, {WORKERS} crawlers, {len(pages)} pages cycled, "
      f"a data change every {CHANGE_EVERY:.0f} s\n")
print("| kind | requests | statuses | p50 ms | p90 ms | p99 ms | max ms |")
print("|---|---|---|---|---|---|---|")
for kind, values in sorted(latencies.items()):
    counted = ", ".join(f"{s}: {n}" for (k, s), n in sorted(statuses.items(), key=str) if k == kind)
    print(f"| {kind} | {len(values)} | {counted} | {percentile(values, 50) * 1000:.1f} | "
          f"{percentile(values, 90) * 1000:.1f} | {percentile(values, 99) * 1000:.1f} | {max(values) * 1000:.1f} |")
print("\nRSS (MiB) every minute: " + ", ".join(f"{m:.0f}" for s, m in rss[::6]))
print(f"RSS first {rss[0][1]:.0f} MiB, last {rss[-1][1]:.0f} MiB, peak {max(m for _, m in rss):.0f} MiB")
mixed = {key: digests for key, digests in bodies_by_etag.items() if len(digests) > 1}
print(f"\nETags seen: {len(bodies_by_etag)}; ETags that came with more than one body: {len(mixed)}")
for (url, etag), digests in list(mixed.items())[:10]:
    print(f"  {url} {etag}: {len(digests)} bodies")
errors = sum(n for (k, s), n in statuses.items() if s == "connection error" or (isinstance(s, int) and s >= 500))
print(f"server errors and failed connections: {errors}")
for failure in failures[:10]:
    print("  " + failure)
sys.exit(1 if mixed or errors else 0)
