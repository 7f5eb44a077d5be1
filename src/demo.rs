//! Demo attachments: files shipped in `seed/files/`, embedded in the binary and
//! stored through the same path as uploads (sniffing, thumbnails, durable
//! write order) when the demo data is first loaded.

use crate::db::files::{self, Uploader};
use crate::db::{self, settings, Db, DbOpenError};
use crate::storage::{Storage, Upload};

/// `(message id, uploader id, file name, bytes)` of each demo attachment.
const FILES: &[(i64, i64, &str, &[u8])] = &[
    (2, 3, "group-head-leak.png", include_bytes!("../seed/files/group-head-leak.png")),
    (5, 1, "service-report-AC-2041.pdf", include_bytes!("../seed/files/service-report-AC-2041.pdf")),
    (31, 1, "descaling-checklist.txt", include_bytes!("../seed/files/descaling-checklist.txt")),
];

/// Stores the demo files and attaches them to their demo messages, in one
/// transaction; a no-op once done (marked by the `demo_files_loaded` setting).
pub fn attach_files(db: &Db, storage: &Storage) -> Result<(), DbOpenError> {
    let done = db
        .read_blocking(|c| settings::is_marked(c, "demo_files_loaded"))
        .map_err(|e| DbOpenError::Demo(e.to_string()))?;
    if done {
        return Ok(());
    }
    let mut uploads: Vec<Upload> = Vec::new();
    let mut rows = Vec::new();
    for (message_id, uploader_id, name, bytes) in FILES {
        let (upload, stored) = storage.store_bytes(name, bytes).map_err(|e| DbOpenError::Demo(e.to_string()))?;
        uploads.push(upload);
        rows.push((*message_id, *uploader_id, stored));
    }
    db.write_blocking(move |tx| {
        let now = db::now();
        for (message_id, uploader_id, stored) in &rows {
            let uploader = Uploader { user_id: Some(*uploader_id), fingerprint: None, address: None };
            files::insert(tx, stored, &uploader, Some(*message_id), now)?;
        }
        settings::mark(tx, "demo_files_loaded")
    })
    .map_err(|e| DbOpenError::Demo(e.to_string()))?;
    uploads.iter_mut().for_each(Upload::keep);
    Ok(())
}

/// Who writes in the demo's history, and what about.
const PEOPLE: &[&str] = &[
    "Lena Fischer",
    "Tomás Ortega",
    "Priya Natarajan",
    "Owen Gallagher",
    "Mei Tanaka",
    "Jonas Berg",
    "Amara Okafor",
    "Luca Romano",
    "Sofia Lindqvist",
    "Noah Whitfield",
    "Yara Haddad",
    "Elliot Marsh",
    "Ines Duarte",
    "Kofi Mensah",
    "Hannah Vogel",
    "Mateo Silva",
    "Aisha Rahman",
    "Felix Carter",
];
const CAFES: &[&str] = &["Café Lumen", "Roast & Ritual", "The Daily Grind", "Harbor Espresso"];
const SUBJECTS: &[&str] = &[
    "Grinder jams on fine settings",
    "Steam wand barely foams",
    "Invoice shows the wrong VAT",
    "Portafilter gasket leaking",
    "When does my order ship?",
    "Descaling light stays on",
    "Pressure gauge reads zero",
    "Can I change my delivery address?",
    "Drip tray cracked on arrival",
    "Water tank not detected",
    "Warranty for a second-hand machine?",
    "Pump is very loud",
    "Wrong beans in my subscription",
    "How do I pause my subscription?",
    "Machine trips the breaker",
];
const ASKS: &[&str] = &[
    "Hi, {subject} — could you help? It started this week.",
    "Hello team, {subject}. What should I try first?",
    "{subject}. We rely on it every morning, please advise.",
];
const ANSWERS: &[&str] = &[
    "Thanks for the details! Please try a descale cycle and let me know how it goes.",
    "Sorry about that. I've sent a replacement part; it should arrive in two days.",
    "Good news: I've corrected it on our side and emailed you the new document.",
    "That sounds like the gasket. Here is our guide for swapping it in five minutes.",
];
const FOLLOW_UPS: &[&str] = &["That worked, thank you!", "Still happening, I'm afraid.", "Got it, thanks."];
const PRAISE: &[&str] = &["Quick and friendly, thank you!", "Sorted in minutes.", "Great support as always."];
const COMPLAINTS: &[&str] = &["Took two days to hear back.", "I had to explain it twice."];

