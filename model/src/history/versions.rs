//! Grouping thousands of keystroke changes into editing sessions.
//!
//! The changes are first put in one deterministic causal order (a change
//! after its dependencies; among changes ready at the same moment, the
//! earlier timestamp first, then the smaller hash), so every replica lists
//! the same versions with the same heads, whatever order it received the
//! changes in.
//!
//! A session is one actor's run of changes where each follows the previous
//! one by less than `gap_secs`. Sessions of different people are always
//! separate, even when they overlapped in time (two people typing at once,
//! or one offline). Sessions are ordered by where their last change falls in
//! the causal order, and a version's heads are the frontier of everything
//! its own session and all older ones contain (plus whatever those changes
//! depended on). So the newest version's heads are the document's heads,
//! consecutive versions differ by one session's work, and diffing
//! [`Version::before`] against [`Version::heads`] says what that session did.
//!
//! Only change metadata is read (`get_changes_meta`); no change is decoded.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use automerge::{ActorId, AutoCommit, ChangeHash};

/// One editing session, as the version history lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    /// The document heads right after this session: read the document at
    /// these to view the version, pass them to [`crate::restore`] to bring
    /// it back.
    pub heads: Vec<ChangeHash>,
    /// The heads of the version listed just before (older than) this one;
    /// empty for the first. `changed_keys(doc, &before, &heads)` is this
    /// version's entry in a change log.
    pub before: Vec<ChangeHash>,
    /// When the session ended: its latest change time, in seconds since the
    /// Unix epoch (0 when its changes carry no time, e.g. a genesis change).
    pub time: i64,
    /// When the session started: its earliest change time (0 when unknown).
    pub start: i64,
    /// Who made the changes between `before` and `heads`: the session's
    /// author first, then anyone whose concurrent work it had merged in.
    pub actors: Vec<ActorId>,
    /// How many changes lie between `before` and `heads` (summed over all
    /// versions this is the number of changes in the document).
    pub changes: usize,
    /// The session's first change.
    pub first: ChangeHash,
    /// The session's last change.
    pub last: ChangeHash,
}

/// One change, reduced to what grouping needs.
struct Node {
    hash: ChangeHash,
    actor: usize,
    time: i64,
    deps: Vec<usize>,
}

/// One actor's run of changes.
struct Session {
    actor: usize,
    first: usize,
    last: usize,
    start: i64,
    end: i64,
    /// Time of the latest change with a time, for measuring the gap.
    last_time: i64,
}

/// The document's history as editing sessions, newest first.
///
/// Consecutive changes by one actor (in causal order) with less than
/// `gap_secs` between them form one version; changes with time 0 (no time
/// recorded) never start a new one on their own. An empty document has no
/// versions.
pub fn versions(doc: &mut AutoCommit, gap_secs: i64) -> Vec<Version> {
    let (nodes, actors) = read_nodes(doc);
    let order = causal_order(&nodes);
    let mut sessions = group(&nodes, &order, gap_secs);

    let mut position = vec![0; nodes.len()];
    for (i, &n) in order.iter().enumerate() {
        position[n] = i;
    }
    crate::sort::sort_by_key(&mut sessions, |s| position[s.last]);

    let mut frontier = Frontier::new(nodes.len());
    let mut before = Vec::new();
    let mut out = Vec::with_capacity(sessions.len());
    for s in &sessions {
        let added = frontier.add(&nodes, s.last);
        let heads = frontier.heads(&nodes);
        let mut who = vec![s.actor];
        for &n in &added {
            if !who.contains(&nodes[n].actor) {
                who.push(nodes[n].actor);
            }
        }
        out.push(Version {
            before: std::mem::replace(&mut before, heads.clone()),
            heads,
            time: s.end,
            start: s.start,
            actors: who.into_iter().map(|a| actors[a].clone()).collect(),
            changes: added.len(),
            first: nodes[s.first].hash,
            last: nodes[s.last].hash,
        });
    }
    out.reverse();
    out
}

