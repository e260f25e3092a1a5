#!/usr/bin/env python3
"""Splits the IBM Telco churn table into three vertical-FL party files (samples/data/telco-customer-churn/parties/).

Each party gets the columns samples/configs/churn-vertical.json gives it, keeps its own ~92% of the customers and
writes them in its own order. Both choices come from SHA-256 of (seed, party, purpose, customerID), so the output
depends only on the input file and SEED, not on Python's random module. Run from anywhere:

    python3 scripts/make-churn-parties.py

IDs are written as they are: PSI does not case-fold by default (PsiIdOptions.CaseFold is off), so a party that
changed the case of its IDs would no longer match.
"""

import csv
import hashlib
import os

SEED = 20261203
KEEP = 0.92
PARTIES = {
    "telecom": ["gender", "SeniorCitizen", "Partner", "Dependents", "tenure", "Contract", "Churn"],
    "payments": ["PaperlessBilling", "PaymentMethod", "MonthlyCharges", "TotalCharges"],
    "usage": ["PhoneService", "MultipleLines", "InternetService", "OnlineSecurity", "OnlineBackup",
              "DeviceProtection", "TechSupport", "StreamingTV", "StreamingMovies"],
}

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
DATA = os.path.join(ROOT, "samples", "data", "telco-customer-churn")


def uniform(party, purpose, customer):
    """A number in [0, 1) from SHA-256(seed:party:purpose:customerID)."""
    digest = hashlib.sha256(f"{SEED}:{party}:{purpose}:{customer}".encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def main():
    with open(os.path.join(DATA, "Telco-Customer-Churn.csv"), newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))

    os.makedirs(os.path.join(DATA, "parties"), exist_ok=True)
    kept = {}
    for party, columns in PARTIES.items():
        mine = [r for r in rows if uniform(party, "keep", r["customerID"]) < KEEP]
        mine.sort(key=lambda r: uniform(party, "order", r["customerID"]))
        with open(os.path.join(DATA, "parties", f"{party}.csv"), "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(["customerID", *columns])
            writer.writerows([r["customerID"], *(r[c] for c in columns)] for r in mine)
        kept[party] = {r["customerID"] for r in mine}
        print(f"{party}: {len(mine)} rows")

    print(f"all three: {len(set.intersection(*kept.values()))} customers")


if __name__ == "__main__":
    main()