/// A demo text's HTML form (they hold no line breaks).
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// Adds `weeks` of past conversations to a freshly loaded demo, in one
/// transaction: more on weekdays than at weekends, most answered within the
/// hour and some much later, completed, and mostly rated good. Marked by the
/// `demo_history_loaded` setting, so it happens once.
pub fn history(db: &Db, weeks: u32) -> Result<(), DbOpenError> {
    use crate::db::bulk;
    use rand::{rngs::StdRng, Rng, SeedableRng};
    if weeks == 0 {
        return Ok(());
    }
    db.write_blocking(move |tx| -> Result<(), db::Error> {
        if settings::is_marked(tx, "demo_history_loaded")? {
            return Ok(());
        }
        let mut rng = StdRng::seed_from_u64(12);
        let w = bulk::world(tx)?;
        let now = db::now();
        let day = 86_400;
        let start = now - i64::from(weeks) * 7 * day;
        let hex = |rng: &mut StdRng, n: usize| crate::secret::hex(&(0..n).map(|_| rng.gen()).collect::<Vec<u8>>());
        let uuid = |rng: &mut StdRng| uuid::Builder::from_random_bytes(rng.gen()).into_uuid().to_string();
        let mut orgs = Vec::new();
        for name in CAFES {
            orgs.push(bulk::organization(tx, name, start - day)?);
        }
        let mut people = Vec::new();
        for (i, name) in PEOPLE.iter().enumerate() {
            let email = format!(
                "{}@{}.example",
                name.to_lowercase().replace(' ', "."),
                CAFES[i % CAFES.len()].to_lowercase().replace([' ', '&', 'é'], "")
            );
            let id = bulk::customer(
                tx,
                &bulk::Customer {
                    uuid: &uuid(&mut rng),
                    name,
                    email: &email,
                    role_id: w.customer_role,
                    organization_id: orgs[i % orgs.len()],
                    avatar_uuid: &uuid(&mut rng),
                    presence_channel: &format!("user_presence-{}@{}", hex(&mut rng, 32), hex(&mut rng, 20)),
                    at: start - day,
                },
            )?;
            people.push(id);
        }
        // The team's share of the work: most to the first agents.
        let agents: Vec<i64> = w.agents.iter().copied().take(3).collect();
        let weights = [5, 3, 2];
        let first_day = chrono::DateTime::from_timestamp(start - start.rem_euclid(day), 0).unwrap_or_default();
        for d in 0..i64::from(weeks) * 7 {
            let midnight = first_day.timestamp() + d * day;
            if midnight + day > now - 3 * day {
                break; // the curated demo holds the last days
            }
            use chrono::Datelike;
            let weekday =
                chrono::DateTime::from_timestamp(midnight, 0).unwrap_or_default().weekday().num_days_from_monday();
            let busy = [7, 6, 6, 5, 5, 1, 1][weekday as usize] + rng.gen_range(0..3);
            for _ in 0..busy {
                let created = midnight + rng.gen_range(8 * 3600..18 * 3600);
                let customer = people[rng.gen_range(0..people.len())];
                let channel = match rng.gen_range(0..20) {
                    0..=9 => "MESSENGER",
                    10..=16 => "MAIL",
                    _ => "HELPCENTER",
                };
                let pick = rng.gen_range(0..10);
                let agent = agents
                    .get(if pick < weights[0] {
                        0
                    } else if pick < weights[0] + weights[1] {
                        1
                    } else {
                        2
                    })
                    .or(agents.first())
                    .copied();
                let subject = SUBJECTS[rng.gen_range(0..SUBJECTS.len())];
                let id = bulk::conversation(
                    tx,
                    &bulk::Conversation {
                        uuid: &uuid(&mut rng),
                        subject,
                        channel,
                        requester_id: customer,
                        team_id: w.teams.first().copied(),
                        agent_id: agent,
                        status_id: w.new,
                        priority_id: None,
                        type_id: None,
                        form_id: if channel == "HELPCENTER" { w.helpcenter_form } else { None },
                        at: created,
                    },
                )?;
                let source = match channel {
                    "MESSENGER" => "MESSENGER",
                    "HELPCENTER" => "HELPCENTER",
                    _ => "MAIL",
                };
                let ask = ASKS[rng.gen_range(0..ASKS.len())].replace("{subject}", subject);
                // Most first answers within the hour; one in eight the next day.
                let wait = if rng.gen_range(0..8) == 0 {
                    rng.gen_range(5 * 3600..30 * 3600)
                } else {
                    rng.gen_range(4 * 60..75 * 60)
                };
                let mut thread = vec![(customer, source, ask, created)];
                let mut at = created + wait;
                if let Some(agent) = agent {
                    thread.push((agent, "AGENT", ANSWERS[rng.gen_range(0..ANSWERS.len())].to_owned(), at));
                    if rng.gen_bool(0.5) {
                        at += rng.gen_range(600..6 * 3600);
                        thread.push((customer, source, FOLLOW_UPS[rng.gen_range(0..FOLLOW_UPS.len())].to_owned(), at));
                        at += rng.gen_range(300..3 * 3600);
                        thread.push((
                            agent,
                            "AGENT",
                            "Glad to help. I'll close this one; just reply if anything comes up.".to_owned(),
                            at,
                        ));
                    }
                }
                let mut last = 0;
                for (author, source, text, t) in &thread {
                    last = bulk::message(
                        tx,
                        &bulk::Message {
                            uuid: &uuid(&mut rng),
                            conversation_id: id,
                            subject,
                            channel,
                            text,
                            html: &escaped(text),
                            creator_id: *author,
                            source,
                            status: "SEEN",
                            at: *t,
                        },
                    )?;
                    bulk::participant(tx, id, *author, *t)?;
                }
                let (last_author, _, last_text, last_at) = thread.last().cloned().unwrap_or_default();
                bulk::summary(
                    tx,
                    &bulk::Summary {
                        id,
                        realtime_channel: &format!("presence-{}@v1_cases_{id}", hex(&mut rng, 32)),
                        status_id: w.open,
                        last_replier_id: last_author,
                        last_agent_replier_id: agent,
                        last_message_status: "SEEN",
                        last_message_preview: &last_text.chars().take(255).collect::<String>(),
                        last_replied_at: last_at,
                    },
                )?;
                bulk::marker(tx, id, customer, last, last_at)?;
                if let Some(agent) = agent {
                    bulk::marker(tx, id, agent, last, last_at)?;
                }
                let done = last_at + rng.gen_range(1800..30 * 3600);
                if done >= now - day {
                    continue;
                }
                let status = if done < now - 21 * day { w.closed } else { w.completed };
                bulk::completed(tx, id, status, done)?;
                if rng.gen_bool(0.6) {
                    let good = rng.gen_range(0..100) < if wait > 4 * 3600 { 55 } else { 92 };
                    let comment = match (good, rng.gen_range(0..10)) {
                        (true, 0..=3) => Some(PRAISE[rng.gen_range(0..PRAISE.len())]),
                        (false, 0..=6) => Some(COMPLAINTS[rng.gen_range(0..COMPLAINTS.len())]),
                        _ => None,
                    };
                    bulk::rating(tx, id, good, comment, customer, done + rng.gen_range(600..20 * 3600))?;
                }
            }
        }
        settings::mark(tx, "demo_history_loaded")
    })
    .map_err(|e| DbOpenError::Demo(e.to_string()))
}
