"""results.json -> results.md: the README's performance section, targets first."""

from __future__ import annotations

LANGS = ("ja", "en")
SYSTEMS = (
    ("hybrid", "hybrid (project default)"),
    ("dense", "dense only (e5-small)"),
    ("keyword", "keyword only (bm25s)"),
    ("tutorial", "tutorial: all-MiniLM-L6-v2 + torch + flat FAISS"),
)


def _get(data: dict, *path, default=None):
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return default
        data = data[key]
    return data


def _fmt(value, unit: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        value = f"{value:.3g}" if abs(value) < 10 else f"{value:,.1f}".rstrip("0").rstrip(".")
    return f"{value}{unit}"


def _table(header: list[str], rows: list[list]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_fmt(c) for c in row) + " |" for row in rows]
    return lines + [""]


def _scale_pick(results: dict, n: int) -> dict | None:
    """The index qa/vectors.py builds for n vectors by default, as measured."""
    from qa.vectors import VectorConfig

    kind = VectorConfig().resolve(n)
    rows = _get(results, "scale", "rows", default=[]) or []
    return next((r for r in rows if r["n"] == n and r["kind"] == kind and not r.get("extrapolated")), None)


def targets(results: dict) -> list[list]:
    """[target, measured, verdict] rows: verdicts say by how much a target is missed."""
    rows = []

    def check(name: str, limit: float, value, unit: str, note: str = "") -> None:
        if value is None:
            rows.append([name, "not measured", "–"])
            return
        verdict = (
            "met" if value <= limit else f"missed by {_fmt(round(value - limit, 3))}{unit} ({value / limit - 1:+.0%})"
        )
        rows.append([name, f"{_fmt(value)}{unit}", verdict + (f"; {note}" if note and value > limit else "")])

    hybrid = _get(results, "warm", "modes", "hybrid", default={})
    extras = _get(results, "warm", "extras", default={})
    for lang in LANGS:
        embed = _get(extras, lang, "embedding_ms", "p50")
        note = f"the query embedding alone takes {_fmt(embed)} ms (p50)" if embed is not None else ""
        check(f"warm latency p50 ≤ 15 ms ({lang})", 15, _get(hybrid, lang, "latency_ms", "p50"), " ms", note)
        check(f"warm latency p95 ≤ 30 ms ({lang})", 30, _get(hybrid, lang, "latency_ms", "p95"), " ms", note)
    check("cold start `qa ask` ≤ 2 s", 2, _get(results, "cold", "ask", "first_answer_s"), " s")
    check("fresh `qa index` of corpus/ ≤ 150 s", 150, _get(results, "build", "seconds"), " s")
    for part, name in (("incremental", "corpus/"), ("decks", "tests/decks/")):
        added, full = _get(results, part, "added", "seconds"), _get(results, part, "full", "seconds")
        check(f"one deck added to {name} ≤ 30 s", 30, added, " s")
        share = round(added / full, 3) if added and full else None
        check(f"one deck added to {name} ≤ ¼ of a full build", 0.25, share, "×")
        if _get(results, part, "same_as_full") is False:
            rows.append([f"one deck added to {name}: the index of a full build", "differs", "missed"])
    check("`qa serve` ready ≤ 8 s", 8, _get(results, "cold", "serve", "ready_s"), " s")
    check("peak memory `qa ask` ≤ 400 MB", 400, _get(results, "cold", "ask", "peak_rss_mb"), " MB")
    serve_rss = _get(results, "load", "server_peak_rss_bytes")
    check("peak memory warm `qa serve` ≤ 600 MB", 600, round(serve_rss / 2**20, 1) if serve_rss else None, " MB")
    pick = _scale_pick(results, 1_000_000)
    if pick:
        kind = f"{pick['kind']}, {pick.get('depth_name', '')}={pick.get('depth', '')}".rstrip(", =")
        check(f"1M passages: p95 search ≤ 5 ms ({kind})", 5, _get(pick, "search_ms_1t", "p95"), " ms")
        check("1M passages: recall@10 ≥ 0.95", 0, 0.95 - pick["recall_at_10"] if pick else None, "")
        rows[-1] = ["1M passages: recall@10 ≥ 0.95", _fmt(pick["recall_at_10"]), rows[-1][2]]
    else:
        rows.append(["1M passages: p95 ≤ 5 ms at recall@10 ≥ 0.95", "not measured", "–"])
    for lang in LANGS:
        cached = _get(extras, lang, "cached_ms", "p50")
        fresh = _get(hybrid, lang, "latency_ms", "p50")
        if cached is not None and fresh is not None:
            verdict = "met" if cached < fresh else "not faster"
            rows.append([f"repeated questions from the query cache ({lang})", f"{cached} ms vs {fresh} ms", verdict])
    return rows


