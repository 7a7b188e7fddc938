# shellcheck shell=bash
# Shared by the benchmark and evaluation scripts (sourced, not run).

# The storyline binary to measure, as an absolute path: $STORYLINE_BIN when set (an already built
# binary, e.g. a copy kept while the tree changes, so a rebuild during a long run does not change
# what is measured); else a release build of the tree.
storyline_bin() {
  if [ -n "${STORYLINE_BIN:-}" ]; then
    realpath "$STORYLINE_BIN"
  else
    cargo build --release --quiet -p storyline --bin storyline >&2
    realpath "${CARGO_TARGET_DIR:-target}/release/storyline"
  fi
}
