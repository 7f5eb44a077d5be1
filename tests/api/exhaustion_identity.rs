//! The second hardening round, for messenger identities: signatures that
//! cannot be moved across the name/email boundary, claims of valid emails
//! only, and verifications that end.

use parley::auth::verify::{sign, sign_kayako};
use parley::config::IdentitySignatures;

use crate::helpers::*;

fn now() -> String {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs().to_string()
}

fn token(app: &TestApp) -> String {
    parley::commands::user::messenger_token(app.dir.path(), false).expect("token")
}

/// Lists conversations as `device` claiming (`name`, `email`) with `signature`.
fn claim(app: &TestApp, device: &str, name: &str, email: &str, ts: &str, signature: &str) -> Resp {
    app.get("/api/v1/conversations?limit=100")
        .fingerprint(device)
        .header("X-Identity-Name", name)
        .header("X-Identity-Email", email)
        .header("X-Identity-Timestamp", ts)
        .header("X-Identity-Signature", signature)
        .send()
}

/// Conversations `device` sees without a claim.
fn seen(app: &TestApp, device: &str) -> usize {
    let r = app.get("/api/v1/conversations?limit=100").fingerprint(device).send();
    assert_eq!(r.status, 200, "{}", r.text);
    r.ids().len()
}

#[test]
fn a_signature_for_a_look_alike_mailbox_does_not_open_the_victims_conversations() {
    let app = spawn_demo();
    let (key, ts) = (token(&app), now());
    let device = new_fingerprint();
    let v2 = sign(&key, "Eve X", "xcaryn@atmospherecoffee.com", &ts);
    let r = claim(&app, &device, "Eve Xx", CARYN, &ts, &v2);
    assert_eq!((r.status, r.error_codes()), (401, vec!["AUTHENTICATION_FAILED".to_owned()]), "{}", r.text);
    // Kayako's scheme is refused unless the instance asks for it.
    let kayako = sign_kayako(&key, "Caryn Pryor", CARYN, &ts);
    assert_eq!(claim(&app, &device, "Caryn Pryor", CARYN, &ts, &kayako).status, 401);
    // A claim must name a real address, however well signed.
    let odd = "not an email <script>";
    assert_eq!(claim(&app, &device, "X", odd, &ts, &sign(&key, "X", odd, &ts)).status, 401);
    assert_eq!(seen(&app, &device), 0, "nothing was verified");

    let compatible = spawn_with(true, |c| c.identity_signatures = IdentitySignatures::Kayako);
    let key = token(&compatible);
    let r = claim(
        &compatible,
        &new_fingerprint(),
        "Caryn Pryor",
        CARYN,
        &ts,
        &sign_kayako(&key, "Caryn Pryor", CARYN, &ts),
    );
    assert_eq!(r.status, 200, "{}", r.text);
}

#[test]
fn one_signature_verifies_one_device_and_verifications_end() {
    let app = spawn_demo();
    let (key, ts) = (token(&app), now());
    let signature = sign(&key, "Caryn Pryor", CARYN, &ts);
    let (phone, tablet) = (new_fingerprint(), new_fingerprint());
    let caryns = claim(&app, &phone, "Caryn Pryor", CARYN, &ts, &signature);
    assert_eq!(caryns.status, 200, "{}", caryns.text);
    let all = caryns.ids().len();
    assert!(all > 1);
    assert_eq!(claim(&app, &phone, "Caryn Pryor", CARYN, &ts, &signature).status, 200, "the same device again");
    assert_eq!(claim(&app, &tablet, "Caryn Pryor", CARYN, &ts, &signature).status, 401, "but no other");
    assert_eq!(seen(&app, &phone), all, "verified, the phone needs no claim");

    // Past its lifetime, the verification is over (restarted: the row is aged behind the server's back).
    app.db()
        .execute("UPDATE fingerprints SET verified_until = unixepoch() - 1 WHERE fingerprint = ?1", [&phone])
        .expect("age");
    let app = app.restart();
    assert!(seen(&app, &phone) < all, "expired");
    let fresh = sign(&key, "Caryn Pryor", CARYN, &now());
    let again = claim(&app, &phone, "Caryn Pryor", CARYN, &now(), &fresh);
    if again.status == 401 {
        // Signed within the same second as the first: one more second makes it new.
        std::thread::sleep(std::time::Duration::from_millis(1100));
        let ts = now();
        assert_eq!(claim(&app, &phone, "Caryn Pryor", CARYN, &ts, &sign(&key, "Caryn Pryor", CARYN, &ts)).status, 200);
    }
    assert_eq!(seen(&app, &phone), all, "a new signature verifies it again");

    // Rotating the token ends every verification it made.
    let rotated = app.post("/api/v1/messenger/token").basic(MORGAN, PASSWORD).header("X-CSRF", "false").send();
    assert_eq!(rotated.status, 200, "{}", rotated.text);
    assert!(seen(&app, &phone) < all, "rotation ends what old signatures proved");
}
