#!/usr/bin/env python3
"""CPU breakdown of a `causeway bench rounds` run recorded by profile-rounds.sh.

Keeps the samples of the federation's processes (report.json: process_ids) inside the measured rounds
(steady_window_monotonic_seconds), puts each sample in the first category whose pattern matches a frame of its call
stack (in the order below), and prints a Markdown table: share of the CPU and milliseconds per party-round (the
share times the bench's cpu_ms_per_party_round), for the parties and for the coordinator.
"""
import json
import re
import subprocess
import sys
from collections import Counter

# (category, pattern over "symbol (dso)" of any frame); the first match wins, so the order is a precedence. JIT-compiled
# frames are named (perf map); ReadyToRun frames are named by their assembly's file (the dso), hence the .dll patterns.
CATEGORIES = [
    ("JIT compiler (tiering, first calls)", r"libclrjit\.so|TieredCompilation|CallCountingManager"),
    ("thread-pool spinning and wake-ups", r"LowLevelLifoSemaphore|do_sched_yield|__sched_yield|SpinWait"),
    ("run setup (JSON parse, per-task encode)", r"RunSetup|FeatureStatisticsJson|ModelSpecJson|ContractMapping::FromProto\(class Causeway\.Protocol\.V1\.RunSetup"),
    # Causeway.Core.dll: a ReadyToRun frame has no name, only its assembly; at a party that is training and evaluation.
    ("local training and evaluation", r"DenseNetwork|PartyTrainer|LocalTrainer|FeatureEncoder|Causeway\.Core\.Models|Causeway\.Core\.Training|Causeway\.Core\.dll"),
    ("aggregation and server step", r"WeightedMeanAggregator|AccumulateKernel|RoundFold|ServerSgd|Horizontal\.Robust"),
    ("logging", r"Microsoft\.Extensions\.Logging|Console logger"),
    ("TLS", r"SslStream|System\.Net\.Security|libssl|libcrypto"),
    ("HTTP/2 client", r"System\.Net\.Http"),
    ("HTTP/2 server (Kestrel, routing)", r"Kestrel|Microsoft\.AspNetCore"),
    ("protocol (protobuf, tasks, mailbox)", r"Causeway\.Protocol|Google\.Protobuf|Causeway\.Coordinator|Causeway\.Party|Causeway\.Federation"),
    ("store (SQLite)", r"e_sqlite3|Microsoft\.Data\.Sqlite|SQLitePCL"),
    ("kernel: network (TCP over loopback)", r"tcp_|ip_|__sys_sendto|__sys_recvfrom|sock_|net_rx|__netif|skb"),
    ("kernel: scheduling, futex, epoll", r"schedule|futex|epoll|finish_task_switch|__x64_sys_poll"),
    ("GC and runtime", r"libcoreclr\.so|System\.Private\.CoreLib|libc\.so|\[kernel"),
]


def main(perf_data, report_path):
    report = json.load(open(report_path))
    result = report["results"][0]
    start, end = result["steady_window_monotonic_seconds"]
    pids = [str(p) for p in result["process_ids"]]
    coordinator = pids[0]
    script = subprocess.run(["perf", "script", "-i", perf_data, "-F", "comm,pid,time,ip,sym,dso"],
                            capture_output=True, text=True, check=True).stdout
    counts = {"party": Counter(), "coordinator": Counter()}
    totals = Counter()
    frames, keep, group = [], False, None

    def flush():
        if keep and frames:
            text = "\n".join(frames)
            category = next((name for name, pattern in CATEGORIES if re.search(pattern, text)), "other")
            counts[group][category] += 1
            totals[group] += 1

    for line in script.splitlines():
        if not line.strip():
            flush()
            frames, keep = [], False
            continue
        if not line.startswith((" ", "\t")):
            fields = line.split()
            pid = next((f.split("/")[0] for f in fields if re.fullmatch(r"\d+(/\d+)?", f)), None)
            stamp = next((float(f.rstrip(":")) for f in fields if re.fullmatch(r"\d+\.\d+:", f)), None)
            keep = pid in pids and stamp is not None and start <= stamp <= end
            group = "coordinator" if pid == coordinator else "party"
            frames = [line]  # the thread name (comm) can name the category too
            continue
        frames.append(line.strip())
    flush()

    per_party_round = result["cpu_ms_per_party_round"]
    all_samples = totals["party"] + totals["coordinator"]
    print(f"N = {result['parties']}, rounds 2-{result['rounds']}: {per_party_round:.2f} ms CPU per party-round "
          f"({all_samples} samples in the window; parties {totals['party']}, coordinator {totals['coordinator']})\n")
    print("| where | parties: share | parties: ms per party-round | coordinator: share | coordinator: ms per party-round |")
    print("|---|---:|---:|---:|---:|")
    names = [name for name, _ in CATEGORIES] + ["other"]
    for name in names:
        cells = []
        for group in ("party", "coordinator"):
            share = counts[group][name] / all_samples if all_samples else 0
            cells += [f"{100 * counts[group][name] / max(totals[group], 1):.1f} %", f"{share * per_party_round:.3f}"]
        if counts["party"][name] or counts["coordinator"][name]:
            print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
