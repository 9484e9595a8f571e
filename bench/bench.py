"""Benchmark mscowl against the engines users would otherwise pick, on synthetic seeds.

    .venv/bin/python bench/bench.py                       # scales 1000, 10000 trial rows
    .venv/bin/python bench/bench.py --scales 1000,10000 --repeat 3 --rdflib-timeout 60
    .venv/bin/python bench/bench.py --scales 50000,100000 --repeat 2 --rdflib-timeout 10 \
        --pyshacl-timeout 30                              # the large graphs (1.1M, 2.2M triples)

For each scale (synthetic trial rows added to the shipped seeds, 2% invalid for the shapes):
build from CSV and XLSX (time, rows/s, peak memory); the build beside morph-kgc, an RML engine,
given bench/rml/ (the same trial and product triples, compared), runs alternating, with the
summed memory of each one's processes (morph-kgc needs its own interpreter: bench/README.md);
pyoxigraph loading the produced N-Triples;
validation with `mscowl validate` (native engine), pySHACL inside mscowl, plain pySHACL (default
settings) and Apache Jena SHACL on the same files, with their results compared with pySHACL's
(focus node, path, component, severity); every example of every saved query on the embedded
store (pyoxigraph) and on rdflib in memory, with identical answers; publishing the graph into
`oxigraph serve` (Graph Store Protocol) and running the queries there; the same on Virtuoso, with
its bulk loader too (where `virtuoso-opensource` is installed); and start-up time of
`mscowl --help` and `mscowl query --list` against `python -c pass`.
Every measurement runs in a fresh process group (killed whole on time-out); times are
wall-clock seconds (min and median of --repeat runs; a saved query runs at least five times,
and as often as fits in half a second, at most 200), memory is the peak resident set size of
that process. Prints the tables and writes bench/results/<date>-<scales>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
TIMEOUT = 600
#: Per saved query on the embedded store: generous, so that every scale gets a number.
EMBEDDED_QUERY_TIMEOUT = 300
#: For a worker that runs every saved query several times on a large graph.
LONG_TIMEOUT = 3600
#: Per run of a saved query on a server: the bench gives up on that query after it.
SERVER_QUERY_TIMEOUT = 120
#: The RML peer of the build: morph-kgc with its own interpreter (it needs pyoxigraph 0.3,
#: mscowl 0.5), made as bench/README.md says; --morph-kgc names another one.
MORPH_KGC_PYTHON = HERE / ".morph-kgc" / "bin" / "python"


def measure(
    command: list[str], timeout: float = TIMEOUT, cwd: Path | None = None
) -> dict[str, Any]:
    """Run a command in a fresh process; wall time and the peak RSS of its largest process
    (via a small wrapper; :func:`tree_memory` sums a process tree)."""
    wrapper = (
        "import resource, subprocess, sys, time, json\n"
        "t = time.perf_counter()\n"
        "r = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE)\n"
        "s = time.perf_counter() - t\n"
        "m = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "sys.stderr.write(r.stderr.decode(errors='replace')[-2000:])\n"
        "out = r.stdout.decode(errors='replace').strip().splitlines()\n"
        "print(json.dumps({'seconds': s, 'rss_mb': m / 1024, 'rc': r.returncode,\n"
        "                  'last_line': out[-1] if out else ''}))\n"
    )
    out = run_group([sys.executable, "-c", wrapper, *command], timeout, cwd)
    if out is None:
        return {"seconds": None, "rss_mb": None, "rc": None, "timeout": timeout}
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    if result["rc"] not in (0, 1):
        result["error"] = out.stderr[-500:]
    return result


def run_group(
    command: list[str], timeout: float, cwd: Path | None = None
) -> subprocess.CompletedProcess[str] | None:
    """Run a command in its own process group; on time-out kill the whole group (a worker's own
    children too, so that nothing keeps running into the next measurement) and return None."""
    import signal

    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        cwd=cwd,
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        return None
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


#: Samples the memory of a command's whole process tree (its session) every 50 ms: the peak
#: of the summed resident (RSS) and proportional (PSS, shared pages split between the
#: processes that share them) set sizes, and the most processes seen at once.
TREE_MEMORY = """
import os, subprocess, sys, time, json
def tree(session):
    rss = pss = count = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as fh:
                stat = fh.read()
            if int(stat[stat.rindex(")") + 2 :].split()[3]) != session:
                continue
            with open(f"/proc/{pid}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
            count += 1
        except (OSError, ValueError, IndexError):
            pass
    return rss, pss, count
start = time.perf_counter()
process = subprocess.Popen(sys.argv[2:], cwd=sys.argv[1] or None, start_new_session=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
peak = [0, 0, 0]
while process.poll() is None:
    peak = [max(a, b) for a, b in zip(peak, tree(process.pid))]
    time.sleep(0.05)
seconds, errors = time.perf_counter() - start, process.stderr.read().decode()[-500:]
print(json.dumps({"seconds": seconds, "rc": process.returncode,
                  "tree_rss_mb": peak[0] / 1024, "tree_pss_mb": peak[1] / 1024,
                  "processes": peak[2], **({"error": errors} if process.returncode else {})}))
"""


def tree_memory(command: list[str], cwd: Path | None = None) -> dict[str, Any]:
    """One run of ``command`` with its process tree's memory sampled (its time is longer than
    an unsampled run's: times come from :func:`measure`)."""
    out, _ = run_json(py(TREE_MEMORY, str(cwd or ""), *command))
    return out or {"timeout": TIMEOUT}


def repeated(command: list[str], repeat: int, timeout: float = TIMEOUT) -> dict[str, Any]:
    runs = [measure(command, timeout) for _ in range(repeat)]
    times = [r["seconds"] for r in runs if r["seconds"] is not None]
    return {
        "min": min(times) if times else None,
        "median": statistics.median(times) if times else None,
        "rss_mb": max((r["rss_mb"] or 0) for r in runs),
        "rc": runs[-1]["rc"],
        **({"timeout": timeout} if len(times) < len(runs) else {}),
        **({"error": runs[-1]["error"]} if "error" in runs[-1] else {}),
    }


def py(code: str, *args: str) -> list[str]:
    return [sys.executable, "-c", code, *args]


# Workers run in fresh processes; each prints one JSON line.
LOAD_OXIGRAPH = """
import sys, time, json, pyoxigraph
t = time.perf_counter(); s = pyoxigraph.Store()
s.bulk_load(path=sys.argv[1], format=pyoxigraph.RdfFormat.N_TRIPLES)
print(json.dumps({"seconds": time.perf_counter() - t, "triples": len(s)}))
"""
PLAIN_PYSHACL = """
import sys, json
from pathlib import Path
from rdflib import Graph
import pyshacl
from mscowl.ontology.load import load_ontology
from mscowl.validation.report import results_of
data = Graph().parse(sys.argv[1], format="nt")
shapes = Graph()
for p in sorted(Path(sys.argv[2]).glob("*.ttl")):
    shapes.parse(p)
ont = load_ontology(Path(sys.argv[3])).closure
_, report, _ = pyshacl.validate(data, shacl_graph=shapes, ont_graph=ont)
print(json.dumps(sorted(list(r.key) for r in results_of(report))))
"""
OURS = """
import sys, json
from pathlib import Path
from mscowl.validation.run import run_validation
run = run_validation([Path(sys.argv[1])], [Path(sys.argv[2])], Path(sys.argv[3]), Path("."),
                     engine=sys.argv[4])
print(json.dumps(sorted(list(r.key) for r in run.report.results)))
"""
#: pyrudof (Rust; PyPI) on the data with the ontology mixed in, and the Core part of the shapes
#: (it has no SHACL-SPARQL): its report, read back by rdflib, as result keys.
PYRUDOF = """
import sys, json
import pyrudof
from rdflib import Graph
from mscowl.validation.report import results_of
rudof = pyrudof.Rudof(pyrudof.RudofConfig())
rudof.read_data(sys.argv[1], pyrudof.RDFFormat.NTriples)
rudof.read_data(sys.argv[3], pyrudof.RDFFormat.NTriples)
rudof.read_shacl(sys.argv[2], pyrudof.ShaclFormat.Turtle)
rudof.validate_shacl()
text = rudof.serialize_shacl_validation_results(pyrudof.ResultShaclValidationFormat.NTriples)
report = Graph().parse(data=text, format="nt")
print(json.dumps(sorted(list(r.key) for r in results_of(report))))
"""
#: For the query workers: every example of every saved query, as (key, parameters, query
#: text), and how one is timed. A query is run at least ``repeat`` times, and again while the
#: runs take under half a second in all (at most 200 runs): a sub-millisecond median from five
#: runs on a shared machine is mostly noise (timeit's autorange, for the same reason).
EXAMPLES = """
import statistics, time
def examples(queries):
    for name, q in sorted(queries.items()):
        for number, values in enumerate(q.examples, 1):
            key = name if number == 1 else f"{name}#{number}"
            yield key, values, q.bind(values)
def timed(run, text, repeat):
    times = []
    while len(times) < repeat or (sum(times) < 0.5 and len(times) < 200):
        t = time.perf_counter(); table = run(text); times.append(time.perf_counter() - t)
    times.sort()
    return table, {"median": statistics.median(times), "runs": len(times),
                   "p95": times[min(len(times) - 1, int(0.95 * len(times)))]}
"""
QUERIES = (
    EXAMPLES
    + """
import sys, json, signal
from pathlib import Path
from mscowl.sparql.saved import catalogue
from mscowl.sparql.results import golden_text
engine, data, ontology, repeat = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])
queries = catalogue(Path(sys.argv[5]))
per_query_timeout = int(sys.argv[6])
from mscowl.ontology.load import load_ontology
closure = load_ontology(ontology).closure
if engine == "oxigraph":
    from mscowl.sparql.local import LocalStore
    store = LocalStore(); store.load_file(data); store.load_graph(closure)
    run = store.select
else:
    from rdflib import Graph
    from mscowl.sparql.results import ResultTable
    graph = Graph().parse(data, format="nt"); graph += closure
    def run(text):
        result = graph.query(text)
        return ResultTable([str(v) for v in result.vars], [tuple(row) for row in result])
class Timeout(Exception):
    pass
def alarm(signum, frame):
    raise Timeout()
signal.signal(signal.SIGALRM, alarm)
def guarded(text):
    signal.alarm(per_query_timeout)
    try:
        return run(text)
    finally:
        signal.alarm(0)
out = {}
for key, values, text in examples(queries):
    try:
        table, timing = timed(guarded, text, repeat)
    except Timeout:
        out[key] = {"timeout": per_query_timeout}
        continue
    out[key] = {**timing, "answer": golden_text(table), "rows": len(table.rows), "params": values}
print(json.dumps(out))
"""
)


def run_json(command: list[str], timeout: float = TIMEOUT) -> tuple[Any, float | None]:
    import time

    start = time.perf_counter()
    out = run_group(command, timeout)
    if out is None:
        return None, None
    elapsed = time.perf_counter() - start
    if out.returncode != 0 or not out.stdout.strip():
        return {"error": out.stderr[-800:]}, elapsed
    return json.loads(out.stdout.strip().splitlines()[-1]), elapsed


def bench_scale(
    rows: int,
    repeat: int,
    work: Path,
    rdflib_timeout: float,
    pyshacl_timeout: float,
    morph_kgc: Path | None = MORPH_KGC_PYTHON,
) -> dict[str, Any]:
    from mscowl.seeds.synthetic import write_synthetic_seeds

    mscowl = str(BIN / "mscowl")
    seeds = write_synthetic_seeds(work / f"seeds-{rows}", rows)
    total_rows = sum(len(p.read_text().splitlines()) - 1 for p in seeds.glob("*.csv"))
    workbook = work / f"seeds-{rows}.xlsx"
    subprocess.run(
        [mscowl, "workbook", "--seeds", str(seeds), "--out", str(workbook)],
        check=True,
        capture_output=True,
    )
    out = work / f"build-{rows}"
    mapping = str(ROOT / "seeds" / "mapping.toml")
    result: dict[str, Any] = {"trial_rows": rows, "sheet_rows": total_rows}
    result["build_csv"] = repeated(
        [mscowl, "build", "--seeds", str(seeds), "--out", str(out), "--mapping", mapping], repeat
    )
    result["build_xlsx"] = repeated(
        [
            mscowl,
            "build",
            "--seeds",
            str(workbook),
            "--out",
            str(work / f"build-x-{rows}"),
            "--mapping",
            mapping,
        ],
        repeat,
    )
    result["build_peers"] = bench_build_peers(seeds, mapping, work, repeat, morph_kgc)
    nt = out / "knowledge-graph.nt"
    loads = [run_json(py(LOAD_OXIGRAPH, str(nt)))[0] for _ in range(repeat)]
    result["triples"] = loads[0]["triples"]
    result["oxigraph_load"] = {
        "min": min(x["seconds"] for x in loads),
        "median": statistics.median(x["seconds"] for x in loads),
    }
    for name in ("build_csv", "build_xlsx"):
        median = result[name]["median"]
        result[name]["rows_per_s"] = total_rows / median if median else None
    result["build_csv"]["x_oxigraph_load"] = (
        result["build_csv"]["median"] / result["oxigraph_load"]["median"]
        if result["build_csv"]["median"]
        else None
    )

    result["validate"] = bench_validation(nt, repeat, pyshacl_timeout)
    result["validate_core"] = bench_core_peers(nt, repeat, work / f"core-{rows}")
    ontology = ROOT / "ontology" / "msc-cancer.ttl"

    # Saved queries: pyoxigraph against rdflib in memory.
    queries_dir = ROOT / "queries"
    ox, _ = run_json(
        py(
            QUERIES,
            "oxigraph",
            str(nt),
            str(ontology),
            str(max(repeat, 5)),
            str(queries_dir),
            str(EMBEDDED_QUERY_TIMEOUT),
        ),
        LONG_TIMEOUT,
    )
    rd, _ = run_json(
        py(
            QUERIES,
            "rdflib",
            str(nt),
            str(ontology),
            "1",
            str(queries_dir),
            str(int(rdflib_timeout)),
        ),
        rdflib_timeout * 40 + 600,  # every example may time out, after parsing the graph
    )
    per_query: dict[str, Any] = {}
    for name in sorted(ox or {}):
        if "median" not in ox[name]:
            per_query[name] = {"oxigraph_timeout": ox[name]["timeout"]}
            continue
        entry = {
            "oxigraph_median": ox[name]["median"],
            "oxigraph_p95": ox[name]["p95"],
            "oxigraph_runs": ox[name]["runs"],
            "rows": ox[name]["rows"],
            "params": ox[name]["params"],
        }
        answer = rd.get(name) if isinstance(rd, dict) else None
        if answer and "median" in answer:
            entry["rdflib"] = answer["median"]
            entry["speedup"] = answer["median"] / max(ox[name]["median"], 1e-9)
            entry["identical"] = answer["answer"] == ox[name]["answer"]
        elif answer:
            entry["rdflib_timeout"] = answer["timeout"]
        per_query[name] = entry
    result["queries"] = per_query
    if rd is None:
        result["queries_rdflib"] = {"timeout": rdflib_timeout}
    result["end_to_end"] = bench_end_to_end(nt, repeat, work / f"stores-{rows}")
    result["server"] = bench_server(nt, repeat, ox or {})
    result["virtuoso"] = bench_virtuoso(nt, repeat, ox or {})
    return result


REMOTE_QUERIES = (
    EXAMPLES
    + """
import sys, json
from pathlib import Path
from mscowl.errors import EndpointError
from mscowl.sparql.saved import catalogue
from mscowl.sparql.results import golden_text
from mscowl.sparql.remote import run_remote
endpoint, repeat, limit = sys.argv[1], int(sys.argv[2]), float(sys.argv[4])
out = {}
for key, _, text in examples(catalogue(Path(sys.argv[3]))):
    try:
        table, timing = timed(
            lambda text: run_remote(endpoint, text, timeout=limit, retries=0), text, repeat
        )
    except EndpointError as exc:  # refused, or no answer within the limit: say which, go on
        given_up = "no answer within" in str(exc)
        out[key] = {"timeout": limit} if given_up else {"error": str(exc)[-300:]}
        continue
    out[key] = {**timing, "answer": golden_text(table)}
print(json.dumps(out))
"""
)


def bench_server(nt: Path, repeat: int, embedded: dict[str, Any]) -> dict[str, Any]:
    """Publish the graph into a real ``oxigraph serve`` on 127.0.0.1 (Graph Store Protocol PUT,
    ``mscowl publish``) and run every saved query there; answers compared with the embedded
    store's."""
    import socket
    import time
    import urllib.error
    import urllib.request

    binary = shutil.which("oxigraph", path=str(BIN)) or shutil.which("oxigraph")
    if binary is None:
        return {"skipped": "oxigraph serve is not installed (PyPI package 'oxigraph')"}
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [binary, "serve", "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=1)
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                time.sleep(0.1)
        publish = measure(
            [str(BIN / "mscowl"), "publish", "--endpoint", f"{base}/store", "--default-graph",
             "--data", str(nt)]
        )  # fmt: skip
        answers = _queries_on(f"{base}/query", max(repeat, 5))
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {"publish": publish, **_compared(answers, embedded)}


def _queries_on(endpoint: str, runs: int) -> Any:
    """Every saved query on a server, in a worker process (REMOTE_QUERIES): at least ``runs``
    times, and as often as fits in half a second."""
    arguments = [endpoint, str(runs), str(ROOT / "queries"), str(SERVER_QUERY_TIMEOUT)]
    answers, _ = run_json(py(REMOTE_QUERIES, *arguments), LONG_TIMEOUT)
    return answers


def _compared(answers: Any, embedded: dict[str, Any]) -> dict[str, Any]:
    """A server's answers (from REMOTE_QUERIES) timed and compared with the embedded store's."""
    if not isinstance(answers, dict) or "error" in answers:
        return {"queries_error": answers}
    return {
        "queries": {
            name: (
                {k: entry[k] for k in ("error", "timeout") if k in entry}
                if "error" in entry or "timeout" in entry
                else {
                    "median": entry["median"],
                    "p95": entry["p95"],
                    "identical": entry["answer"] == embedded.get(name, {}).get("answer"),
                }
            )
            for name, entry in answers.items()
        }
    }


def bench_virtuoso(nt: Path, repeat: int, embedded: dict[str, Any]) -> dict[str, Any]:
    """The road to a large server, on Virtuoso Open Source (Debian ``virtuoso-opensource``):
    its bulk loader (``ld_dir``, ``rdf_loader_run``, ``checkpoint``, as the README gives them)
    and ``mscowl publish`` through its Graph Store, each into a new database; then every saved
    query on the bulk-loaded one, answers compared with the embedded store's. Uses the
    launcher of the tests (``tests/servers.py``), with 1.3 GB of buffers and room for every
    answer (``ResultSetMaxRows``)."""
    import time

    isql = shutil.which("isql-vt")
    if shutil.which("virtuoso-t") is None or isql is None:
        return {"skipped": "Virtuoso is not installed (Debian package virtuoso-opensource)"}
    if str(ROOT / "tests") not in sys.path:
        sys.path.insert(0, str(ROOT / "tests"))
    from mscowl.ontology.load import load_ontology
    from mscowl.rdf.serialize import ntriples
    from servers import virtuoso_server

    ontology = ntriples(load_ontology(ROOT / "ontology" / "msc-cancer.ttl").closure)
    settings = {"max_rows": 10_000_000, "buffers": 170_000}
    result: dict[str, Any] = {}
    with virtuoso_server(**settings) as (base, sql_port, loadable):
        shutil.copyfile(nt, loadable / "msc-cancer-kg.nt")
        (loadable / "msc-cancer.nt").write_bytes(ontology)
        graphs = (("msc-cancer-kg.nt", "https://w3id.org/mscowl/data/"),
                  ("msc-cancer.nt", "https://w3id.org/mscowl/msc-cancer.owl"))  # fmt: skip
        loads = " ".join(f"ld_dir('{loadable}', '{f}', '{g}');" for f, g in graphs)
        started = time.perf_counter()
        loaded = run_group(
            [isql, f"127.0.0.1:{sql_port}", "dba", "dba",
             f"exec={loads} rdf_loader_run(); checkpoint;"],
            TIMEOUT,
        )  # fmt: skip
        result["bulk_load"] = {
            "seconds": time.perf_counter() - started,
            "rc": loaded.returncode if loaded else None,
        }
        # `repeat` runs, not five: Virtuoso takes seconds for each of the long answers.
        answers = _queries_on(f"{base}/sparql", repeat)
        result.update(_compared(answers, embedded))
    with virtuoso_server(**settings) as (base, _, _):
        os.environ.update({"MSCOWL_ENDPOINT_USER": "dba", "MSCOWL_ENDPOINT_PASSWORD": "dba"})
        try:
            result["publish"] = measure(
                [str(BIN / "mscowl"), "publish", "--endpoint",
                 f"{base}/sparql-graph-crud-auth", "--data", str(nt)]
            )  # fmt: skip
        finally:
            for name in ("MSCOWL_ENDPOINT_USER", "MSCOWL_ENDPOINT_PASSWORD"):
                os.environ.pop(name, None)
    return result


#: Validation engines: (name, engine argument of OURS or None for plain pySHACL, slow).
ENGINES = (
    ("mscowl validate", "auto", False),
    ("mscowl validate --engine pyshacl", "pyshacl", True),
    ("plain pySHACL", None, True),
    ("Jena SHACL", "jena", False),
)


def bench_validation(nt: Path, repeat: int, slow_timeout: float) -> dict[str, Any]:
    """Every engine on the same file: time, peak memory, results; each engine's results are
    compared with pySHACL's (plain pySHACL where it finishes, else pySHACL inside mscowl)."""
    from mscowl.validation.jena import jena_available

    shapes, ontology = ROOT / "shapes", ROOT / "ontology" / "msc-cancer.ttl"
    engines: dict[str, Any] = {}
    answers: dict[str, Any] = {}
    for name, engine, slow in ENGINES:
        if engine == "jena" and jena_available():
            engines[name] = {"skipped": jena_available()}
            continue
        args = (str(nt), str(shapes), str(ontology))
        command = py(PLAIN_PYSHACL, *args) if engine is None else py(OURS, *args, engine)
        runs = [measure(command, slow_timeout if slow else TIMEOUT)]
        if not slow and runs[0]["seconds"] is not None:
            runs += [measure(command) for _ in range(repeat - 1)]
        if runs[0]["seconds"] is None:
            engines[name] = {"timeout": slow_timeout}
            continue
        if "error" in runs[0]:
            engines[name] = {"error": runs[0]["error"]}
            continue
        answers[name] = json.loads(runs[0]["last_line"])
        times = [r["seconds"] for r in runs]
        engines[name] = {
            "min": min(times),
            "median": statistics.median(times),
            "rss_mb": max(r["rss_mb"] for r in runs),
            "results": len(answers[name]),
        }
    reference = next(
        (n for n in ("plain pySHACL", "mscowl validate --engine pyshacl") if n in answers), None
    )
    for name, answer in answers.items():
        engines[name]["agrees_with_pyshacl"] = (
            None if reference is None else answer == answers[reference]
        )
    engines["reference"] = reference
    if "mscowl validate" in answers and "Jena SHACL" in answers:
        engines["mscowl validate"]["agrees_with_jena"] = (
            answers["mscowl validate"] == answers["Jena SHACL"]
        )
    native, jena = engines.get("mscowl validate", {}), engines.get("Jena SHACL", {})
    if "median" in native and "median" in jena:
        engines["x_jena"] = native["median"] / jena["median"]
    plain = engines.get("plain pySHACL", {})
    if "median" in native:
        engines["x_faster_than_plain_pyshacl"] = (
            plain["median"] / native["median"] if "median" in plain else None
        )
        engines["x_faster_than_plain_pyshacl_at_least"] = (
            slow_timeout / native["median"] if "timeout" in plain else None
        )
    return engines


def core_shapes(target: Path) -> Path:
    """The shapes without their SHACL-SPARQL constraints (for engines of SHACL Core only)."""
    from rdflib import Graph

    from mscowl.rdf.namespaces import SH

    shapes = Graph()
    for path in sorted((ROOT / "shapes").glob("*.ttl")):
        shapes.parse(path)
    for shape, constraint in list(shapes.subject_objects(SH.sparql)):
        shapes.remove((shape, SH.sparql, constraint))
        shapes.remove((constraint, None, None))
    target.mkdir(parents=True, exist_ok=True)
    shapes.serialize(target / "core.ttl", format="turtle")
    return target


def bench_core_peers(nt: Path, repeat: int, work: Path) -> dict[str, Any]:
    """pyrudof beside the native engine, both on the Core part of the shapes and the same
    data with the ontology mixed in: time, peak memory, results, and whether they agree."""
    from mscowl.ontology.load import load_ontology
    from mscowl.rdf.serialize import ntriples

    try:
        import pyrudof  # noqa: F401
    except ImportError:
        return {"skipped": "pyrudof is not installed (pip install pyrudof)"}
    shapes = core_shapes(work / "core-shapes")
    ontology_ttl = ROOT / "ontology" / "msc-cancer.ttl"
    ontology_nt = work / "ontology.nt"
    ontology_nt.write_bytes(ntriples(load_ontology(ontology_ttl).closure))
    native = py(OURS, str(nt), str(shapes), str(ontology_ttl), "native")
    commands = {
        "mscowl validate (Core shapes)": native,
        "pyrudof (Core shapes)": py(PYRUDOF, str(nt), str(shapes / "core.ttl"), str(ontology_nt)),
    }
    engines: dict[str, Any] = {}
    answers: dict[str, Any] = {}
    for name, command in commands.items():
        runs = [measure(command) for _ in range(repeat)]
        if any(r["seconds"] is None or "error" in r for r in runs):
            engines[name] = {"error": runs[-1].get("error", "timed out")}
            continue
        answers[name] = json.loads(runs[0]["last_line"])
        times = [r["seconds"] for r in runs]
        engines[name] = {
            "median": statistics.median(times),
            "rss_mb": max(r["rss_mb"] for r in runs),
            "results": len(answers[name]),
        }
    if len(answers) == 2:
        ours, theirs = answers.values()
        engines["agree"] = ours == theirs
        mine, rudof = (engines[n]["median"] for n in commands)
        engines["x_pyrudof"] = mine / rudof
    return engines


#: The same query on the persistent store that ``mscowl query`` made, by a bare pyoxigraph
#: script: what no wrapper can beat.
RAW_QUERY = """
import sys
from pathlib import Path
import pyoxigraph
(store,) = [p for p in Path(sys.argv[1]).iterdir() if (p / "mscowl-store.json").is_file()]
rows = list(pyoxigraph.Store.read_only(str(store)).query(Path(sys.argv[2]).read_text()))
print(len(rows))
"""


#: Compares morph-kgc's triples with mscowl's about the trials and products (the sheets the
#: RML mapping covers): the same set, or what differs.
SAME_TRIPLES = """
import sys, json, pyoxigraph as ox
heads = tuple(sys.argv[3:])
def read(path, keep):
    triples = ox.parse(path=path, format=ox.RdfFormat.N_TRIPLES)
    return {t for t in triples if not keep or t.subject.value.startswith(heads)}
ours, theirs = read(sys.argv[1], True), read(sys.argv[2], False)
print(json.dumps({"triples": len(ours), "same": ours == theirs,
                  "only_mscowl": sorted(map(str, ours - theirs))[:3],
                  "only_morph_kgc": sorted(map(str, theirs - ours))[:3]}))
"""


def bench_build_peers(
    seeds: Path, mapping: str, work: Path, repeat: int, morph_kgc: Path | None
) -> dict[str, Any]:
    """`mscowl build` against morph-kgc on the same CSV sheets (runs alternating, the medians
    and their ratio), the memory of each one's process tree, and their triples compared."""
    sys.path.insert(0, str(HERE))
    from rml import rml_files

    mscowl_out = work / f"{seeds.name}-peer-build"
    ours = [str(BIN / "mscowl"), "build", "--seeds", str(seeds), "--out", str(mscowl_out)]
    ours += ["--mapping", mapping]
    result: dict[str, Any] = {}
    if morph_kgc is None or not morph_kgc.exists():
        runs = [measure(ours) for _ in range(repeat)]
        result["mscowl"] = _runs(runs) | tree_memory(ours)
        result["morph_kgc"] = {"missing": str(morph_kgc or MORPH_KGC_PYTHON)}
        return result
    folder = work / f"{seeds.name}-morph-kgc"
    (folder / "rml").mkdir(parents=True, exist_ok=True)
    (folder / "seeds").symlink_to(seeds.resolve(), target_is_directory=True)
    for name, text in rml_files(Path(mapping)).items():
        (folder / "rml" / name).write_text(text, encoding="utf-8")
    (folder / "morph.ini").write_text(
        "[CONFIGURATION]\noutput_file=morph-kgc.nt\noutput_format=N-TRIPLES\n"
        "[DataSource1]\nmappings=rml/trials-products.rml.ttl\n",
        encoding="utf-8",
    )
    theirs = [str(morph_kgc), "-m", "morph_kgc", "morph.ini"]
    version = subprocess.run(
        [str(morph_kgc), "-c", "import importlib.metadata as m; print(m.version('morph-kgc'))"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    mine, peer = [], []
    for _ in range(repeat):  # alternating, so that both see the same machine
        mine.append(measure(ours))
        peer.append(measure(theirs, cwd=folder))
    result["mscowl"] = _runs(mine) | tree_memory(ours)
    result["morph_kgc"] = _runs(peer) | tree_memory(theirs, folder) | {"version": version}
    base = "https://w3id.org/mscowl/data/"
    agreement, _ = run_json(
        py(
            SAME_TRIPLES,
            str(mscowl_out / "knowledge-graph.nt"),
            str(folder / "morph-kgc.nt"),
            base + "trial/",
            base + "product/",
        )
    )
    result["agreement"] = agreement
    same = bool(agreement and agreement.get("same"))  # a ratio of different work means nothing
    if same and result["mscowl"]["median"] and result["morph_kgc"]["median"]:
        result["x_wall"] = result["mscowl"]["median"] / result["morph_kgc"]["median"]
        result["x_pss"] = result["mscowl"]["tree_pss_mb"] / result["morph_kgc"]["tree_pss_mb"]
        result["x_rss"] = result["mscowl"]["tree_rss_mb"] / result["morph_kgc"]["tree_rss_mb"]
    return result


def _runs(runs: list[dict[str, Any]]) -> dict[str, Any]:
    times = [r["seconds"] for r in runs if r["seconds"] is not None]
    return {
        "median": statistics.median(times) if times else None,
        "min": min(times) if times else None,
        "rc": runs[-1]["rc"],
        **({"error": runs[-1]["error"]} if "error" in runs[-1] else {}),
    }


def oxigraph_cli() -> str | None:
    """The Oxigraph CLI (PyPI ``oxigraph``, the ``serve`` extra) as ``mscowl serve`` finds it."""
    from mscowl.errors import ToolMissingError
    from mscowl.sparql.serve import oxigraph_server

    try:
        return oxigraph_server()
    except ToolMissingError:
        return None


def bench_end_to_end(nt: Path, repeat: int, cache: Path) -> dict[str, Any]:
    """``mscowl query`` end to end on the built graph: its first run (which loads the graph into
    a persistent store), later runs (which open it), beside a bare pyoxigraph script and the
    ``oxigraph query`` CLI on that store and ``mscowl --help``, in rounds that run each once, so
    that every ratio compares runs made at the same time (the machine's speed drifts)."""
    from mscowl.sparql.saved import catalogue

    os.environ["MSCOWL_STORE_CACHE"] = str(cache)
    try:
        result: dict[str, Any] = {}
        queries = catalogue(ROOT / "queries")
        cli = oxigraph_cli()
        for name in ("mechanisms", "trials"):
            command = [str(BIN / "mscowl"), "query", name, "--data", str(nt), "--format", "tsv"]
            shutil.rmtree(cache, ignore_errors=True)
            first = measure(command)
            text = cache.parent / f"{name}.rq"
            text.write_text(queries[name].bind({}), encoding="utf-8")
            peers = {
                "later": command,
                "raw_pyoxigraph": py(RAW_QUERY, str(cache), str(text)),
                "help": [str(BIN / "mscowl"), "--help"],
            }
            if cli is not None:
                (store,) = [p for p in cache.iterdir() if (p / "mscowl-store.json").is_file()]
                peers["oxigraph_cli"] = [cli, "query", "--location", str(store), "--query-file"]
                peers["oxigraph_cli"] += [str(text), "--results-format", "tsv"]
            rounds = max(repeat, 5 if name == "mechanisms" else 3)
            times: dict[str, list[float]] = {peer: [] for peer in peers}
            for _ in range(rounds):
                for peer, run in peers.items():
                    measured = measure(run)
                    if measured["rc"] == 0 and measured["seconds"] is not None:
                        times[peer].append(measured["seconds"])
            median = {p: statistics.median(t) if t else None for p, t in times.items()}
            result[name] = {"first": first["seconds"], "rounds": rounds, **median}
            for key, peer in (
                ("x_raw", "raw_pyoxigraph"),
                ("x_oxigraph_cli", "oxigraph_cli"),
                ("x_help", "help"),
            ):
                ours, theirs = median["later"], median.get(peer)
                result[name][key] = ours / theirs if ours and theirs else None
        return result
    finally:
        os.environ.pop("MSCOWL_STORE_CACHE", None)


def startup(repeat: int) -> dict[str, Any]:
    mscowl = str(BIN / "mscowl")
    return {
        "python -c pass": repeated([sys.executable, "-c", "pass"], max(repeat, 5)),
        "python -c 'import click'": repeated(
            [sys.executable, "-c", "import click"], max(repeat, 5)
        ),
        "mscowl --help": repeated([mscowl, "--help"], max(repeat, 5)),
        "mscowl query --list": repeated([mscowl, "query", "--list"], max(repeat, 5)),
    }


def fmt(value: Any, unit: str = "s") -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if unit == "s":
        return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"
    if unit == "ms":
        return f"{value * 1000:.1f} ms"
    return f"{value:,.0f} {unit}"


def table(results: dict[str, Any]) -> str:
    lines = [
        "| measurement | "
        + " | ".join(
            f"{s['trial_rows']:,} rows / {s['triples']:,} triples" for s in results["scales"]
        )
        + " |",
        "|---|" + "---|" * len(results["scales"]),
    ]

    def row(label: str, pick: Any) -> None:
        lines.append(f"| {label} | " + " | ".join(pick(s) for s in results["scales"]) + " |")

    row("build from CSV (median)", lambda s: fmt(s["build_csv"]["median"]))
    row("build from CSV, rows/s", lambda s: fmt(s["build_csv"]["rows_per_s"], "rows/s"))
    row("build from CSV, peak memory", lambda s: fmt(s["build_csv"]["rss_mb"], "MB"))
    row("build from CSV: mscowl / morph-kgc (RML), alternating medians", _peers_cell)
    row("build from CSV: process-tree memory (PSS; RSS), mscowl / morph-kgc", _peers_memory)
    row(
        "build from CSV: morph-kgc gives mscowl's trial and product triples",
        lambda s: (
            fmt(s["build_peers"]["agreement"]["same"])
            + f" ({s['build_peers']['agreement']['triples']:,} triples)"
            if (s.get("build_peers", {}).get("agreement") or {}).get("triples")
            else fmt(None)
        ),
    )
    row("build from XLSX (median)", lambda s: fmt(s["build_xlsx"]["median"]))
    row("pyoxigraph loads the N-Triples", lambda s: fmt(s["oxigraph_load"]["median"]))
    row(
        "build ÷ pyoxigraph load",
        lambda s: (
            f"{s['build_csv']['x_oxigraph_load']:.1f}x"
            if s["build_csv"]["x_oxigraph_load"]
            else "—"
        ),
    )
    for engine, _, _ in ENGINES:
        row(f"validate: {engine}", lambda s, e=engine: _engine_cell(s["validate"][e]))
    row(
        "validate: mscowl ÷ Jena SHACL (target ≤2x)",
        lambda s: f"{s['validate']['x_jena']:.2f}x" if "x_jena" in s["validate"] else "—",
    )
    row("validate: mscowl speed-up over plain pySHACL (target ≥20x)", _speedup_cell)
    row(
        "validate: same results as pySHACL (reference)",
        lambda s: (
            ", ".join(
                f"{e}={fmt(v['agrees_with_pyshacl'])}"
                for e, v in s["validate"].items()
                if isinstance(v, dict)
                and "agrees_with_pyshacl" in v
                and e != s["validate"]["reference"]
            )
            + f" (reference: {s['validate']['reference']})"
        ),
    )
    row(
        "validate: mscowl and Jena SHACL agree",
        lambda s: fmt(s["validate"].get("mscowl validate", {}).get("agrees_with_jena")),
    )
    for peer in ("mscowl validate (Core shapes)", "pyrudof (Core shapes)"):
        row(
            f"validate Core shapes: {peer.split(' (')[0]}",
            lambda s, peer=peer: (
                f"{fmt(s['validate_core'][peer]['median'])}, "
                f"{fmt(s['validate_core'][peer]['rss_mb'], 'MB')} "
                f"({s['validate_core'][peer]['results']} results)"
                if "median" in s.get("validate_core", {}).get(peer, {})
                else fmt(None)
            ),
        )
    row(
        "validate Core shapes: mscowl ÷ pyrudof; same results",
        lambda s: (
            f"{s['validate_core']['x_pyrudof']:.2f}x; {fmt(s['validate_core']['agree'])}"
            if "x_pyrudof" in s.get("validate_core", {})
            else fmt(None)
        ),
    )
    for name in ("mechanisms", "trials"):
        row(
            f"`mscowl query {name}` end to end: first run / later runs / bare pyoxigraph script",
            lambda s, name=name: (
                f"{fmt(s['end_to_end'][name]['first'])} / {fmt(s['end_to_end'][name]['later'])}"
                f" / {fmt(s['end_to_end'][name]['raw_pyoxigraph'])}"
                f" ({s['end_to_end'][name]['x_raw']:.1f}x)"
                if s.get("end_to_end", {}).get(name, {}).get("x_raw")
                else fmt(None)
            ),
        )
        if name == "mechanisms":  # the small answer: its fixed cost against start-up
            row(
                f"`mscowl query {name}` later runs ÷ `mscowl --help` (the same rounds)",
                lambda s, name=name: (
                    f"{fmt(s['end_to_end'][name]['help'])}: {s['end_to_end'][name]['x_help']:.2f}x"
                    if s.get("end_to_end", {}).get(name, {}).get("x_help")
                    else fmt(None)
                ),
            )
        row(
            f"`mscowl query {name}` later runs ÷ `oxigraph query` (CLI) on the same store",
            lambda s, name=name: (
                f"{fmt(s['end_to_end'][name]['oxigraph_cli'])}: "
                f"{s['end_to_end'][name]['x_oxigraph_cli']:.1f}x"
                if s.get("end_to_end", {}).get(name, {}).get("x_oxigraph_cli")
                else fmt(None)
            ),
        )
    row(
        "queries: pyoxigraph median (max over queries)",
        lambda s: fmt(
            max(
                (q["oxigraph_median"] for q in s["queries"].values() if "oxigraph_median" in q),
                default=None,
            ),
            "ms",
        ),
    )
    row(
        "queries: pyoxigraph p95 (max over queries)",
        lambda s: fmt(
            max(
                (q["oxigraph_p95"] for q in s["queries"].values() if "oxigraph_p95" in q),
                default=None,
            ),
            "ms",
        ),
    )
    row(
        "queries: median under 100 ms (embedded store)",
        lambda s: (
            f"{sum(q.get('oxigraph_median', 1e9) < 0.1 for q in s['queries'].values())}"
            f" of {len(s['queries'])}"
        ),
    )
    row(
        "queries: rdflib in memory (max over queries that finished)",
        lambda s: fmt(
            max((q["rdflib"] for q in s["queries"].values() if "rdflib" in q), default=None)
        ),
    )
    row(
        "queries: rdflib gave up (per-query time-out)",
        lambda s: ", ".join(n for n, q in s["queries"].items() if "rdflib_timeout" in q) or "none",
    )
    row(
        "queries: smallest speed-up over rdflib",
        lambda s: (
            f"{min(q['speedup'] for q in s['queries'].values() if 'speedup' in q):.0f}x"
            if any("speedup" in q for q in s["queries"].values())
            else "—"
        ),
    )
    row(
        "queries: identical answers (where rdflib finished)",
        lambda s: fmt(
            all(q["identical"] for q in s["queries"].values() if "identical" in q)
            if any("identical" in q for q in s["queries"].values())
            else None
        ),
    )
    row("publish to oxigraph serve (GSP PUT + count check)", lambda s: _publish_cell(s["server"]))
    row("queries on oxigraph serve: median (max over queries)", lambda s: _slowest(s["server"]))
    row("queries on oxigraph serve: same answers as embedded", lambda s: _agreement(s["server"]))
    row(
        "Virtuoso bulk loader (ld_dir, rdf_loader_run, checkpoint)",
        lambda s: (
            fmt(s["virtuoso"]["bulk_load"]["seconds"])
            if s["virtuoso"].get("bulk_load", {}).get("rc") == 0
            else s["virtuoso"].get("skipped", "failed")
        ),
    )
    row("publish to Virtuoso (GSP PUT, Digest)", lambda s: _publish_cell(s["virtuoso"]))
    row("queries on Virtuoso: median (max over queries)", lambda s: _slowest(s["virtuoso"]))
    row("queries on Virtuoso: same answers as embedded", lambda s: _agreement(s["virtuoso"]))
    start = results["startup"]
    lines.append("")
    lines.append("| start-up (median) | " + " | ".join(start) + " |")
    lines.append("|---|" + "---|" * len(start))
    lines.append("| | " + " | ".join(fmt(v["median"]) for v in start.values()) + " |")
    return "\n".join(lines)


def query_table(results: dict[str, Any]) -> str:
    """Per saved query and scale: embedded store median / p95, rdflib, server median."""
    scales = results["scales"]
    lines = [
        "| query | "
        + " | ".join(
            f"{s['trial_rows']:,} rows: embedded median / p95, rdflib, server, Virtuoso"
            for s in scales
        )
        + " |",
        "|---|" + "---|" * len(scales),
    ]
    for name in sorted(scales[0]["queries"]):
        cells = []
        for scale in scales:
            q = scale["queries"].get(name, {})
            rdflib = (
                fmt(q["rdflib"])
                if "rdflib" in q
                else (f"gave up at {fmt(q['rdflib_timeout'])}" if "rdflib_timeout" in q else "—")
            )
            served = scale["server"].get("queries", {}).get(name, {}).get("median")
            cells.append(
                f"{fmt(q.get('oxigraph_median'), 'ms')} / {fmt(q.get('oxigraph_p95'), 'ms')} "
                f"({q.get('rows', 0):,} rows), {rdflib}, {fmt(served, 'ms')}, "
                + _virtuoso_cell(scale.get("virtuoso", {}).get("queries", {}).get(name))
            )
        params = scales[0]["queries"][name].get("params")
        label = name.split("#")[0] + (f" {json.dumps(params)}" if params else "")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _peers_cell(scale: dict[str, Any]) -> str:
    peers = scale.get("build_peers", {})
    if "x_wall" not in peers:
        missing = peers.get("morph_kgc", {}).get("missing")
        if missing:
            return f"morph-kgc not installed ({missing})"
        different = (peers.get("agreement") or {}).get("same") is False
        return "not the same triples: no ratio" if different else fmt(None)
    return (
        f"{fmt(peers['mscowl']['median'])} / {fmt(peers['morph_kgc']['median'])}: "
        f"{peers['x_wall']:.2f}x"
    )


def _peers_memory(scale: dict[str, Any]) -> str:
    peers = scale.get("build_peers", {})
    if "x_pss" not in peers:
        return fmt(None)
    ours, theirs = peers["mscowl"], peers["morph_kgc"]
    return (
        f"{fmt(ours['tree_pss_mb'], 'MB')}; {fmt(ours['tree_rss_mb'], 'MB')} "
        f"({ours['processes']} processes) / {fmt(theirs['tree_pss_mb'], 'MB')}; "
        f"{fmt(theirs['tree_rss_mb'], 'MB')} ({theirs['processes']}): {peers['x_pss']:.2f}x PSS"
    )


def _virtuoso_cell(entry: dict[str, Any] | None) -> str:
    if not entry:
        return "—"
    if "error" in entry:
        return "refused"
    if "timeout" in entry:
        return f"gave up at {fmt(entry['timeout'])}"
    return fmt(entry["median"], "ms") + ("" if entry["identical"] else " (different answer)")


def _engine_cell(entry: dict[str, Any]) -> str:
    if "median" in entry:
        return f"{fmt(entry['median'])}, {fmt(entry['rss_mb'], 'MB')} ({entry['results']} results)"
    if "timeout" in entry:
        return f"gave up at {fmt(entry['timeout'])}"
    return "error" if "error" in entry else "skipped"


def _publish_cell(server: dict[str, Any]) -> str:
    publish = server.get("publish")
    if not publish:
        return str(server.get("skipped", "—"))
    if publish.get("rc") != 0:
        return "failed"
    return f"{fmt(publish['seconds'])}, server answers checked"


def _slowest(server: dict[str, Any]) -> str:
    medians = [q["median"] for q in server.get("queries", {}).values() if "median" in q]
    return fmt(max(medians, default=None))


def _agreement(server: dict[str, Any]) -> str:
    """ "yes", or how many examples agree and which differ or were refused."""
    queries = server.get("queries")
    if not queries:
        return str(server.get("skipped", "—"))
    differ = sorted(n for n, q in queries.items() if q.get("identical") is False)
    refused = sorted(n for n, q in queries.items() if "error" in q)
    slow = sorted(n for n, q in queries.items() if "timeout" in q)
    if not differ and not refused and not slow:
        return "yes"
    same = len(queries) - len(differ) - len(refused) - len(slow)
    return (
        f"{same} of {len(queries)}"
        + (f"; differ: {', '.join(differ)}" if differ else "")
        + (f"; refused: {', '.join(refused)}" if refused else "")
        + (f"; gave up at {fmt(SERVER_QUERY_TIMEOUT)}: {', '.join(slow)}" if slow else "")
    )


def _speedup_cell(scale: dict[str, Any]) -> str:
    found = scale["validate"]
    if found.get("x_faster_than_plain_pyshacl"):
        return f"{found['x_faster_than_plain_pyshacl']:.0f}x"
    if found.get("x_faster_than_plain_pyshacl_at_least"):
        return f"more than {found['x_faster_than_plain_pyshacl_at_least']:.0f}x"
    return "—"


def free_name(path: Path) -> Path:
    """``path``, or ``NAME-run2.json``, ``-run3`` ... when a recorded run has that name: a new run
    never overwrites one that the README cites.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "2026-12-02-50000.json").write_text("{}")
    >>> free_name(folder / "2026-12-02-50000.json").name
    '2026-12-02-50000-run2.json'
    """
    candidate, n = path, 2
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}-run{n}{path.suffix}")
        n += 1
    return candidate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scales", default="1000,10000", help="trial rows per scale, comma-separated"
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--rdflib-timeout",
        type=float,
        default=300,
        help="give up on each saved query in rdflib after this many seconds",
    )
    parser.add_argument(
        "--pyshacl-timeout",
        type=float,
        default=300,
        help="give up on pySHACL (plain, and inside mscowl) after this many seconds",
    )
    parser.add_argument(
        "--morph-kgc",
        type=Path,
        default=MORPH_KGC_PYTHON,
        help="a Python with morph-kgc installed (the RML peer of the build; bench/README.md)",
    )
    parser.add_argument("--results", type=Path, default=HERE / "results")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    args = parser.parse_args(argv)
    scales = [int(s) for s in args.scales.split(",")]
    work = Path(tempfile.mkdtemp(prefix="mscowl-bench-"))
    results: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        },
        "repeat": args.repeat,
        "scales": [],
    }
    args.results.mkdir(parents=True, exist_ok=True)
    target = free_name(args.results / f"{results['date'][:10]}-{'-'.join(map(str, scales))}.json")
    try:
        for rows in scales:  # written after each scale, so that a long run keeps what it has
            scale = bench_scale(
                rows, args.repeat, work, args.rdflib_timeout, args.pyshacl_timeout, args.morph_kgc
            )
            results["scales"].append(scale)
            target.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        results["startup"] = startup(args.repeat)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    target.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(table(results))
    print()
    print(query_table(results))
    print(f"\nwrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