STAGE_NAMES = {
    "read": "reading (and OCR)",
    "passage_vectors": "passage vectors",
    "gloss_texts": "glosses",
    "gloss_vectors": "gloss vectors",
    "keyword": "keyword index",
    "hubness": "hubness",
    "latent_passages": "latent terms",
    "word_table": "word table",
    "pictures": "pictures",
}


def _stage_cell(stage: dict | None) -> str:
    if not stage:
        return "–"
    cell = _fmt(stage.get("seconds"))
    if stage.get("computed") or stage.get("reused"):
        cell += f" ({stage.get('computed', 0)} new"
        cell += f", {stage['reused']} reused)" if stage.get("reused") else ")"
    return cell


def builds(results: dict) -> list[str]:
    """Each build's seconds by stage (the manifest's "stages"): the fresh default corpus, and for both
    corpora a full build, one deck removed, added back and changed (incremental builds)."""
    columns: list[tuple[str, dict]] = []
    if _get(results, "build", "stages"):
        columns.append(("corpus/ fresh", results["build"]))
    for part, name in (("incremental", "corpus/"), ("decks", "tests/decks/")):
        found = results.get(part) or {}
        if "full" not in found:
            continue
        deck = found.get("deck", "")
        columns.append((f"{name} + {deck}: full", found["full"]))
        columns.append((f"remove {deck}", found["removed"]))
        columns.append((f"add {deck}", found["added"]))
        if "changed" in found:
            columns.append((f"change {found['changed']['deck']}", found["changed"]))
    if not columns:
        return []
    out = [
        "### Index builds, stage by stage",
        "",
        "Seconds of each stage (the build manifest's `stages`; in brackets the items computed and those taken "
        "from the build cache, `index/cache/`). An incremental build reads and embeds the decks that changed "
        "alone; keyword index, hubness and word table are computed again over the whole corpus.",
        "",
    ]
    rows = [
        [label] + [_stage_cell(build.get("stages", {}).get(key)) for _, build in columns]
        for key, label in STAGE_NAMES.items()
    ]
    rows.append(["**whole build (wall)**"] + [f"**{_fmt(build.get('seconds'))}**" for _, build in columns])
    rows.append(["passages / decks"] + [f"{build.get('passages')} / {build.get('decks', 1)}" for _, build in columns])
    out += _table(["stage"] + [name for name, _ in columns], rows)
    for part, name in (("incremental", "corpus/"), ("decks", "tests/decks/")):
        found = results.get(part) or {}
        if "full" not in found:
            continue
        rate, own = _get(found, "full", "passages_per_s"), _get(found, "encoder", "passages_per_s")
        share = found.get("added_share_of_full")
        same = {True: "equals", False: "differs from"}.get(found.get("same_as_full"), "was not compared with")
        out += [
            f"{name}: a full build embeds {_fmt(rate)} passages/s; the encoder alone, "
            f"{_fmt(_get(found, 'encoder', 'passages'))} passages in one call, {_fmt(own)} passages/s. "
            f"Adding {found.get('deck')} takes {_fmt(share)}× the full build, and the index it leaves "
            f"{same} the full build's, file for file.",
            "",
        ]
    return out


