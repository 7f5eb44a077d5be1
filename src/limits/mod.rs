//! In-memory counters that keep one client from taking what belongs to all:
//! spam buckets ([`spam`]), the sign-in throttle ([`throttle`]), the budget
//! of buffered request text ([`budget`]) and connections per address
//! ([`connections`]). Nothing here touches the database:
//! a restart forgets, which is fine for limits measured in minutes and hours.

pub mod budget;
pub mod connections;
pub mod sockets;
pub mod spam;
pub mod throttle;

use std::net::{IpAddr, Ipv6Addr};

pub use budget::{Held, TextBudget};
pub use connections::{Connections, Ticket};
pub use sockets::{SocketLimits, SocketTickets};
pub use spam::{Charge, RateLimits, Who};
pub use throttle::LoginThrottle;

/// The address a limit counts `ip` under: IPv4 as it is, IPv6 by its /64
/// (one subscriber's whole prefix is one client), IPv4-mapped IPv6 as IPv4.
pub fn group(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}
