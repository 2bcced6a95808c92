//! One simulated client: a real WebSocket speaking automerge-repo protocol
//! v1 through the `protocol` crate's [`ClientSession`] and [`DocSync`] — the
//! same engine the app runs. It joins, syncs its document, then types: one
//! character spliced into the document's Text and committed per keystroke,
//! every keystroke sent as the sync protocol asks. Each change's hash goes
//! into the [`Ledger`] when it leaves; every change that arrives is looked
//! up there to time its propagation.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use automerge::transaction::{CommitOptions, Transactable};
use automerge::{ActorId, AutoCommit, ObjId, ObjType, ROOT, ReadDoc};
use futures_util::{FutureExt, SinkExt, StreamExt};
use protocol::{
    ClientEvent, ClientSession, DocSync, DocumentId, PeerId, PeerMetadata, decode_sync,
};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message as Frame;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::LoadError;
use super::stats::Ledger;

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// The document every client of a run starts from: one Text at `text`,
/// made by a fixed actor at a fixed time, so every replica shares its root.
pub fn genesis() -> Vec<u8> {
    let mut doc = AutoCommit::new().with_actor(ActorId::from(vec![0u8; 16]));
    // Putting an object into an empty map cannot fail.
    let _ = doc.put_object(ROOT, "text", ObjType::Text);
    doc.commit_with(CommitOptions::default().with_time(0));
    doc.save()
}

/// A client's document: a replica of `genesis` with its own actor.
pub fn replica(id: DocumentId, genesis: &[u8], actor: u64) -> Result<DocSync, LoadError> {
    let doc = AutoCommit::load(genesis)
        .map_err(|e| LoadError::Sync(e.to_string()))?
        .with_actor(ActorId::from(actor.to_be_bytes().to_vec()));
    Ok(DocSync::new(id, doc))
}

/// A connected client and its one document.
pub struct Client {
    socket: Socket,
    session: ClientSession,
    pub doc: DocSync,
    text: ObjId,
    /// Spreads typists' keystrokes and insert positions.
    seed: u64,
    typed: u64,
    /// Changes received from others.
    received: u64,
}

impl Client {
    /// Connect to `url` (as peer `load-SEED`), finish the handshake and send the
    /// document's first sync message.
    pub async fn connect(url: &str, seed: u64, doc: DocSync) -> Result<Self, LoadError> {
        let (socket, _) = tokio_tungstenite::connect_async_with_config(url, None, true)
            .await
            .map_err(|e| LoadError::Connect(e.to_string()))?;
        let text = match doc.doc().get(ROOT, "text") {
            Ok(Some((_, id))) => id,
            _ => return Err(LoadError::Sync("the document has no text".into())),
        };
        let mut client = Client {
            socket,
            session: ClientSession::new(PeerId::new(format!("load-{seed}"))),
            doc,
            text,
            seed,
            typed: 0,
            received: 0,
        };
        let join = client.session.on_open(PeerMetadata::default());
        client.send_message(&join).await?;
        while client.session.relay().is_none() {
            client.next_frame(None).await?;
        }
        client.flush().await?;
        Ok(client)
    }

    /// Characters this client has typed.
    pub fn typed(&self) -> u64 {
        self.typed
    }

    /// Changes in this client's document: the genesis, its own, and the
    /// others' that arrived.
    fn holds(&self) -> u64 {
        1 + self.typed + self.received
    }

    /// Type one character at a pseudo-random place and send the change.
    pub async fn type_one(&mut self, ledger: &Ledger) -> Result<(), LoadError> {
        if let Some(hash) = self.type_local()? {
            ledger.sent(hash, Instant::now());
        }
        self.flush().await
    }

    /// Type one character and commit it, sending nothing.
    pub fn type_local(&mut self) -> Result<Option<automerge::ChangeHash>, LoadError> {
        self.typed += 1;
        let doc = self.doc.doc_mut();
        let len = doc.length(&self.text);
        // A cheap spread of positions: typists are all over the document.
        let at = ((self.seed ^ self.typed).wrapping_mul(2_654_435_761) as usize) % (len + 1);
        doc.splice_text(&self.text, at, 0, "x")
            .map_err(|e| LoadError::Sync(e.to_string()))?;
        Ok(doc.commit())
    }

