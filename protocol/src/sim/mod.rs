//! An in-memory world for convergence tests: clients and a relay joined by
//! connections whose frames a test delivers one at a time, in any
//! interleaving, and which can break, duplicate a frame, or be cut off.
//!
//! A connection is ordered in each direction, as a WebSocket is. A frame
//! lost on the wire breaks its connection (a socket does not lose a frame
//! and carry on): the client notices at once and forgets its sync state;
//! the relay may still read some of the frames the client sent before the
//! break — even after the client has reconnected — and notices the close
//! later. That is how the real relay sees a reloaded page whose old
//! connection closes late.

mod client;
mod edits;
mod fuzz;
mod relay;

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use automerge::ChangeHash;

pub use client::SimClient;
pub use relay::SimRelay;

use crate::DocumentId;

/// A live connection of one client.
struct Link {
    /// The relay's number for it.
    connection: u64,
    /// Client → relay frames in flight.
    up: VecDeque<Vec<u8>>,
    /// Relay → client frames in flight.
    down: VecDeque<Vec<u8>>,
}

/// A broken connection the relay has not finished reading.
struct Closing {
    client: usize,
    connection: u64,
    /// Frames the relay will still read before it notices the close.
    up: VecDeque<Vec<u8>>,
}

/// Where a frame waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queue {
    Up(usize),
    Down(usize),
    /// A broken connection's frames (the close comes after the last one).
    Closing(usize),
}

impl Queue {
    /// Frames the relay reads.
    pub fn to_relay(self) -> bool {
        !matches!(self, Queue::Down(_))
    }
}

pub struct World {
    pub relay: SimRelay,
    pub clients: Vec<SimClient>,
    links: Vec<Option<Link>>,
    closing: Vec<Closing>,
    /// Every change each client made, by document.
    pub made: BTreeMap<DocumentId, BTreeSet<ChangeHash>>,
    /// Frames delivered so far.
    pub delivered: usize,
}

impl World {
    pub fn new(relay: SimRelay, clients: Vec<SimClient>) -> Self {
        let links = clients.iter().map(|_| None).collect();
        World {
            relay,
            clients,
            links,
            closing: Vec::new(),
            made: BTreeMap::new(),
            delivered: 0,
        }
    }

    pub fn is_connected(&self, client: usize) -> bool {
        self.links[client].is_some()
    }

    /// Open a connection for `client` (the handshake completes at once).
    pub fn connect(&mut self, client: usize) {
        assert!(self.links[client].is_none(), "already connected");
        let join = self.clients[client].open();
        let (peer, connection, reply) = self.relay.accept(&join);
        assert_eq!(&peer, self.clients[client].me());
        let up = self.clients[client].on_frame(&reply).into();
        self.links[client] = Some(Link {
            connection,
            up,
            down: VecDeque::new(),
        });
    }

    /// `client`'s connection breaks: the client notices now; the relay reads
    /// the first `kept` frames in flight from it (the rest are lost), then
    /// notices. Frames to the client are lost.
    pub fn break_link(&mut self, client: usize, kept: usize) {
        let Some(link) = self.links[client].take() else {
            return;
        };
        self.clients[client].close();
        let up = link.up.into_iter().take(kept).collect();
        self.closing.push(Closing {
            client,
            connection: link.connection,
            up,
        });
    }

    /// The relay process dies and restarts: every connection breaks at once
    /// and nothing in flight arrives.
    pub fn crash_relay(&mut self) {
        for client in 0..self.clients.len() {
            if self.links[client].take().is_some() {
                self.clients[client].close();
            }
        }
        self.closing.clear();
        self.relay.crash();
    }

    /// A local edit by `client` (see [`SimClient::edit`]); its change is
    /// recorded and offered to the relay if connected.
    pub fn edit<E>(
        &mut self,
        client: usize,
        doc: DocumentId,
        now_s: i64,
        edit: impl FnOnce(&mut automerge::AutoCommit) -> Result<(), E>,
    ) {
        let (change, frame) = self.clients[client].edit(doc, now_s, edit);
        if let Some(change) = change {
            self.made.entry(doc).or_default().insert(change);
        }
        self.send_up(client, frame);
    }

