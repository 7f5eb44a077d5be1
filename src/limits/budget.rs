//! The memory all buffered request text shares, across every request.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::error::ApiError;

/// The memory all buffered request text shares: files stream to disk, but
/// JSON, urlencoded bodies and multipart text parts are held in memory, and
/// many clients sending large bodies at once must not exhaust it. Past the
/// limit (`--max-buffered-text-bytes`), a request is refused with `503`
/// (retry in a second). The last quarter is the staff's: bodies from anyone
/// else stop at three quarters, so slow anonymous bodies never starve an
/// agent's reply.
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
    /// How far the budget's use may go for this request.
    ceiling: usize,
}

impl Held {
    /// Holds nothing yet of `budget`; `staff` may use the reserved quarter.
    pub fn new(budget: Arc<TextBudget>, staff: bool) -> Held {
        let ceiling = if staff { budget.limit } else { budget.limit - budget.limit / 4 };
        Held { budget, bytes: 0, ceiling }
    }

    /// The bytes held so far.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Takes `n` more bytes of the budget, or answers `503` when it is spent.
    pub fn grow(&mut self, n: usize) -> Result<(), ApiError> {
        let mut used = self.budget.used.load(Ordering::Relaxed);
        loop {
            if used + n > self.ceiling {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_quarter_is_kept_for_staff() {
        let budget = Arc::new(TextBudget::new(1000));
        let mut anonymous = Held::new(budget.clone(), false);
        anonymous.grow(750).expect("three quarters");
        assert!(anonymous.grow(1).is_err(), "no more for anyone but staff");
        let mut agent = Held::new(budget.clone(), true);
        agent.grow(250).expect("the staff's quarter");
        assert!(agent.grow(1).is_err(), "the whole budget is spent");
        drop(anonymous);
        Held::new(budget, false).grow(500).expect("given back on drop (the agent still holds 250)");
    }
}
