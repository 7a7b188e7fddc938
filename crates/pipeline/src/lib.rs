//! Runs the stages over raw documents and records the results in a Store.
