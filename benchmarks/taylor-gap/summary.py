"""Summarises a sweep's reports (benchmarks/taylor-gap/sweep.sh): per data set, learning rate and epochs, the mean
accuracy and AUC of the exact-loss model and the Taylor-loss model on the same batches, and the gap in points
(Taylor − exact) as mean ± sample standard deviation [min, max] over the seeds. --json FILE also writes every run.

    python3 summary.py REPORT_DIR [--json FILE]
"""
import collections
import glob
import json
import os
import re
import statistics
import sys

runs = []
for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.json"))):
    match = re.match(r"(\w+)-s(\d+)-lr([\d.]+)-e(\d+)\.json", os.path.basename(path))
    scores = {score["model"]: score for score in json.load(open(path, encoding="utf-8"))["scores"]}
    exact, taylor = scores["centralized"], scores["vertical (plain, Taylor loss)"]
    runs.append({"data": match.group(1), "seed": int(match.group(2)), "learningRate": float(match.group(3)),
                 "epochs": int(match.group(4)), "exact": {"accuracy": exact["accuracy"], "auc": exact["auc"]},
                 "taylor": {"accuracy": taylor["accuracy"], "auc": taylor["auc"]}})

groups = collections.defaultdict(list)
for run in runs:
    groups[(run["data"], run["learningRate"], run["epochs"])].append(run)


def spread(values):
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{statistics.mean(values):+.2f} ± {sd:.2f} [{min(values):+.2f}, {max(values):+.2f}]"


print("| data | lr | epochs | seeds | exact acc / AUC | Taylor acc / AUC | gap acc (pt) | gap AUC (pt) |")
print("|---|---:|---:|---:|---|---|---|---|")
for (data, rate, epochs), group in sorted(groups.items()):
    mean = lambda model, metric: statistics.mean(run[model][metric] for run in group)
    gap = lambda metric: spread([100 * (run["taylor"][metric] - run["exact"][metric]) for run in group])
    print(f"| {data} | {rate:g} | {epochs} | {len(group)} | {mean('exact', 'accuracy'):.4f} / {mean('exact', 'auc'):.4f} "
          f"| {mean('taylor', 'accuracy'):.4f} / {mean('taylor', 'auc'):.4f} | {gap('accuracy')} | {gap('auc')} |")

if "--json" in sys.argv:
    with open(sys.argv[sys.argv.index("--json") + 1], "w", encoding="utf-8") as file:
        json.dump({"runs": runs}, file, indent=1)
