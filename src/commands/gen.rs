//! `parley gen`: a large, believable instance for measuring Parley at scale.
//!
//! It starts from the demo (so every demo account signs in and every demo
//! link works), then adds customers, conversations and messages in one
//! transaction, with the summary columns the server itself would keep:
//! last replier, preview, status, read markers, participants and devices.
//! The same seed always gives the same data.

use std::time::Instant;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::config::{Durability, GenArgs};
use crate::db::bulk;
use crate::db::offline::Offline;
use crate::db::{self, Conn, Db};
use crate::storage::Storage;
use crate::wire::text_to_html;

/// Messages in the one conversation `gen` makes long on purpose.
pub const LONGEST: u64 = 1000;

/// What `gen` made.
#[derive(Debug)]
pub struct Generated {
    /// Customers added.
    pub customers: u64,
    /// Conversations added.
    pub conversations: u64,
    /// Messages added.
    pub messages: u64,
    /// The conversation with [`LONGEST`] messages.
    pub longest: i64,
    /// Seconds it took, demo included.
    pub seconds: f64,
}

/// Builds the instance `args` describes; refuses a directory that already
/// holds a database, so it never mixes into real data.
pub fn generate(args: &GenArgs) -> Result<Generated, String> {
    if args.conversations == 0 {
        return Err("--conversations must be at least 1".into());
    }
    let least = args.conversations - 1 + LONGEST;
    if args.conversations == 1 && args.messages != LONGEST {
        return Err(format!("with one conversation, --messages must be {LONGEST}"));
    }
    if args.messages < least {
        return Err(format!(
            "--messages must be at least {least}: {LONGEST} for the longest conversation and one for every other"
        ));
    }
    let started = Instant::now();
    let db_path = args.data_dir.join("parley.db");
    if db_path.exists() {
        return Err(format!("{} already exists: gen builds a new instance in an empty directory", db_path.display()));
    }
    std::fs::create_dir_all(&args.data_dir).map_err(|e| format!("{}: {e}", args.data_dir.display()))?;
    {
        let storage = Storage::open(args.data_dir.join("attachments")).map_err(|e| e.to_string())?;
        let (db, _) = Db::open(&db_path, true).map_err(|e| e.to_string())?;
        crate::demo::attach_files(&db, &storage).map_err(|e| e.to_string())?;
    }
    let db = Offline::open(&db_path, Durability::Full).map_err(|e| e.to_string())?;
    db.cache_kib(256 * 1024).map_err(|e| e.to_string())?;
    // One transaction, synced once at the end: nothing is acknowledged before it.
    let mut made = db.transaction(|conn| fill(conn, args)).map_err(|e| format!("generating: {e}"))?;
    db.checkpoint().map_err(|e| e.to_string())?;
    made.seconds = started.elapsed().as_secs_f64();
    Ok(made)
}

const FIRST: &[&str] = &[
    "Amara", "Ben", "Chloe", "Diego", "Elif", "Farah", "Gus", "Hana", "Ivan", "Jade", "Kofi", "Lena", "Mateo", "Nina",
    "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tara", "Umar", "Vera", "Wen", "Yara", "Zoe",
];
const LAST: &[&str] = &[
    "Abara", "Brooks", "Castillo", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad", "Ito", "Jensen", "Kowalski",
    "Larsen", "Moreau", "Nakamura", "Okafor", "Petrov", "Quispe", "Rossi", "Silva", "Tanaka", "Usman", "Varga",
    "Weber", "Young", "Zhou",
];
const CAFES: &[&str] = &[
    "Bean There",
    "Grind House",
    "The Daily Cup",
    "Crema Corner",
    "Roast Republic",
    "Steam & Sip",
    "Pour Decisions",
    "Kettle Club",
    "Brew Haven",
    "Espresso Lane",
];
const SUBJECTS: &[&str] = &[
    "Grinder jams on fine settings",
    "Milk frother not heating",
    "Order #{n} arrived damaged",
    "Invoice {n} shows the wrong VAT number",
    "Pressure gauge stuck at zero",
    "Descaling light stays on",
    "Need a quote for {n} kg of house blend",
    "Portafilter gasket replacement",
    "Delivery window for next week",
    "Water leaking under the drip tray",
    "Can we move our maintenance visit?",
    "Warranty question about serial {n}",
];
const ASKS: &[&str] = &[
    "Hi, since this morning the machine {issue}. We tried turning it off and on again, no luck.",
    "Hello team, quick one: the machine {issue}. Is this something we can fix ourselves?",
    "Good morning! Our barista noticed the machine {issue} during the rush. Could someone take a look?",
    "Hi there, following up on this. It still {issue}, and we have a busy weekend coming.",
];
const ISSUES: &[&str] = &[
    "makes a grinding noise",
    "takes ages to heat up",
    "shows error E{n}",
    "drips after every shot",
    "pulls shots far too fast",
    "trips the breaker",
];
const REPLIES: &[&str] = &[
    "Thanks for letting us know! Could you send a photo of the display and the serial number from the back panel?",
    "Sorry about the trouble. A technician can visit on Thursday between 9 and 12; does that work for you?",
    "That usually means the gasket is worn. We have put a replacement in the post; it should arrive in two days.",
    "Please run a descaling cycle with the tablets from the starter kit, then let us know if it happens again.",
    "Good news: this is covered by your warranty. I have opened a service order, reference SR-{n}.",
];
const THANKS: &[&str] = &[
    "Perfect, thank you!",
    "That worked, much appreciated.",
    "Thursday is fine. See you then.",
    "Photo attached below, the serial is {n}.",
    "Still happening after the descaling, unfortunately.",
];

