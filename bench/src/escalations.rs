//! Realistic escalation documents, generated deterministically from a seed:
//! varied customers, a dozen product areas, regions, severities and every
//! status (resolved ones with their resolution written), opened over the
//! last 18 months, with 0–5 notes each, some linked to one of
//! [`ISSUES`] systemic issues. Each escalation is written step by step the
//! way people work it (opened, investigated, put on hold, resolved,
//! closed), by one to three devices, one commit per step.

use automerge::transaction::CommitOptions;
use automerge::{ActorId, AutoCommit, ROOT};
use model::escalation_schema as schema;
use model::fields::write_text;
use model::spec::{Field, format_datetime};
use model::{Escalation, ModelError, Status, TEXT_ENCODING};
use protocol::DocumentId;

pub const HOUR_MS: i64 = 3_600_000;
pub const DAY_MS: i64 = 24 * HOUR_MS;
/// The benchmark's "now": 2026-11-15T12:00Z (fixed, so counts never move).
pub const NOW_MS: i64 = 1_794_744_000_000;
/// How far back escalations were opened: about 18 months.
pub const HISTORY_DAYS: i64 = 548;
/// How many systemic issues escalations link to.
pub const ISSUES: usize = 40;
/// The seed the benchmark uses.
pub const SEED: u64 = 20_261_115;

/// A small deterministic generator (SplitMix64): no `rand` needed, and the
/// same seed gives the same documents on every machine.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        (self.next_u64() % n as u64) as usize
    }

    /// A number in `0..n`, small ones more likely (the minimum of two
    /// draws): a few customers and areas account for most escalations.
    pub fn skewed(&mut self, n: usize) -> usize {
        self.below(n).min(self.below(n))
    }

    /// A moment in `lo..hi` (`lo` when the span is empty).
    pub fn between(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + (self.next_u64() % (hi - lo) as u64) as i64
    }

    /// True `percent` times in a hundred.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    pub fn bytes16(&mut self) -> [u8; 16] {
        let mut out = [0u8; 16];
        out[..8].copy_from_slice(&self.next_u64().to_le_bytes());
        out[8..].copy_from_slice(&self.next_u64().to_le_bytes());
        out
    }
}

pub const PRODUCT_AREAS: [&str; 12] = [
    "Payments",
    "Checkout",
    "Identity & login",
    "Search",
    "Mobile app",
    "Integrations API",
    "Reporting",
    "Billing",
    "Notifications",
    "Data export",
    "Admin console",
    "Storage",
];
const COMPANIES: [&str; 20] = [
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Hooli",
    "Stark",
    "Wayne",
    "Wonka",
    "Tyrell",
    "Cyberdyne",
    "Soylent",
    "Massive Dynamic",
    "Aperture",
    "Oscorp",
    "Vandelay",
    "Pied Piper",
    "Dunder Mifflin",
    "Gringotts",
    "Monarch",
    "Nakatomi",
];
const KINDS: [&str; 6] = ["Corp", "Industries", "Group", "Bank", "Retail", "Health"];
const OWNERS: [&str; 14] = [
    "Ana Souza",
    "Ben Okafor",
    "Chen Wei",
    "Dana Levi",
    "Emil Novak",
    "Fatima Zahra",
    "Gus Andersen",
    "Hana Sato",
    "Ivan Petrov",
    "Jo Murphy",
    "Kofi Mensah",
    "Lena Schmidt",
    "Mateo Ruiz",
    "Nina Kowalski",
];
const GROUPS: [&str; 6] = [
    "Tier 2 Support",
    "Payments Engineering",
    "Platform SRE",
    "Customer Success",
    "Mobile Engineering",
    "Identity Team",
];
const SYMPTOMS: [&str; 10] = [
    "intermittent 500 errors",
    "slow responses at peak hours",
    "data missing after sync",
    "login loop for SSO users",
    "duplicate charges",
    "webhooks not delivered",
    "export times out",
    "notifications delayed by hours",
    "incorrect totals in reports",
    "admins cannot change roles",
];
const UPDATES: [&str; 8] = [
    "Spoke with the customer; they can reproduce it on every third attempt.",
    "Engineering has the logs and is looking at the gateway timeouts.",
    "Workaround shared: retry with exponential backoff until the fix ships.",
    "Internal: this looks like the same failover bug we saw last quarter.",
    "Fix deployed to staging; waiting for the customer to confirm.",
    "Customer confirmed the workaround helps but wants a root cause.",
    "Partner escalation opened; they promised an answer by Friday.",
    "Monitoring shows error rates back to baseline for 24 hours.",
];
const RESOLUTIONS: [&str; 6] = [
    "Rolled back the release that introduced the regression and added a test.",
    "Corrected the customer's SSO configuration and documented the steps.",
    "Raised the connection pool limit and added an alert on saturation.",
    "Partner shipped a fix; verified with the customer in production.",
    "Rebuilt the affected report totals and patched the rounding bug.",
    "Explained the expected behaviour; documentation updated.",
];
const ROOT_CAUSE_DETAILS: [&str; 4] = [
    "A config flag defaulted to off after the migration.",
    "Retry storm after a partial outage exhausted the pool.",
    "A rounding change in the ledger service.",
    "Certificate rotation was not propagated to one region.",
];

