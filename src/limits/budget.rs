//! The memory all buffered request text shares, across every request.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::error::ApiError;

/// The memory all buffered request text shares: files stream to disk, but
/// JSON, urlencoded bodies and multipart text parts are held in memory, and
/// many clients sending large bodies at once must not exhaust it. Past the
/// limit (`--max-buffered-text-bytes`), a request is refused with `503`
/// (retry in a second).
#[derive(Debug)]
pub struct TextBudget {
    used: AtomicUsize,
    limit: usize,
}

impl TextBudget {
    /// A budget of `limit` bytes.
    pub fn new(limit: usize) -> TextBudget {
        TextBudget { used: AtomicUsize::new(0), limit }
    }
}

impl Default for TextBudget {
    fn default() -> Self {
        TextBudget::new(256 * 1024 * 1024)
    }
}

/// A share of the [`TextBudget`], given back when dropped.
pub struct Held {
    budget: Arc<TextBudget>,
    bytes: usize,
}

impl Held {
    /// Holds nothing yet of `budget`.
    pub fn new(budget: Arc<TextBudget>) -> Held {
        Held { budget, bytes: 0 }
    }

    /// The bytes held so far.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Takes `n` more bytes of the budget, or answers `503` when it is spent.
    pub fn grow(&mut self, n: usize) -> Result<(), ApiError> {
        let mut used = self.budget.used.load(Ordering::Relaxed);
        loop {
            if used + n > self.budget.limit {
                return Err(ApiError::Busy);
            }
            match self.budget.used.compare_exchange_weak(used, used + n, Ordering::AcqRel, Ordering::Relaxed) {
                Ok(_) => {
                    self.bytes += n;
                    return Ok(());
                }
                Err(now) => used = now,
            }
        }
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        self.budget.used.fetch_sub(self.bytes, Ordering::AcqRel);
    }
}