/// Every change's actor, time and dependencies, by index; and the actors.
fn read_nodes(doc: &mut AutoCommit) -> (Vec<Node>, Vec<ActorId>) {
    let metas = doc.get_changes_meta(&[]);
    let index: HashMap<ChangeHash, usize> =
        metas.iter().enumerate().map(|(i, m)| (m.hash, i)).collect();
    let mut actor_index: HashMap<ActorId, usize> = HashMap::new();
    let mut actors = Vec::new();
    let nodes = metas
        .iter()
        .map(|m| {
            let actor = match actor_index.get(m.actor.as_ref()) {
                Some(&a) => a,
                None => {
                    let a = actors.len();
                    actors.push(m.actor.as_ref().clone());
                    actor_index.insert(m.actor.as_ref().clone(), a);
                    a
                }
            };
            Node {
                hash: m.hash,
                actor,
                time: m.timestamp,
                // Every dependency of a change in the document is in it too.
                deps: m
                    .deps
                    .iter()
                    .filter_map(|d| index.get(d).copied())
                    .collect(),
            }
        })
        .collect();
    (nodes, actors)
}

/// Kahn's algorithm: dependencies first; among ready changes, earliest time
/// then smallest hash.
fn causal_order(nodes: &[Node]) -> Vec<usize> {
    let mut waiting = vec![0usize; nodes.len()];
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
    for (i, n) in nodes.iter().enumerate() {
        waiting[i] = n.deps.len();
        for &d in &n.deps {
            dependents[d].push(i);
        }
    }
    let mut ready: BinaryHeap<Reverse<(i64, ChangeHash, usize)>> = waiting
        .iter()
        .enumerate()
        .filter(|(_, w)| **w == 0)
        .map(|(i, _)| Reverse((nodes[i].time, nodes[i].hash, i)))
        .collect();
    let mut order = Vec::with_capacity(nodes.len());
    while let Some(Reverse((_, _, i))) = ready.pop() {
        order.push(i);
        for &next in &dependents[i] {
            waiting[next] -= 1;
            if waiting[next] == 0 {
                ready.push(Reverse((nodes[next].time, nodes[next].hash, next)));
            }
        }
    }
    order
}

/// Each actor's changes, in causal order, split where the pause between two
/// of them reaches `gap_secs`.
fn group(nodes: &[Node], order: &[usize], gap_secs: i64) -> Vec<Session> {
    let mut sessions: Vec<Session> = Vec::new();
    let mut open: HashMap<usize, usize> = HashMap::new();
    for &i in order {
        let node = &nodes[i];
        let current = open.get(&node.actor).copied().filter(|&s| {
            let last = sessions[s].last_time;
            node.time == 0 || last == 0 || node.time.saturating_sub(last) < gap_secs
        });
        match current {
            Some(s) => {
                let session = &mut sessions[s];
                session.last = i;
                session.end = session.end.max(node.time);
                if node.time != 0 {
                    if session.start == 0 {
                        session.start = node.time;
                    }
                    session.last_time = node.time;
                }
            }
            None => {
                open.insert(node.actor, sessions.len());
                sessions.push(Session {
                    actor: node.actor,
                    first: i,
                    last: i,
                    start: node.time,
                    end: node.time,
                    last_time: node.time,
                });
            }
        }
    }
    sessions
}

/// The growing set of changes the versions so far contain (always causally
/// closed), and its heads. Each change is visited once over all versions.
struct Frontier {
    included: Vec<bool>,
    is_head: Vec<bool>,
    heads: Vec<usize>,
}

impl Frontier {
    fn new(len: usize) -> Self {
        Frontier {
            included: vec![false; len],
            is_head: vec![false; len],
            heads: Vec::new(),
        }
    }

    /// Add `tip` and everything it depends on; returns the newly added
    /// changes. Only changes not yet included are walked; a head reached
    /// that way is an ancestor of `tip`, so it stops being a head.
    fn add(&mut self, nodes: &[Node], tip: usize) -> Vec<usize> {
        let mut added = Vec::new();
        if self.included[tip] {
            return added;
        }
        let mut stack = vec![tip];
        while let Some(n) = stack.pop() {
            if self.included[n] {
                // A head reached from outside the set: any path to it runs
                // through changes not yet included, so `tip` descends from it.
                self.is_head[n] = false;
                continue;
            }
            self.included[n] = true;
            added.push(n);
            stack.extend(&nodes[n].deps);
        }
        self.heads.retain(|&h| self.is_head[h]);
        self.heads.push(tip);
        self.is_head[tip] = true;
        added
    }

    /// The heads as automerge lists them: sorted hashes.
    fn heads(&self, nodes: &[Node]) -> Vec<ChangeHash> {
        let mut heads: Vec<ChangeHash> = self.heads.iter().map(|&h| nodes[h].hash).collect();
        heads.sort_unstable();
        heads
    }
}