/// What was generated for one escalation, to check the benchmark's
/// results against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    /// The document id (bs58check, as the app stores it).
    pub id: String,
    pub created_at: i64,
    pub status: Status,
    /// When it was resolved (resolved and closed ones only).
    pub resolved_at: Option<i64>,
    pub notes: usize,
    /// The linked systemic issue's id, or "".
    pub systemic: String,
}

/// One generated escalation: its document and what went into it.
pub struct Generated {
    pub facts: Facts,
    pub doc: AutoCommit,
}

/// The id of systemic issue `k` (`0..ISSUES`): the same whatever `n` is.
pub fn issue_id(k: usize) -> String {
    let mut rng = Rng::new(0x5157_E41C ^ (k as u64).wrapping_mul(0x9E37_79B9));
    DocumentId::from_bytes(rng.bytes16()).to_string()
}

fn set(doc: &mut AutoCommit, field: Field, value: &str) -> Result<bool, ModelError> {
    field.write(doc, &ROOT, value, "USD")
}

/// Close the step as the app does: one commit, stamped in seconds.
fn commit(doc: &mut AutoCommit, at_ms: i64) {
    doc.commit_with(CommitOptions::default().with_time(at_ms / 1000));
}

/// `n` escalations from `seed`.
pub fn generate(n: usize, seed: u64) -> Result<Vec<Generated>, ModelError> {
    generator(seed).take(n).collect()
}

/// Escalations from `seed`, one at a time (the first `n` are
/// [`generate`]'s), for runs that must not hold them all at once.
pub fn generator(seed: u64) -> impl Iterator<Item = Result<Generated, ModelError>> {
    let issues: Vec<String> = (0..ISSUES).map(issue_id).collect();
    let mut rng = Rng::new(seed);
    std::iter::repeat_with(move || one(&mut rng, &issues))
}