def markdown(results: dict) -> str:
    m = results.get("machine", {})
    pk = m.get("packages", {})
    out = [
        "## Performance",
        "",
        f"Measured by `make bench` (`python bench/run.py`) on {results.get('generated_at', '?')}"
        + (" — **quick smoke run, not the documented figures**" if results.get("quick") else "")
        + f"; the whole run took {_fmt(results.get('total_seconds'))} s.",
        "",
        f"Machine: {m.get('cpu')}, {m.get('cores')} cores, {m.get('ram_gb')} GB RAM, {m.get('os')}, "
        f"Python {m.get('python')}; " + ", ".join(f"{k} {v}" for k, v in pk.items() if v) + ".",
        f"Load average at start: {m.get('load_average_at_start')} (other processes share the cores; "
        "each part records the load before and after in results.json). "
        f"OpenMP wait policy: {results.get('omp_wait_policy', 'default (unset)')}.",
        "",
        "### Targets",
        "",
    ]
    out += _table(["target", "measured", "verdict"], targets(results))

    cold = results.get("cold") or {}
    build = results.get("build") or {}
    jsq = results.get("jsquad") or {}
    out += ["### Start, build, memory", ""]
    out += _table(
        ["what", "figure"],
        [
            ["`qa ask` process start → first answer (median)", f"{_fmt(_get(cold, 'ask', 'first_answer_s'))} s"],
            ["  of which Python itself starts in", f"{_fmt(_get(cold, 'ask', 'python_startup_s'))} s"],
            ["  of which imports take (`-X importtime`)", f"{_fmt(_get(cold, 'imports', 'total_import_ms'))} ms"],
            ["`qa serve` start → page answers HTTP 200", f"{_fmt(_get(cold, 'serve', 'ready_s'))} s"],
            ["peak RSS `qa ask`", f"{_fmt(_get(cold, 'ask', 'peak_rss_mb'))} MB"],
            [
                "peak RSS `qa serve` after the load test",
                f"{_fmt(round(_get(results, 'load', 'server_peak_rss_bytes', default=0) / 2**20, 1))} MB",
            ],
            [
                f"index build, briefing ({_fmt(build.get('passages'))} passages, with the latent terms and word table)",
                f"{_fmt(build.get('seconds'))} s",
            ],
            [
                f"index build, JSQuAD valid ({_fmt(jsq.get('passages'))} paragraphs)",
                f"{_fmt(jsq.get('seconds'))} s",
            ],
        ],
    )
    out += builds(results)
    phases = _get(cold, "phases_ms", default={})
    if phases and "error" not in phases:
        out += ["Start of `qa ask`, step by step (ms): " + ", ".join(f"{k} {v}" for k, v in phases.items()), ""]
    packages = _get(cold, "imports", "by_package_ms", default={})
    if packages:
        out += ["Imports of `qa ask` by package (self time, ms): " + ", ".join(f"{k} {v}" for k, v in packages.items())]
        out += [""]

    warm = results.get("warm") or {}
    out += ["### Warm latency (in-process, end to end, query cache bypassed)", ""]
    rows = []
    for lang in LANGS:
        lat = _get(warm, "modes", "hybrid", lang, "latency_ms", default={})
        ex = _get(warm, "extras", lang, default={})
        rows.append(
            [
                lang,
                lat.get("n"),
                lat.get("p50"),
                lat.get("p95"),
                lat.get("p99"),
                _get(ex, "embedding_ms", "p50"),
                _get(ex, "cached_ms", "p50"),
                _get(ex, "cached_ms", "p95"),
            ]
        )
    out += _table(
        ["lang", "questions", "p50 ms", "p95 ms", "p99 ms", "embedding alone p50", "cached p50", "cached p95"], rows
    )
    batch = results.get("batch") or {}
    if batch:
        lib, cmd = batch.get("library", {}), batch.get("command", {})
        out += [
            f"Batch: `qa.evaluation.evaluate` answers {_fmt(lib.get('questions_per_s'))} questions/s in-process "
            f"({lib.get('questions')} questions, {_fmt(lib.get('seconds'))} s); the `qa eval` command "
            + (
                f"{_fmt(cmd.get('questions_per_s'))} questions/s including process start ({_fmt(cmd.get('wall_s'))} s)."
                if "wall_s" in cmd
                else f"failed: {cmd.get('error')}"
            ),
            "",
        ]

    out += ["### Side by side (same questions; hit = a passage on a gold slide containing an answer)", ""]
    base = {lang: _get(warm, "modes", "hybrid", lang, default={}) for lang in LANGS}
    rows = []
    for key, label in SYSTEMS:
        source = results.get("tutorial") if key == "tutorial" else _get(warm, "modes", key)
        if not isinstance(source, dict) or "error" in source:
            continue
        for lang in LANGS:
            r = source.get(lang, {})
            p50 = _get(r, "latency_ms", "p50")
            ratio = p50 / base[lang]["latency_ms"]["p50"] if p50 and _get(base[lang], "latency_ms", "p50") else None
            hit_ratio = (
                r.get("hit@5") / base[lang]["hit@5"] if r.get("hit@5") is not None and base[lang].get("hit@5") else None
            )
            rows.append(
                [
                    label,
                    lang,
                    p50,
                    _get(r, "latency_ms", "p95"),
                    r.get("hit@1"),
                    r.get("hit@5"),
                    f"{ratio:.2g}×" if ratio else None,
                    f"{hit_ratio:.2f}×" if hit_ratio else None,
                ]
            )
    out += _table(
        ["system", "lang", "p50 ms", "p95 ms", "hit@1", "hit@5", "latency vs default", "hit@5 vs default"], rows
    )
    answerable = _get(warm, "answerable", default={})
    if answerable:
        counts = ", ".join(f"{lang} {answerable[lang]}/{_get(base, lang, 'questions')}" for lang in LANGS)
        out += [f"Questions with any passage meeting the rule (the ceiling): {counts}."]
    tut = results.get("tutorial") or {}
    if "peak_rss_mb" in tut:
        out += [
            f"The tutorial recipe loads in {_fmt(tut['load_s'])} s (torch + model), embeds the passages in "
            f"{_fmt(tut['index_s'])} s and peaks at {_fmt(tut['peak_rss_mb'])} MB.",
        ]
    out += [""]

    load = results.get("load") or {}
    if "requests" in load:
        lat = load.get("latency_ms", {})
        out += [
            "### Load: concurrent users of `qa serve`",
            "",
            f"{load['clients']} clients through the Gradio API (`{load['api_name']}`) for {_fmt(load['seconds'])} s: "
            f"{load['requests']} requests, {load['errors']} errors, latency p50 {_fmt(lat.get('p50'))} ms, "
            f"p95 {_fmt(lat.get('p95'))} ms, p99 {_fmt(lat.get('p99'))} ms, "
            f"{_fmt(load['throughput_per_s'])} answers/s.",
            "",
        ]

    scale = results.get("scale") or {}
    if scale.get("rows"):
        out += [
            "### Scale: vector search over synthetic corpora",
            "",
            f"Perturbed copies (noise norm {scale['noise']}) of {scale['source_vectors']:,} real passage and "
            f"gloss vectors; {scale['queries']} real question vectors; one query at a time, top 10; recall@10 "
            "against exact search. nprobe / efSearch: the smallest reaching recall@10 ≥ 0.95.",
            "",
        ]
        rows = []
        for r in scale["rows"]:
            depth = f"{r['depth_name']}={r['depth']}" if r.get("depth_name") else ""
            if r.get("lists"):
                depth = f"{r['lists']} lists, {depth}"
            if r.get("extrapolated"):
                depth = f"not built: extrapolated from {r['measured_on']:,}"
            one, two = r.get("search_ms_1t", {}), r.get("search_ms_2t", {})
            rows.append(
                [
                    f"{r['n']:,}",
                    r["kind"],
                    depth,
                    r["build_s"],
                    r["memory_mb"],
                    f"{_fmt(one.get('p50'))} / {_fmt(one.get('p95'))}" if one else None,
                    f"{_fmt(two.get('p50'))} / {_fmt(two.get('p95'))}" if two else None,
                    r.get("recall_at_10"),
                ]
            )
        out += _table(
            [
                "passages",
                "index",
                "settings",
                "build s",
                "memory MB",
                "p50 / p95 ms, 1 thread",
                "2 threads",
                "recall@10",
            ],
            rows,
        )

    threads = results.get("threads") or {}
    if threads and "error" not in threads:
        out += ["### One query embedding under OpenMP settings (fresh process each)", ""]
        out += _table(["setting", "p50 ms", "p95 ms"], [[k, v.get("p50"), v.get("p95")] for k, v in threads.items()])

    failed = [
        name for name, part in results.get("parts", {}).items() if name in results and "error" in (results[name] or {})
    ]
    if failed:
        out += ["**Parts that failed:** " + ", ".join(f"{n} ({results[n]['error']})" for n in failed), ""]
    skipped = [n for n, p in results.get("parts", {}).items() if p.get("skipped")]
    if skipped:
        out += ["Skipped: " + ", ".join(skipped) + ".", ""]
    return "\n".join(out)