    /// Send the document's next sync message, if one is due.
    pub async fn flush(&mut self) -> Result<(), LoadError> {
        if let Some(m) = self.session.next_message(&mut self.doc) {
            self.send_message(&m).await?;
        }
        Ok(())
    }

    /// Wait for one frame from the server and apply it with any already
    /// behind it (recording arrivals in `ledger`); `Ok(false)` when the
    /// server closed.
    pub async fn next_frame(&mut self, ledger: Option<&Ledger>) -> Result<bool, LoadError> {
        let frame = self.socket.next().await;
        self.apply_ready(frame, ledger).await
    }

    /// Apply `frame` and every frame already waiting behind it, all in
    /// one step, then send one reply for all of them, as a real peer that
    /// fell behind would. Kept apart from reading the first frame, so a
    /// `select!` only ever drops the (cancel-safe) read, never a send.
    async fn apply_ready(
        &mut self,
        frame: Option<Result<Frame, tokio_tungstenite::tungstenite::Error>>,
        ledger: Option<&Ledger>,
    ) -> Result<bool, LoadError> {
        let mut messages = Vec::new();
        let mut open = self.read(frame, &mut messages)?;
        while open && let Some(frame) = self.socket.next().now_or_never() {
            open = self.read(frame, &mut messages)?;
        }
        if let (false, Some(relay)) = (messages.is_empty(), self.session.relay().cloned()) {
            let before = self.doc.heads();
            let batch = messages.into_iter().map(|m| (relay.clone(), m)).collect();
            let (received, refused) = self.doc.receive_all(batch);
            if let Some((_, e)) = refused.first() {
                return Err(LoadError::Sync(e.to_string()));
            }
            self.received += received.new_changes as u64;
            if received.new_changes > 0
                && let Some(ledger) = ledger
            {
                let now = Instant::now();
                for meta in self.doc.doc_mut().get_changes_meta(&before) {
                    ledger.arrived(&meta.hash, now);
                }
            }
        }
        self.flush().await?;
        Ok(open)
    }

    /// Read one frame: a sync message for our document goes to `messages`;
    /// `Ok(false)` when the server closed.
    fn read(
        &mut self,
        frame: Option<Result<Frame, tokio_tungstenite::tungstenite::Error>>,
        messages: &mut Vec<automerge::sync::Message>,
    ) -> Result<bool, LoadError> {
        let frame = match frame {
            None => return Ok(false),
            Some(Err(e)) => return Err(LoadError::Socket(e.to_string())),
            Some(Ok(frame)) => frame,
        };
        let bytes = match frame {
            Frame::Binary(b) => b,
            Frame::Close(_) => return Ok(false),
            _ => return Ok(true),
        };
        let event = self
            .session
            .on_frame(&bytes)
            .map_err(|e| LoadError::Protocol(e.to_string()))?;
        match event {
            ClientEvent::Sync { doc, data } if doc == self.doc.id() => {
                messages.push(decode_sync(&data).map_err(|e| LoadError::Sync(e.to_string()))?);
            }
            ClientEvent::RelayError(e) => return Err(LoadError::Protocol(e)),
            // Unavailable: someone else uploads it and the server sends it;
            // other documents (a server announcing everything) are ignored.
            _ => {}
        }
        Ok(true)
    }

    /// Read frames for `span` (typing nothing).
    pub async fn listen_for(
        &mut self,
        span: Duration,
        ledger: Option<&Ledger>,
    ) -> Result<(), LoadError> {
        let until = tokio::time::Instant::now() + span;
        loop {
            match tokio::time::timeout_at(until, self.next_frame(ledger)).await {
                Err(_) => return Ok(()),
                Ok(Ok(true)) => {}
                Ok(Ok(false)) => return Err(LoadError::Socket("the server closed".into())),
                Ok(Err(e)) => return Err(e),
            }
        }
    }