fn one(rng: &mut Rng, issues: &[String]) -> Result<Generated, ModelError> {
    let id = DocumentId::from_bytes(rng.bytes16()).to_string();
    let devices: Vec<ActorId> = (0..1 + rng.below(3))
        .map(|_| ActorId::from(rng.bytes16().to_vec()))
        .collect();
    let device = |rng: &mut Rng| devices[rng.below(devices.len())].clone();

    let created = NOW_MS - rng.between(0, HISTORY_DAYS * DAY_MS);
    let age_days = (NOW_MS - created) / DAY_MS;
    let area = PRODUCT_AREAS[rng.skewed(PRODUCT_AREAS.len())];
    let symptom = rng.pick(&SYMPTOMS);
    let mut customer = format!(
        "{} {}",
        COMPANIES[rng.skewed(COMPANIES.len())],
        rng.pick(&KINDS)
    );
    if rng.chance(5) {
        // Typed in a hurry: the roll-up lists it once all the same.
        customer = customer.to_uppercase();
    }

    let mut doc = AutoCommit::new_with_encoding(TEXT_ENCODING).with_actor(device(rng));
    Escalation::create(&mut doc, &format!("{area}: {symptom}"), created)?;
    set(&mut doc, schema::CUSTOMER, &customer)?;
    set(&mut doc, schema::PRODUCT_AREA, area)?;
    let source = schema::SOURCES[rng.skewed(schema::SOURCES.len())].value;
    set(&mut doc, schema::SOURCE, source)?;
    let region = schema::REGIONS[rng.below(schema::REGIONS.len())].value;
    set(&mut doc, schema::REGION, region)?;
    let severity = match rng.below(100) {
        0..5 => "",
        5..13 => "1",
        13..35 => "2",
        35..80 => "3",
        _ => "4",
    };
    set(&mut doc, schema::SEVERITY, severity)?;
    set(&mut doc, schema::OWNER, rng.pick(&OWNERS))?;
    set(&mut doc, schema::GROUP, rng.pick(&GROUPS))?;
    write_text(
        &mut doc,
        &ROOT,
        schema::IMPACT.key,
        &format!(
            "{customer} reports {symptom} in {area}; {} users affected.",
            10 + rng.below(5000)
        ),
    )?;
    let systemic = if rng.chance(30) {
        issues[rng.skewed(issues.len())].clone()
    } else {
        String::new()
    };
    Escalation::link_systemic(&mut doc, &systemic)?;
    if rng.chance(20) {
        Escalation::link_plan(&mut doc, &DocumentId::from_bytes(rng.bytes16()).to_string())?;
    }
    commit(&mut doc, created);

    // Older escalations are mostly done.
    let resolved_share = match age_days {
        61.. => 92,
        15..=60 => 70,
        4..=14 => 40,
        _ => 15,
    };
    let resolved = rng.chance(resolved_share);
    let resolved_at = resolved.then(|| {
        let longest = (NOW_MS - created).min(45 * DAY_MS);
        created + rng.between(HOUR_MS.min(longest), longest.max(1))
    });
    let end = resolved_at.unwrap_or(NOW_MS);

    let mut status = Status::New;
    if resolved || rng.chance(80) {
        let at = rng.between(created, (created + 6 * HOUR_MS).min(end));
        doc.set_actor(device(rng));
        Escalation::set_status(&mut doc, Status::Investigating, None, at)?;
        commit(&mut doc, at);
        status = Status::Investigating;
        if rng.chance(30) {
            let at = rng.between(at, end);
            let hold = schema::HOLD_REASONS[rng.below(schema::HOLD_REASONS.len())].value;
            Escalation::set_status(&mut doc, Status::Awaiting, Some(hold), at)?;
            commit(&mut doc, at);
            status = Status::Awaiting;
        }
    }

    let notes = rng.below(6);
    let mut times: Vec<i64> = (0..notes).map(|_| rng.between(created, end)).collect();
    times.sort_unstable();
    for at in times {
        doc.set_actor(device(rng));
        let note_id = format!("{:016x}", rng.next_u64());
        let author = rng.pick(&OWNERS);
        Escalation::add_note(
            &mut doc,
            &note_id,
            author,
            rng.pick(&UPDATES),
            rng.chance(40),
            at,
        )?;
        commit(&mut doc, at);
    }

    if let Some(at) = resolved_at {
        doc.set_actor(device(rng));
        write_text(
            &mut doc,
            &ROOT,
            schema::RESOLUTION.key,
            rng.pick(&RESOLUTIONS),
        )?;
        let cause = schema::ROOT_CAUSES[rng.skewed(schema::ROOT_CAUSES.len())].value;
        set(&mut doc, schema::ROOT_CAUSE_CATEGORY, cause)?;
        write_text(
            &mut doc,
            &ROOT,
            schema::ROOT_CAUSE.key,
            rng.pick(&ROOT_CAUSE_DETAILS),
        )?;
        Escalation::set_status(&mut doc, Status::Resolved, None, at)?;
        commit(&mut doc, at);
        status = Status::Resolved;
        if age_days > 14 && rng.chance(60) {
            let closed = rng.between(at, (at + 14 * DAY_MS).min(NOW_MS));
            Escalation::set_status(&mut doc, Status::Closed, None, closed)?;
            commit(&mut doc, closed);
            status = Status::Closed;
        }
    } else {
        // Open: the next promised update, some of them already late.
        let due = NOW_MS + rng.between(-2 * DAY_MS, 3 * DAY_MS);
        set(&mut doc, schema::NEXT_UPDATE, &format_datetime(due))?;
        commit(&mut doc, NOW_MS);
    }

    Ok(Generated {
        facts: Facts {
            id,
            created_at: created,
            status,
            resolved_at,
            notes,
            systemic,
        },
        doc,
    })
}
