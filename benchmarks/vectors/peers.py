#!/usr/bin/env python3
"""The peers of `causeway bench vectors`: hnswlib's HNSW and FAISS's flat, HNSW and IVF-PQ indexes on the same files,
with the same parameters, measured the same way (recall@10 against the ground truth; queries per second on one thread
and on all cores, each timed over enough repetitions to last at least `--min-seconds`; build time; bytes per vector from
the serialised index). Prints one JSON object {"results": [...], "versions": {...}} on stdout; progress on stderr.

    peers.py --base base.fvecs --queries queries.fvecs --groundtruth gt.ivecs --plan plan.json

plan.json: {"hnsw": {"m": 16, "ef_construction": 200, "ef": [10, 20, 40], "locality_order": "order.ivecs" (optional)},
            "ivfpq": {"nlist": 1024, "m": 16, "nbits": 8, "nprobe": [1, 4, 16], "rerank": 4}, "faiss_hnsw": true, "threads": 2}
"""
import argparse
import json
import os
import sys
import tempfile
import time

import numpy as np


def read_vecs(path, dtype):
    raw = np.fromfile(path, dtype=np.int32)
    dim = raw[0]
    rows = raw.reshape(-1, dim + 1)[:, 1:]
    return rows.view(dtype) if dtype != np.int32 else rows


def recall_at_10(found, truth):
    hits = sum(len(set(map(int, f[:10])) & set(map(int, t[:10]))) for f, t in zip(found, truth))
    return hits / (10.0 * len(truth))


def timed_qps(run_once, queries, min_seconds):
    """Queries per second: run_once() answers every query once; repeat until min_seconds passed."""
    repeats, started = 0, time.perf_counter()
    while True:
        run_once()
        repeats += 1
        elapsed = time.perf_counter() - started
        if elapsed >= min_seconds:
            return repeats * len(queries) / elapsed


def log(message):
    print(message, file=sys.stderr, flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--queries", required=True)
    parser.add_argument("--groundtruth", required=True)
    parser.add_argument("--plan", required=True)
    parser.add_argument("--min-seconds", type=float, default=1.0)
    args = parser.parse_args()
    plan = json.load(open(args.plan))
    base = np.ascontiguousarray(read_vecs(args.base, np.float32))
    queries = np.ascontiguousarray(read_vecs(args.queries, np.float32))
    truth = read_vecs(args.groundtruth, np.int32)
    n, dim = base.shape
    all_threads = int(plan.get("threads", os.cpu_count()))
    results, versions = [], {"numpy": np.__version__}

    def add(engine, index, params, threads, found, qps, build_seconds, bytes_total):
        results.append({
            "engine": engine, "index": index, "params": params, "threads": threads,
            "recall_at_10": recall_at_10(found, truth), "qps": qps,
            "build_seconds": build_seconds, "bytes_per_vector": bytes_total / n,
        })
        log(f"{engine} {index} {params} threads={threads}: recall@10 {results[-1]['recall_at_10']:.3f}, {qps:,.0f} q/s")

    h = plan.get("hnsw")
    if h is not None:
        import hnswlib
        versions["hnswlib"] = getattr(hnswlib, "__version__", "debian python3-hnswlib")
        orders = [("given", np.arange(n))]
        if h.get("locality_order"):
            orders.append(("locality", read_vecs(h["locality_order"], np.int32)[0].astype(np.int64)))
        for order_name, order in orders:
            index = hnswlib.Index(space="l2", dim=dim)
            started = time.perf_counter()
            index.init_index(max_elements=n, M=h["m"], ef_construction=h["ef_construction"], random_seed=100)
            index.set_num_threads(all_threads)
            index.add_items(base[order], order)
            build = time.perf_counter() - started
            with tempfile.NamedTemporaryFile(suffix=".hnsw") as f:
                index.save_index(f.name)
                size = os.path.getsize(f.name)
            for ef in h["ef"]:
                index.set_ef(max(ef, 10))
                for threads in sorted({1, all_threads}):
                    index.set_num_threads(threads)
                    if threads == 1:
                        run = lambda: [index.knn_query(q, k=10) for q in queries]
                        found = [labels[0] for labels, _ in run()]
                    else:
                        run = lambda: index.knn_query(queries, k=10, num_threads=threads)
                        found = run()[0]
                    add("hnswlib", "hnsw", {"m": h["m"], "ef_construction": h["ef_construction"], "ef": ef, "order": order_name}, threads,
                        found, timed_qps(run, queries, args.min_seconds), build, size)
            del index

    import faiss
    versions["faiss"] = faiss.__version__
    faiss.omp_set_num_threads(all_threads)

    def faiss_size(index):
        return faiss.serialize_index(index).size

    def faiss_runs(name, index, params, build, size, set_param=None):
        for threads in sorted({1, all_threads}):
            faiss.omp_set_num_threads(threads)
            if threads == 1:
                run = lambda: [index.search(q.reshape(1, -1), 10) for q in queries]
                found = [labels[0] for _, labels in run()]
            else:
                run = lambda: index.search(queries, 10)
                found = run()[1]
            add("faiss", name, params, threads, found, timed_qps(run, queries, args.min_seconds), build, size)
        faiss.omp_set_num_threads(all_threads)

    started = time.perf_counter()
    flat = faiss.IndexFlatL2(dim)
    flat.add(base)
    faiss_runs("flat", flat, {}, time.perf_counter() - started, faiss_size(flat))

    if h is not None and plan.get("faiss_hnsw", True):
        started = time.perf_counter()
        hnsw = faiss.IndexHNSWFlat(dim, h["m"])
        hnsw.hnsw.efConstruction = h["ef_construction"]
        hnsw.add(base)
        build = time.perf_counter() - started
        size = faiss_size(hnsw)
        for ef in h["ef"]:
            hnsw.hnsw.efSearch = max(ef, 10)
            faiss_runs("hnsw", hnsw, {"m": h["m"], "ef_construction": h["ef_construction"], "ef": ef}, build, size)

    p = plan["ivfpq"]
    started = time.perf_counter()
    quantizer = faiss.IndexFlatL2(dim)
    ivfpq = faiss.IndexIVFPQ(quantizer, dim, p["nlist"], p["m"], p["nbits"])
    # The re-ranking wrapper trains and fills the IVF-PQ index and keeps the float32 vectors beside it.
    refine = faiss.IndexRefineFlat(ivfpq)
    refine.k_factor = p["rerank"]
    refine.train(base)
    refine.add(base)
    build = time.perf_counter() - started
    size = faiss_size(ivfpq)
    for nprobe in p["nprobe"]:
        ivfpq.nprobe = nprobe
        params = {"nlist": p["nlist"], "m": p["m"], "nbits": p["nbits"], "nprobe": nprobe}
        faiss_runs("ivfpq", ivfpq, params, build, size)
        faiss_runs("ivfpq", refine, dict(params, rerank=p["rerank"]), build, size + base.nbytes)

    json.dump({"results": results, "versions": versions}, sys.stdout)


if __name__ == "__main__":
    main()
