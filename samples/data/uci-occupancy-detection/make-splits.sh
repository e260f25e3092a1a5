#!/bin/sh
# Derives the federation's long-format train and test tables from the three unchanged source files: the row id is
# dropped, a "site" column names the source file (one party each), dates are unquoted, and the last quarter of each
# file's readings (in time) is held out for test, so test windows come after training windows.
set -eu
cd "$(dirname "$0")"
header='site,date,Temperature,Humidity,Light,CO2,HumidityRatio,Occupancy'
echo "$header" > occupancy-train.csv
echo "$header" > occupancy-test.csv
for file in datatraining datatest datatest2; do
  rows=$(($(wc -l < "$file.txt") - 1))
  awk -v site="$file" -v cut=$((rows * 3 / 4)) 'BEGIN { FS = OFS = "," }
    NR > 1 { gsub(/"/, ""); $1 = site; out = (NR - 1 <= cut) ? "occupancy-train.csv" : "occupancy-test.csv"; print >> out }' "$file.txt"
done
