#!/bin/sh
# Derives the federation's train and test tables from the three unchanged source files: a header
# "site<TAB>sentence<TAB>label", the site named after its file, and every fifth line of each file held out for test.
# Lines are split on their last tab only (imdb has unbalanced quotes and NEL characters inside sentences).
set -eu
cd "$(dirname "$0")"
printf 'site\tsentence\tlabel\n' > sentiment-train.tsv
printf 'site\tsentence\tlabel\n' > sentiment-test.tsv
for site in amazon imdb yelp; do
  file=$(ls ${site}*_labelled.txt)
  awk -v site="$site" 'BEGIN { FS = OFS = "\t" }
    { label = $NF; sentence = substr($0, 1, length($0) - length(label) - 1)
      out = (NR % 5 == 0) ? "sentiment-test.tsv" : "sentiment-train.tsv"
      print site, sentence, label >> out }' "$file"
done
