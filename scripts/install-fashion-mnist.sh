#!/usr/bin/env bash
# Installs Fashion-MNIST (Xiao et al. 2017) from Debian's dataset-fashion-mnist package, into
# /usr/share/datasets/fashion-mnist/ (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-*).
# Idempotent: does nothing when the four files are already there. Needs root (or sudo) to install.
# Used by `causeway bench fmnist` and `causeway bench simulate`.
set -euo pipefail

dir=/usr/share/datasets/fashion-mnist
files=(train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz)

missing=()
for f in "${files[@]}"; do
  [ -f "$dir/$f" ] || missing+=("$f")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "Fashion-MNIST already installed in $dir"
  exit 0
fi

echo "Fashion-MNIST missing in $dir (${missing[*]}); installing dataset-fashion-mnist with apt..."
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "run this script as root: apt-get install dataset-fashion-mnist" >&2; exit 1; }
  sudo=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q dataset-fashion-mnist

for f in "${files[@]}"; do
  [ -f "$dir/$f" ] || { echo "dataset-fashion-mnist installed but $dir/$f is still missing" >&2; exit 1; }
done
echo "Fashion-MNIST installed in $dir"
