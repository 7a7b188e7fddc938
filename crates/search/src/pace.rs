//! When to rebuild something derived from a store that other processes keep writing to.
//!
//! The searcher's entity dictionary and the server's catalog are both rebuilt from the whole
//! store when it changed. Under a busy ingest the store changes all the time, so each is
//! rebuilt at most every `min`, and at most every `factor` times as long as its last rebuild
//! took: the rebuild then never takes more than `1/factor` of the time, however large the
//! store grows.

use std::time::{Duration, Instant};

/// The rebuild pace of one derived structure.
#[derive(Debug, Clone, Copy)]
pub struct Pace {
    min: Duration,
    factor: u32,
    /// When the last rebuild finished, and how long it took.
    last: Option<(Instant, Duration)>,
}

impl Pace {
    /// Rebuild at most every `min`, and at most every `factor` × the last rebuild's time.
    pub const fn new(min: Duration, factor: u32) -> Pace {
        Pace {
            min,
            factor,
            last: None,
        }
    }

    /// Whether a rebuild is due now (always before the first).
    pub fn is_due(&self) -> bool {
        self.last
            .is_none_or(|(at, took)| at.elapsed() >= self.min.max(took * self.factor))
    }

    /// Note a rebuild that just finished and took `took`.
    pub fn record(&mut self, took: Duration) {
        self.last = Some((Instant::now(), took));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_before_the_first_rebuild_and_not_right_after_one() {
        let mut pace = Pace::new(Duration::from_secs(60), 4);
        assert!(pace.is_due());
        pace.record(Duration::ZERO);
        assert!(!pace.is_due());
    }

    #[test]
    fn a_slow_rebuild_stretches_the_interval() {
        let mut pace = Pace::new(Duration::ZERO, 4);
        pace.record(Duration::ZERO);
        assert!(
            pace.is_due(),
            "with no minimum and an instant rebuild, due at once"
        );
        pace.record(Duration::from_secs(3600));
        assert!(!pace.is_due(), "an hour-long rebuild waits four hours");
    }
}
