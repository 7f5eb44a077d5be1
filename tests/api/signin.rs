//! Sign-in throttling: counted before the password is checked, per address
//! and account pair, per account, per address; exponential backoff; known
//! addresses and live sessions are not locked out; hashing is bounded.

use std::net::Ipv4Addr;

use crate::helpers::*;

fn sign_in(app: &TestApp, email: &str, password: &str, from: Option<Ipv4Addr>) -> Resp {
    let mut r = app.get("/api/v1/conversations").basic(email, password).header("X-CSRF", "false");
    if let Some(ip) = from {
        r = r.header("X-Forwarded-For", &ip.to_string());
    }
    r.send()
}

fn behind_a_proxy() -> TestApp {
    spawn_with(true, |c| c.trusted_proxies = vec!["127.0.0.1".parse().expect("ip")])
}

#[test]
fn repeated_wrong_passwords_lock_that_account_from_that_address_with_retry_after() {
    let app = spawn_demo();
    let caryn = app.session(CARYN);
    for _ in 0..5 {
        assert_eq!(sign_in(&app, CARYN, "guess", None).status, 401);
    }
    let r = sign_in(&app, CARYN, PASSWORD, None);
    assert_eq!(r.status, 429, "even the right password waits out the lockout");
    assert_eq!(r.error_codes(), ["TOO_MANY_REQUESTS"]);
    let wait: i64 = r.header("retry-after").expect("Retry-After").parse().expect("seconds");
    assert!(wait > 0 && wait <= 15 * 60, "{wait}");
    // Another account from the same address is not locked out.
    assert_eq!(sign_in(&app, MARK, PASSWORD, None).status, 200);
    // Nor is the locked account's owner, in the session they hold.
    assert_eq!(app.get("/api/v1/conversations").session(&caryn).send().status, 200);
}

#[test]
fn parallel_guesses_cannot_race_past_the_count() {
    let app = spawn_demo();
    let statuses: Vec<u16> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..40).map(|_| s.spawn(|| sign_in(&app, SIMON, "guess", None).status)).collect();
        handles.into_iter().map(|h| h.join().expect("thread")).collect()
    });
    let checked = statuses.iter().filter(|s| **s == 401).count();
    assert_eq!(checked, 5, "only the free attempts reach the password check: {statuses:?}");
    assert!(statuses.iter().all(|s| *s == 401 || *s == 429), "{statuses:?}");
}

#[test]
fn guesses_from_many_addresses_lock_the_account_but_not_its_owner_at_home() {
    let app = behind_a_proxy();
    let home = Ipv4Addr::new(198, 51, 100, 7);
    assert_eq!(sign_in(&app, MORGAN, PASSWORD, Some(home)).status, 200);
    let session = app.session(MORGAN);
    let mut answered = 0;
    for i in 0..300u32 {
        let ip = Ipv4Addr::new(203, 0, 113, (i % 30) as u8 + 1);
        let r = sign_in(&app, MORGAN, &format!("guess-{i}"), Some(ip));
        assert!(r.status == 401 || r.status == 429, "{}", r.text);
        if r.status == 401 {
            answered += 1;
        }
    }
    assert!(answered <= 20, "{answered} of 300 distributed guesses were checked");
    // The right password from an attacker's address is refused...
    let r = sign_in(&app, MORGAN, PASSWORD, Some(Ipv4Addr::new(203, 0, 113, 99)));
    assert_eq!(r.status, 429, "{}", r.text);
    // ...while the owner signs in from where she signed in before, and her session lives.
    assert_eq!(sign_in(&app, MORGAN, PASSWORD, Some(home)).status, 200);
    assert_eq!(app.get("/api/v1/conversations").session(&session).send().status, 200);
}

#[test]
fn one_address_cannot_spray_guesses_over_many_accounts_but_known_colleagues_sign_in() {
    let app = behind_a_proxy();
    let office = Ipv4Addr::new(192, 0, 2, 10);
    assert_eq!(sign_in(&app, DANA, PASSWORD, Some(office)).status, 200);
    let statuses: Vec<u16> =
        (0..40).map(|i| sign_in(&app, &format!("nobody{i}@example.org"), "guess", Some(office)).status).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 401).count(), 30, "{statuses:?}");
    assert_eq!(sign_in(&app, ALEX, PASSWORD, Some(office)).status, 429, "an account new to this address waits");
    assert_eq!(sign_in(&app, DANA, PASSWORD, Some(office)).status, 200, "a colleague known here does not");
}

#[test]
fn a_burst_of_sign_ins_is_answered_without_queueing_without_bound() {
    let app = behind_a_proxy();
    let statuses: Vec<u16> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..80u8)
            .map(|i| {
                let app = &app;
                s.spawn(move || sign_in(app, &format!("n{i}@example.org"), "guess", Some(Ipv4Addr::new(10, 1, 0, i))))
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("thread").status).collect()
    });
    assert!(statuses.iter().all(|s| *s == 401 || *s == 429), "{statuses:?}");
    assert!(statuses.contains(&429), "a burst beyond the queue is refused at once: {statuses:?}");
    assert_eq!(app.get("/healthz").send().status, 200);
    assert_eq!(sign_in(&app, SIMON, PASSWORD, Some(Ipv4Addr::new(10, 2, 0, 1))).status, 200);
}