    /// Type `cps` characters a second for `typing`, reading everything that
    /// arrives meanwhile, then keep reading until this client holds every
    /// change typed in its document (told by `tally`), or `settle` says to
    /// stop waiting. Returns how long after typing stopped the last one
    /// arrived, or `None` if some never did.
    pub async fn type_for(
        &mut self,
        cps: f64,
        typing: Duration,
        settle: Settle,
        ledger: &Ledger,
        tally: &Tally,
    ) -> Result<Option<Duration>, LoadError> {
        let period = Duration::from_secs_f64(1.0 / cps.max(0.001));
        // Typists do not all press keys in step.
        let offset = period.mul_f64((self.seed % 97) as f64 / 97.0);
        let start = tokio::time::Instant::now();
        let stop = start + typing;
        let mut tick = tokio::time::interval_at(start + offset, period);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                at = tick.tick() => {
                    if at >= stop { break }
                    self.type_one(ledger).await?;
                }
                frame = self.socket.next() => {
                    if !self.apply_ready(frame, Some(ledger)).await? { return Err(LoadError::Socket("the server closed".into())) }
                }
            }
        }
        tally.stopped(self.typed);
        let mut progress = (self.holds(), tokio::time::Instant::now());
        loop {
            if tally.complete(self.holds()) {
                return Ok(Some(stop.elapsed()));
            }
            let now = tokio::time::Instant::now();
            if self.holds() != progress.0 {
                progress = (self.holds(), now);
            }
            let until = (progress.1 + settle.stall).min(stop + settle.at_most);
            if now >= until {
                return Ok(None);
            }
            self.listen_for(POLL.min(until - now), Some(ledger)).await?;
        }
    }

    /// Close the connection cleanly.
    pub async fn close(mut self) -> DocSync {
        let _ = self.socket.close(None).await;
        self.doc
    }

    async fn send_message(&mut self, m: &protocol::Message) -> Result<(), LoadError> {
        self.socket
            .send(Frame::Binary(m.encode().into()))
            .await
            .map_err(|e| LoadError::Socket(e.to_string()))
    }
}

/// How often a settling client looks at its document's [`Tally`].
const POLL: Duration = Duration::from_millis(20);

/// How long a client waits for the last changes after typing stops.
#[derive(Debug, Clone, Copy)]
pub struct Settle {
    /// Stop once nothing new has arrived for this long…
    pub stall: Duration,
    /// …or this long after typing stopped, whichever comes first.
    pub at_most: Duration,
}

/// What the typists of one document typed, for knowing when each of them
/// holds everything.
#[derive(Debug)]
pub struct Tally {
    typists: usize,
    stopped: AtomicUsize,
    typed: AtomicU64,
}

impl Tally {
    pub fn new(typists: usize) -> Self {
        Tally {
            typists,
            stopped: AtomicUsize::new(0),
            typed: AtomicU64::new(0),
        }
    }

    /// A typist stopped after typing `typed` changes.
    fn stopped(&self, typed: u64) {
        self.typed.fetch_add(typed, Ordering::SeqCst);
        self.stopped.fetch_add(1, Ordering::SeqCst);
    }

    /// Every typist has stopped and a replica holding `holds` changes has
    /// them all (and the genesis).
    fn complete(&self, holds: u64) -> bool {
        self.stopped.load(Ordering::SeqCst) == self.typists
            && holds == 1 + self.typed.load(Ordering::SeqCst)
    }
}

impl Client {
    /// The server's peer id (after the handshake).
    fn relay(&self) -> Result<PeerId, LoadError> {
        self.session
            .relay()
            .cloned()
            .ok_or_else(|| LoadError::Protocol("no handshake".into()))
    }

    /// Read frames until the server has confirmed every change we have.
    pub async fn wait_uploaded(&mut self, timeout: Duration) -> Result<(), LoadError> {
        let relay = self.relay()?;
        let until = tokio::time::Instant::now() + timeout;
        while self.doc.unconfirmed_changes(&relay) > 0 {
            match tokio::time::timeout_at(until, self.next_frame(None)).await {
                Ok(Ok(true)) => {}
                Ok(Ok(false)) => return Err(LoadError::Socket("the server closed".into())),
                Ok(Err(e)) => return Err(e),
                Err(_) => return Err(LoadError::Timeout("upload".into())),
            }
        }
        Ok(())
    }

    /// Read frames until the document's heads are `heads`.
    pub async fn wait_heads(
        &mut self,
        heads: &[automerge::ChangeHash],
        timeout: Duration,
    ) -> Result<(), LoadError> {
        let until = tokio::time::Instant::now() + timeout;
        while self.doc.heads() != heads {
            match tokio::time::timeout_at(until, self.next_frame(None)).await {
                Ok(Ok(true)) => {}
                Ok(Ok(false)) => return Err(LoadError::Socket("the server closed".into())),
                Ok(Err(e)) => return Err(e),
                Err(_) => return Err(LoadError::Timeout("catch-up".into())),
            }
        }
        Ok(())
    }
}
