"""Writes a copy of samples/configs/NAME-vertical.json with another seed, learning rate and epoch count, absolute data
paths and no encryption (the plain runs: exact loss and Taylor loss), and prints its path.

    python3 config.py NAME SEED LEARNING_RATE EPOCHS OUT_DIR
"""
import json
import os
import re
import sys

root = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "samples", "configs"))
name, seed, rate, epochs, out = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
text = open(os.path.join(root, f"{name}-vertical.json"), encoding="utf-8").read()
# The sample configs carry // comments and may carry trailing commas.
text = "\n".join(line for line in text.splitlines() if not line.strip().startswith("//"))
config = json.loads(re.sub(r",\s*([}\]])", r"\1", text))
for key in ("schema", "train", "test"):
    if key in config["data"]:
        config["data"][key] = os.path.normpath(os.path.join(root, config["data"][key]))
config["seed"] = seed
config["training"]["learningRate"] = rate
config["training"]["epochs"] = epochs
config["encryption"] = {"mode": "none"}
path = os.path.join(out, f"{name}-s{seed}-lr{rate:g}-e{epochs}.json")
with open(path, "w", encoding="utf-8") as file:
    json.dump(config, file)
print(path)