/// A generated customer.
struct Customer {
    id: i64,
    first: &'static str,
    /// The messenger device they write from, once they have used the messenger.
    device: Option<String>,
}

fn pick<'a>(rng: &mut StdRng, from: &[&'a str]) -> &'a str {
    from[rng.gen_range(0..from.len())]
}

/// One of `templates`, with its blanks filled in.
fn fill_in(rng: &mut StdRng, templates: &[&str]) -> String {
    let template = pick(rng, templates);
    let issue = pick(rng, ISSUES);
    template.replace("{issue}", issue).replace("{n}", &rng.gen_range(1000..99999).to_string())
}

fn uuid(rng: &mut StdRng) -> String {
    uuid::Builder::from_random_bytes(rng.gen()).into_uuid().to_string()
}

fn hex(rng: &mut StdRng, bytes: usize) -> String {
    let buf: Vec<u8> = (0..bytes).map(|_| rng.gen()).collect();
    crate::secret::hex(&buf)
}

/// Adds the customers, conversations and messages, inside the caller's transaction.
fn fill(conn: &Conn, args: &GenArgs) -> db::Result<Generated> {
    let mut rng = StdRng::seed_from_u64(args.seed);
    let w = bulk::world(conn)?;
    let now = db::now();
    let year = 365 * 86_400;

    // A customer for every four conversations, an organization for every twenty customers.
    let customers = (args.conversations / 4).max(1);
    let mut orgs = Vec::new();
    for i in 0..customers.div_ceil(20) {
        let name = format!("{} #{}", pick(&mut rng, CAFES), i + 1);
        orgs.push(bulk::organization(conn, &name, now - year - 86_400)?);
    }
    let mut people = Vec::with_capacity(customers as usize);
    for i in 0..customers {
        let (first, last) = (pick(&mut rng, FIRST), pick(&mut rng, LAST));
        let id = bulk::customer(
            conn,
            &bulk::Customer {
                uuid: &uuid(&mut rng),
                name: &format!("{first} {last}"),
                email: &format!("{}.{}.{i}@example.com", first.to_lowercase(), last.to_lowercase()),
                role_id: w.customer_role,
                organization_id: orgs[(i / 20) as usize],
                avatar_uuid: &uuid(&mut rng),
                presence_channel: &format!("user_presence-{}@{}", hex(&mut rng, 32), hex(&mut rng, 20)),
                at: now - year - 86_400,
            },
        )?;
        people.push(Customer { id, first, device: None });
    }

    // How many messages each conversation gets: the first LONGEST, every other
    // one at least one, the rest spread at random.
    let n = args.conversations as usize;
    let mut counts = vec![1u32; n];
    counts[0] = LONGEST as u32;
    for _ in 0..(args.messages - (args.conversations - 1 + LONGEST)) {
        counts[rng.gen_range(1..n)] += 1;
    }

    let mut longest = 0;
    let mut messages = 0u64;
    let span = year / n as i64;
    for (i, &count) in counts.iter().enumerate() {
        // Oldest first, so that ids grow with time as they do in a real instance.
        let created = now - year + i as i64 * span.max(1) + rng.gen_range(0..span.max(1));
        let who = rng.gen_range(0..people.len());
        let customer = people[who].id;
        let channel = match rng.gen_range(0..10) {
            0..=4 => "MESSENGER",
            5..=7 => "MAIL",
            _ => "HELPCENTER",
        };
        let subject = fill_in(&mut rng, SUBJECTS);
        let agent = w.agents.get(rng.gen_range(0..w.agents.len().max(1))).copied();
        let team = w.teams.get(rng.gen_range(0..w.teams.len().max(1))).copied();
        let priority = w.priorities.get(rng.gen_range(0..w.priorities.len() + 1)).copied();
        let kind = w.types.get(rng.gen_range(0..w.types.len() + 1)).copied();
        let form = if channel == "HELPCENTER" { w.helpcenter_form } else { None };
        let id = bulk::conversation(
            conn,
            &bulk::Conversation {
                uuid: &uuid(&mut rng),
                subject: &subject,
                channel,
                requester_id: customer,
                team_id: team,
                agent_id: agent,
                status_id: w.new,
                priority_id: priority,
                type_id: kind,
                form_id: form,
                at: created,
            },
        )?;
        if i == 0 {
            longest = id;
        }
        bulk::participant(conn, id, customer, created)?;
        if channel == "MESSENGER" {
            let print = match &people[who].device {
                Some(print) => print.clone(),
                None => {
                    let print = uuid(&mut rng);
                    bulk::fingerprint(conn, &print, customer, created)?;
                    people[who].device = Some(print.clone());
                    print
                }
            };
            bulk::device(conn, &print, id, created)?;
        }

        // The thread: the customer asks, then customer and agent take turns
        // (now and then one of them writes twice).
        let customer_source = channel;
        let mut at = created;
        let (mut last_id, mut last_author, mut last_agent, mut preview) = (0, customer, None, String::new());
        let mut last_status = "SENT";
        let mut customer_read = 0;
        let gap = if count as u64 >= LONGEST { (year / count as i64 / 2).max(60) } else { 8 * 3600 };
        for k in 0..count {
            let by_customer = k == 0 || agent.is_none() || (k % 2 == 0) != rng.gen_bool(0.15);
            let author = if by_customer { customer } else { agent.expect("an agent replies") };
            let text = if k == 0 {
                fill_in(&mut rng, ASKS)
            } else if by_customer {
                fill_in(&mut rng, THANKS)
            } else {
                let first = people[who].first;
                format!("Hi {first},\n\n{}\n\nBest regards,\nBrewfictus Support", fill_in(&mut rng, REPLIES))
            };
            if k > 0 {
                at = (at + rng.gen_range(60..gap.max(61))).min(now);
            }
            let status = if k + 2 < count { "SEEN" } else { ["SENT", "DELIVERED", "SEEN"][rng.gen_range(0..3)] };
            let source = if by_customer { customer_source } else { "AGENT" };
            last_id = bulk::message(
                conn,
                &bulk::Message {
                    uuid: &uuid(&mut rng),
                    conversation_id: id,
                    subject: &subject,
                    channel,
                    text: &text,
                    html: &text_to_html(&text),
                    creator_id: author,
                    source,
                    status,
                    at,
                },
            )?;
            last_author = author;
            if by_customer {
                customer_read = last_id;
            } else {
                last_agent = Some(author);
                bulk::participant(conn, id, author, at)?;
            }
            if status == "SEEN" {
                customer_read = last_id;
            }
            preview = text.chars().take(255).collect();
            last_status = status;
            messages += 1;
        }
        let age = (now - created) as f64 / year as f64;
        let status = match (last_author == customer, count) {
            (true, 1) => w.new,
            (true, _) => w.open,
            (false, _) if rng.gen_bool(age.clamp(0.0, 1.0)) => {
                if rng.gen_bool(0.7) {
                    w.closed
                } else {
                    w.completed
                }
            }
            (false, _) => w.pending,
        };
        bulk::summary(
            conn,
            &bulk::Summary {
                id,
                realtime_channel: &format!("presence-{}@v1_cases_{id}", hex(&mut rng, 32)),
                status_id: status,
                last_replier_id: last_author,
                last_agent_replier_id: last_agent,
                last_message_status: last_status,
                last_message_preview: &preview,
                last_replied_at: at,
            },
        )?;
        bulk::marker(conn, id, customer, customer_read, at)?;
        if let Some(agent) = last_agent {
            bulk::marker(conn, id, agent, last_id, at)?;
        }
    }
    Ok(Generated { customers, conversations: args.conversations, messages, longest, seconds: 0.0 })
}