    fn send_up(&mut self, client: usize, frames: impl IntoIterator<Item = Vec<u8>>) {
        if let Some(link) = self.links[client].as_mut() {
            link.up.extend(frames);
        }
    }

    /// Every queue with a frame waiting (or a close to notice), in a fixed order.
    pub fn queues(&self) -> Vec<Queue> {
        let mut out = Vec::new();
        for (i, link) in self.links.iter().enumerate() {
            if let Some(link) = link {
                if !link.up.is_empty() {
                    out.push(Queue::Up(i));
                }
                if !link.down.is_empty() {
                    out.push(Queue::Down(i));
                }
            }
        }
        out.extend((0..self.closing.len()).map(Queue::Closing));
        out
    }

    /// Deliver the first frame of `queue`; with `duplicate`, leave it there
    /// to be delivered again. A closing connection with nothing left is
    /// noticed by the relay instead.
    pub fn deliver(&mut self, queue: Queue, duplicate: bool) {
        match queue {
            Queue::Up(i) => {
                let Some(frame) = pop(self.links[i].as_mut().map(|l| &mut l.up), duplicate) else {
                    return;
                };
                let me = self.clients[i].me().clone();
                let connection = self.links[i].as_ref().map_or(0, |l| l.connection);
                let out = self.relay.on_frame(&me, connection, &frame);
                self.route(out);
            }
            Queue::Down(i) => {
                let Some(frame) = pop(self.links[i].as_mut().map(|l| &mut l.down), duplicate)
                else {
                    return;
                };
                let out = self.clients[i].on_frame(&frame);
                self.send_up(i, out);
            }
            Queue::Closing(k) => {
                let closing = &mut self.closing[k];
                let me = self.clients[closing.client].me().clone();
                match pop(Some(&mut closing.up), duplicate) {
                    Some(frame) => {
                        let out = self.relay.on_frame(&me, closing.connection, &frame);
                        self.route(out);
                    }
                    None => {
                        let closing = self.closing.remove(k);
                        self.relay.disconnect(&me, closing.connection);
                    }
                }
            }
        }
        self.delivered += 1;
    }

    /// The relay reads the first frame waiting on every connection to it
    /// before it answers any: the messages that queue for a document while
    /// the hub is busy with it are applied together.
    pub fn deliver_to_relay_together(&mut self) {
        let mut frames = Vec::new();
        for (i, link) in self.links.iter_mut().enumerate() {
            if let Some(link) = link
                && let Some(frame) = link.up.pop_front()
            {
                frames.push((self.clients[i].me().clone(), link.connection, frame));
            }
        }
        for closing in &mut self.closing {
            if let Some(frame) = closing.up.pop_front() {
                let me = self.clients[closing.client].me().clone();
                frames.push((me, closing.connection, frame));
            }
        }
        self.delivered += frames.len();
        let out = self.relay.on_frames(&frames);
        self.route(out);
    }

    /// Frames from the relay go to the peer's connection as the relay
    /// knows it: lost if that connection has broken.
    fn route(&mut self, out: Vec<relay::Addressed>) {
        for (peer, frame) in out {
            let current = self.relay.connection_of(&peer);
            let link = self
                .clients
                .iter()
                .position(|c| c.me() == &peer)
                .and_then(|i| self.links[i].as_mut());
            if let Some(link) = link
                && Some(link.connection) == current
            {
                link.down.push_back(frame);
            }
        }
    }

    /// Deliver frames, `pick` choosing the queue each time, until none is
    /// left. Panics past `limit` frames: the sync does not settle.
    pub fn run_until_quiet(&mut self, limit: usize, mut pick: impl FnMut(&[Queue]) -> Queue) {
        let start = self.delivered;
        loop {
            let queues = self.queues();
            if queues.is_empty() {
                return;
            }
            let queue = pick(&queues);
            self.deliver(queue, false);
            assert!(
                self.delivered - start < limit,
                "sync did not settle after {limit} frames"
            );
        }
    }
}

fn pop(queue: Option<&mut VecDeque<Vec<u8>>>, duplicate: bool) -> Option<Vec<u8>> {
    let queue = queue?;
    if duplicate {
        queue.front().cloned()
    } else {
        queue.pop_front()
    }
}
