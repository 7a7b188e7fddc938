#!/usr/bin/env bash
# Extraction scores with the method guard: each extraction set split BY SITE into a tuning half
# and a checking half (SHA-256 of the site's registrable domain, first byte odd = checking; see
# crates/extract/examples/extract_eval.rs), both printed, plus Russian and German pages and the
# dates/ set.
#   scripts/eval-extract.sh [EVAL_DIR]        (default ../shared/eval)
# Lines: `trafilatura set [all|tune|check|lang=ru|lang=de]`, `zh-web [tune|check|lang=..]`,
# `zh-web:` (all), `dates [lang=..]`, `dates:`. Rules and block-model weights are fitted on the
# tuning half only; a change that helps the tuning half and hurts the checking half is a defect.
set -euo pipefail
cd "$(dirname "$0")/.."
EVAL=${1:-../shared/eval}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
cargo build --release -q -p extract --example extract_eval
"$CARGO_TARGET_DIR/release/examples/extract_eval" "$EVAL"
