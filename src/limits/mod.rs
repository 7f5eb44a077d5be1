//! In-memory counters that keep one client from taking what belongs to all:
//! spam buckets ([`spam`]), the sign-in throttle ([`throttle`]) and the budget
//! of buffered request text ([`budget`]). Nothing here touches the database:
//! a restart forgets, which is fine for limits measured in minutes and hours.

pub mod budget;
pub mod spam;
pub mod throttle;

pub use budget::{Held, TextBudget};
pub use spam::{Charge, RateLimits, Who};
pub use throttle::LoginThrottle;
