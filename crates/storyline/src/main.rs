//! The `storyline` binary.
fn main() {}
