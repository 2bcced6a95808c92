//! Random edits of the real records, through the model's public API, as a
//! person makes them in the app: typing in collaborative text, setting
//! decision fields (which two people may set at once), adding, moving and
//! removing list items, notes, status moves and settling status conflicts,
//! linking records, listing records in the workspace index.

use automerge::{AutoCommit, ObjId, ROOT};
use model::escalation_schema as esc;
use model::items::{self, Place};
use model::plan_schema;
use model::spec::{Field, Kind, ListSpec};
use model::{AccountPlan, Escalation, ModelError, PlanField, RecordKind, Status, WorkspaceIndex};
use rand::Rng;
use rand::seq::IndexedRandom;

/// What a document holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Record {
    Index,
    Plan,
    Escalation,
    Issue,
}

/// Words to type, with characters outside ASCII and outside the BMP so text
/// positions (UTF-16 code units) are exercised.
const WORDS: &[&str] = &[
    "grow", " ", "cloud", "é", "naïve", "🙂", "renewal", "Q3", "—", "risk", "\n", "ok",
];

/// Who is editing, and a counter for fresh item ids.
pub struct Editor<'a> {
    pub who: &'a str,
    pub now_ms: i64,
    pub next_id: &'a mut u64,
    /// Ids of every record, to link to.
    pub records: &'a [String],
}

impl Editor<'_> {
    fn fresh_id(&mut self) -> String {
        *self.next_id += 1;
        format!("{}-{}", self.who, self.next_id)
    }
}

/// Make one random edit to `doc`, a `record`. A refused edit (a status
/// move the flow does not allow) is an `Err`, as it is in the app.
pub fn random_edit(
    record: Record,
    doc: &mut AutoCommit,
    rng: &mut impl Rng,
    ed: &mut Editor<'_>,
) -> Result<(), ModelError> {
    match record {
        Record::Index => {
            let id = ed.fresh_id();
            let kind = [RecordKind::AccountPlan, RecordKind::Escalation]
                .choose(rng)
                .cloned()
                .unwrap_or(RecordKind::Escalation);
            WorkspaceIndex::add(doc, &id, kind, ed.now_ms)
        }
        Record::Plan => plan_edit(doc, rng, ed),
        Record::Escalation => escalation_edit(doc, rng, ed),
        Record::Issue => {
            let text = [esc::SYSTEMIC_TITLE, esc::SYSTEMIC_DESCRIPTION];
            if rng.random_bool(0.6) {
                type_in(doc, &ROOT, pick(&text, rng), rng)
            } else {
                set_field(doc, &ROOT, pick(esc::SYSTEMIC_FIELDS, rng), rng)
            }
        }
    }
}

fn plan_edit(
    doc: &mut AutoCommit,
    rng: &mut impl Rng,
    ed: &mut Editor<'_>,
) -> Result<(), ModelError> {
    match rng.random_range(0..10) {
        0..=3 => {
            let field = *pick(&PlanField::ALL, rng);
            let text = mutate(&AccountPlan::text(doc, field)?, rng);
            AccountPlan::set_text(doc, field, &text).map(|_| ())
        }
        4..=5 => {
            let fields: Vec<Field> = plan_schema::root_fields().copied().collect();
            set_field(doc, &ROOT, pick(&fields, rng), rng)
        }
        _ => {
            let spec = pick(plan_schema::LISTS, rng);
            list_edit(doc, &ROOT, spec, rng, ed)
        }
    }
}

fn escalation_edit(
    doc: &mut AutoCommit,
    rng: &mut impl Rng,
    ed: &mut Editor<'_>,
) -> Result<(), ModelError> {
    match rng.random_range(0..12) {
        0..=2 => {
            let text = [esc::TITLE, esc::IMPACT, esc::ROOT_CAUSE, esc::RESOLUTION];
            type_in(doc, &ROOT, pick(&text, rng), rng)
        }
        3..=4 => set_field(doc, &ROOT, pick(esc::DETAILS, rng), rng),
        5..=6 => {
            let to = *pick(&Status::ALL, rng);
            let hold = pick(esc::HOLD_REASONS, rng).value;
            Escalation::set_status(doc, to, Some(hold), ed.now_ms).map(|_| ())
        }
        7 => {
            // Two people moved the status at once: settle on one of theirs.
            let candidates = esc::STATUS.conflicts(doc, &ROOT)?;
            match candidates.choose(rng).and_then(|c| Status::parse(&c.value)) {
                Some(to) => Escalation::settle_status(doc, to, ed.now_ms),
                None => Ok(()),
            }
        }
        8..=9 => {
            let id = ed.fresh_id();
            let text = format!("{} {}", ed.who, pick(WORDS, rng));
            let shareable = rng.random_bool(0.5);
            Escalation::add_note(doc, &id, ed.who, &text, shareable, ed.now_ms).map(|_| ())
        }
        10 => {
            let notes = Escalation::notes(doc)?;
            let Some(note) = notes.choose(rng) else {
                return Ok(());
            };
            match rng.random_range(0..3) {
                0 => Escalation::remove_note(doc, &note.id),
                1 => Escalation::set_shareable(doc, &note.obj, !note.shareable).map(|_| ()),
                _ => type_in(doc, &note.obj, &esc::note::TEXT, rng),
            }
        }
        _ => {
            let target = ed.records.choose(rng).cloned().unwrap_or_default();
            if rng.random_bool(0.5) {
                Escalation::link_systemic(doc, &target).map(|_| ())
            } else {
                Escalation::link_plan(doc, &target).map(|_| ())
            }
        }
    }
}

