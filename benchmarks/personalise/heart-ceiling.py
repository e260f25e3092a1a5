#!/usr/bin/env python3
"""How far can any model go on one heart-disease hospital's patients? The ceiling beside `causeway bench personalise`.

For the hospital named (default va), scores scikit-learn models by repeated stratified 5-fold cross-validation on that
hospital's rows (every patient held out once per repeat): the majority class, logistic regression and a random forest
trained on the hospital alone, and the same models trained on every other hospital's rows plus the hospital's training
folds with a one-hot site column (a centralised upper bound on what pooling could add). Same columns and label as
samples/heart/schema.json (num > 0 is disease); missing values imputed with the mean, plus missing-value indicators;
a cholesterol of 0 (a missing value in these files) counts as missing. Prints a table; --json prints JSON instead.

    $(benchmarks/personalise/install-sklearn.sh) benchmarks/personalise/heart-ceiling.py [--site va] [--repeats 10]
"""
import argparse
import json
import os
import warnings

import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

COLUMNS = "age sex cp trestbps chol fbs restecg thalach exang oldpeak slope ca thal num".split()
CATEGORICAL = ["cp", "restecg", "slope", "thal"]
SITES = ["cleveland", "hungarian", "switzerland", "va"]


def features(frames):
    """One-hot categoricals, missing indicators and a site column, over the union of every site's columns."""
    encoded = {}
    for site, frame in frames.items():
        frame = frame.copy()
        frame.loc[frame.chol == 0, "chol"] = np.nan
        x = pd.get_dummies(frame.drop(columns="num"), columns=CATEGORICAL, dummy_na=True)
        for column in ["trestbps", "chol", "fbs", "thalach", "exang", "oldpeak", "ca"]:
            x[column + "_missing"] = frame[column].isna()
        for other in SITES:
            x["site_" + other] = site == other
        encoded[site] = x
    columns = sorted(set().union(*(x.columns for x in encoded.values())))
    return {site: x.reindex(columns=columns, fill_value=0).astype(float).values for site, x in encoded.items()}


def models():
    return {
        "logistic (C 0.1)": lambda: LogisticRegression(C=0.1, max_iter=5000),
        "logistic (C 1)": lambda: LogisticRegression(C=1, max_iter=5000),
        "random forest (300 trees)": lambda: RandomForestClassifier(300, min_samples_leaf=3, random_state=0),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--site", default="va", choices=SITES)
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "..", "..", "samples", "data", "uci-heart-disease"))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")

    frames = {s: pd.read_csv(os.path.join(args.data, f"processed.{s}.data"), names=COLUMNS, na_values="?") for s in SITES}
    labels = {s: (f.num > 0).astype(int).values for s, f in frames.items()}
    x = features(frames)
    others_x = np.vstack([x[s] for s in SITES if s != args.site])
    others_y = np.concatenate([labels[s] for s in SITES if s != args.site])
    site_x, site_y = x[args.site], labels[args.site]

    scores = {"majority class, alone": []}
    for name in models():
        scores[name + ", alone"] = []
        scores[name + ", every hospital pooled"] = []
    for repeat in range(args.repeats):
        for train, test in StratifiedKFold(5, shuffle=True, random_state=repeat).split(site_x, site_y):
            majority = int(site_y[train].mean() >= 0.5)
            scores["majority class, alone"].append(float((site_y[test] == majority).mean()))
            for name, make in models().items():
                for suffix, (fit_x, fit_y) in {
                    ", alone": (site_x[train], site_y[train]),
                    ", every hospital pooled": (np.vstack([others_x, site_x[train]]), np.concatenate([others_y, site_y[train]])),
                }.items():
                    model = make_pipeline(SimpleImputer(), StandardScaler(), make()).fit(fit_x, fit_y)
                    scores[name + suffix].append(float((model.predict(site_x[test]) == site_y[test]).mean()))

    rows = [{"model": name, "accuracy": float(np.mean(s)), "folds": len(s)} for name, s in scores.items()]
    if args.json:
        print(json.dumps({"site": args.site, "patients": int(len(site_y)), "positive_share": float(site_y.mean()), "results": rows}, indent=2))
        return
    print(f"{args.site}: {len(site_y)} patients, {site_y.mean():.1%} with disease; {args.repeats} x stratified 5-fold")
    for row in rows:
        print(f"  {row['model']:<50} {row['accuracy']:.1%}")


if __name__ == "__main__":
    main()