/// Add, fill in, move or remove an item of the list `spec` under `parent`
/// (an objective's actions, one level down, included).
fn list_edit(
    doc: &mut AutoCommit,
    parent: &ObjId,
    spec: &ListSpec,
    rng: &mut impl Rng,
    ed: &mut Editor<'_>,
) -> Result<(), ModelError> {
    let list = items::ensure_list(doc, parent, spec.key)?;
    let existing = items::items(doc, &list)?;
    let Some(item) = existing.choose(rng).cloned() else {
        let id = ed.fresh_id();
        return items::insert(doc, &list, &id, Place::Last).map(|_| ());
    };
    match rng.random_range(0..8) {
        0..=1 => {
            let id = ed.fresh_id();
            let place = match rng.random_range(0..3) {
                0 => Place::First,
                1 => Place::After(&item.id),
                _ => Place::Before(&item.id),
            };
            items::insert(doc, &list, &id, place).map(|_| ())
        }
        2 => items::move_item(doc, &list, &item.id, Place::First),
        3 => items::remove(doc, &list, &item.id),
        4 if spec.key == plan_schema::OBJECTIVES.key => {
            list_edit(doc, &item.obj, &plan_schema::ACTIONS, rng, ed)
        }
        _ => {
            let field = pick(spec.fields, rng);
            match field.kind {
                Kind::Text => type_in(doc, &item.obj, field, rng),
                _ => set_field(doc, &item.obj, field, rng),
            }
        }
    }
}

/// Type into (or delete from) a text field, as a keystroke or a cut does.
fn type_in(
    doc: &mut AutoCommit,
    obj: &ObjId,
    field: &Field,
    rng: &mut impl Rng,
) -> Result<(), ModelError> {
    let text = mutate(&field.read(doc, obj)?, rng);
    field.write(doc, obj, &text, "EUR").map(|_| ())
}

/// Set a decision field to a random valid value (or clear it).
fn set_field(
    doc: &mut AutoCommit,
    obj: &ObjId,
    field: &Field,
    rng: &mut impl Rng,
) -> Result<(), ModelError> {
    let day = rng.random_range(1..=28);
    let input = match field.kind {
        _ if rng.random_bool(0.05) => String::new(),
        Kind::Text => return type_in(doc, obj, field, rng),
        Kind::Line => pick(WORDS, rng).trim().to_owned(),
        Kind::Choice(choices) => pick(choices, rng).value.to_owned(),
        Kind::Date => format!("2026-03-{day:02}"),
        Kind::DateTime => format!("2026-03-{day:02}T{:02}:30", rng.random_range(0..24)),
        Kind::Money => rng.random_range(1..1_000_000).to_string(),
        Kind::Percent => rng.random_range(0..=100).to_string(),
    };
    field.write(doc, obj, &input, "EUR").map(|_| ())
}

/// `text` with a word typed in or a few characters deleted somewhere.
fn mutate(text: &str, rng: &mut impl Rng) -> String {
    let chars: Vec<char> = text.chars().collect();
    let at = rng.random_range(0..=chars.len());
    let mut out: Vec<char> = chars[..at].to_vec();
    if chars.is_empty() || rng.random_bool(0.65) {
        out.extend(pick(WORDS, rng).chars());
        out.extend(&chars[at..]);
    } else {
        let gone = rng.random_range(1..=4).min(chars.len() - at);
        out.extend(&chars[at + gone..]);
    }
    out.into_iter().collect()
}

fn pick<'a, T>(from: &'a [T], rng: &mut impl Rng) -> &'a T {
    from.choose(rng).expect("a non-empty choice")
}
