//! Wire messages: one CBOR map per WebSocket binary frame, with the field
//! names the JavaScript automerge-repo uses (`type`, `senderId`, `targetId`,
//! `documentId`, `data`, …). Unknown fields are skipped, so newer peers can
//! add fields; unknown `type`s are an error the caller reports to the peer.

use minicbor::data::{Tag, Type};
use minicbor::{Decoder, Encoder};

use crate::{DecodeError, DocumentId, PeerId};

/// What a peer says about itself in `join` and `peer`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PeerMetadata {
    /// The id of the peer's storage, if it persists documents.
    pub storage_id: Option<String>,
    /// True when the peer will not come back with the same storage.
    pub is_ephemeral: bool,
}

/// Heads a peer has seen for one storage id (`remote-heads-changed`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeadsInfo {
    pub storage_id: String,
    pub heads: Vec<String>,
    pub timestamp: u64,
}

/// Every message of protocol version "1".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// Client → server, first message on a connection.
    Join {
        sender_id: PeerId,
        supported_protocol_versions: Vec<String>,
        peer_metadata: Option<PeerMetadata>,
    },
    /// Server → client, the answer to `join`.
    Peer {
        sender_id: PeerId,
        target_id: PeerId,
        selected_protocol_version: String,
        peer_metadata: Option<PeerMetadata>,
    },
    /// The sender is going away.
    Leave { sender_id: PeerId },
    /// "I don't have this document; please send it" (carries a sync message).
    Request {
        sender_id: PeerId,
        target_id: PeerId,
        document_id: DocumentId,
        data: Vec<u8>,
    },
    /// An automerge sync message for one document.
    Sync {
        sender_id: PeerId,
        target_id: PeerId,
        document_id: DocumentId,
        data: Vec<u8>,
    },
    /// The sender has no such document (or may not say it has).
    DocUnavailable {
        sender_id: PeerId,
        target_id: PeerId,
        document_id: DocumentId,
    },
    /// Presence and other never-stored data about a document.
    Ephemeral {
        sender_id: PeerId,
        target_id: PeerId,
        document_id: DocumentId,
        session_id: String,
        count: u64,
        data: Vec<u8>,
    },
    /// A protocol error; the sender usually closes the connection after it.
    Error {
        sender_id: Option<PeerId>,
        target_id: Option<PeerId>,
        message: String,
    },
    /// Subscribe to / unsubscribe from heads of other storage ids.
    RemoteSubscriptionChange {
        sender_id: PeerId,
        target_id: PeerId,
        add: Vec<String>,
        remove: Vec<String>,
    },
    /// Heads other storages have for a document.
    RemoteHeadsChanged {
        sender_id: PeerId,
        target_id: PeerId,
        document_id: DocumentId,
        new_heads: Vec<HeadsInfo>,
    },
}

impl Message {
    /// The value of the `type` field.
    pub fn kind(&self) -> &'static str {
        match self {
            Message::Join { .. } => "join",
            Message::Peer { .. } => "peer",
            Message::Leave { .. } => "leave",
            Message::Request { .. } => "request",
            Message::Sync { .. } => "sync",
            Message::DocUnavailable { .. } => "doc-unavailable",
            Message::Ephemeral { .. } => "ephemeral",
            Message::Error { .. } => "error",
            Message::RemoteSubscriptionChange { .. } => "remote-subscription-change",
            Message::RemoteHeadsChanged { .. } => "remote-heads-changed",
        }
    }

    /// The peer that sent it, where the message names one.
    pub fn sender_id(&self) -> Option<&PeerId> {
        match self {
            Message::Join { sender_id, .. }
            | Message::Peer { sender_id, .. }
            | Message::Leave { sender_id }
            | Message::Request { sender_id, .. }
            | Message::Sync { sender_id, .. }
            | Message::DocUnavailable { sender_id, .. }
            | Message::Ephemeral { sender_id, .. }
            | Message::RemoteSubscriptionChange { sender_id, .. }
            | Message::RemoteHeadsChanged { sender_id, .. } => Some(sender_id),
            Message::Error { sender_id, .. } => sender_id.as_ref(),
        }
    }

    /// Encode as one CBOR map.
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::new();
        match self {
            Message::Join {
                sender_id,
                supported_protocol_versions,
                peer_metadata,
            } => {
                w.begin(self.kind(), 3 + u64::from(peer_metadata.is_some()));
                w.str("senderId", sender_id.as_str());
                w.strs("supportedProtocolVersions", supported_protocol_versions);
                if let Some(m) = peer_metadata {
                    w.metadata(m);
                }
            }
            Message::Peer {
                sender_id,
                target_id,
                selected_protocol_version,
                peer_metadata,
            } => {
                w.begin(self.kind(), 4 + u64::from(peer_metadata.is_some()));
                w.str("senderId", sender_id.as_str());
                w.str("targetId", target_id.as_str());
                w.str("selectedProtocolVersion", selected_protocol_version);
                if let Some(m) = peer_metadata {
                    w.metadata(m);
                }
            }
            Message::Leave { sender_id } => {
                w.begin(self.kind(), 2);
                w.str("senderId", sender_id.as_str());
            }
            Message::Request {
                sender_id,
                target_id,
                document_id,
                data,
            }
            | Message::Sync {
                sender_id,
                target_id,
                document_id,
                data,
            } => {
                w.begin(self.kind(), 5);
                w.route(sender_id, target_id, document_id);
                w.bytes("data", data);
            }
            Message::DocUnavailable {
                sender_id,
                target_id,
                document_id,
            } => {
                w.begin(self.kind(), 4);
                w.route(sender_id, target_id, document_id);
            }
            Message::Ephemeral {
                sender_id,
                target_id,
                document_id,
                session_id,
                count,
                data,
            } => {
                w.begin(self.kind(), 7);
                w.route(sender_id, target_id, document_id);
                w.str("sessionId", session_id);
                w.u64("count", *count);
                w.bytes("data", data);
            }
            Message::Error {
                sender_id,
                target_id,
                message,
            } => {
                let n = 2 + u64::from(sender_id.is_some()) + u64::from(target_id.is_some());
                w.begin(self.kind(), n);
                if let Some(s) = sender_id {
                    w.str("senderId", s.as_str());
                }
                if let Some(t) = target_id {
                    w.str("targetId", t.as_str());
                }
                w.str("message", message);
            }
            Message::RemoteSubscriptionChange {
                sender_id,
                target_id,
                add,
                remove,
            } => {
                w.begin(self.kind(), 5);
                w.str("senderId", sender_id.as_str());
                w.str("targetId", target_id.as_str());
                w.strs("add", add);
                w.strs("remove", remove);
            }
            Message::RemoteHeadsChanged {
                sender_id,
                target_id,
                document_id,
                new_heads,
            } => {
                w.begin(self.kind(), 5);
                w.route(sender_id, target_id, document_id);
                w.new_heads(new_heads);
            }
        }
        w.finish()
    }

    /// Decode one CBOR map. Never panics, whatever the bytes.
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut d = Decoder::new(bytes);
        let fields = Fields::read(&mut d)?;
        if d.position() != bytes.len() {
            return Err(DecodeError::Trailing(bytes.len() - d.position()));
        }
        fields.into_message()
    }
}

/// Builds a CBOR map. Writing into a `Vec` cannot fail, so the encoder's
/// results carry `Infallible` errors and are dropped.
pub(crate) struct Writer {
    e: Encoder<Vec<u8>>,
}

impl Writer {
    pub(crate) fn new() -> Self {
        Writer {
            e: Encoder::new(Vec::new()),
        }
    }
    fn begin(&mut self, kind: &str, fields: u64) {
        self.map(fields);
        self.str("type", kind);
    }
    pub(crate) fn map(&mut self, fields: u64) {
        let _ = self.e.map(fields);
    }
    pub(crate) fn bool(&mut self, key: &str, value: bool) {
        let _ = self.e.str(key).and_then(|e| e.bool(value));
    }
    /// `key` with a pair of numbers (an array of two).
    pub(crate) fn pair(&mut self, key: &str, a: u64, b: u64) {
        let _ = self
            .e
            .str(key)
            .and_then(|e| e.array(2))
            .and_then(|e| e.u64(a))
            .and_then(|e| e.u64(b));
    }
    pub(crate) fn str(&mut self, key: &str, value: &str) {
        let _ = self.e.str(key).and_then(|e| e.str(value));
    }
    fn bytes(&mut self, key: &str, value: &[u8]) {
        let _ = self.e.str(key).and_then(|e| e.bytes(value));
    }
    fn u64(&mut self, key: &str, value: u64) {
        let _ = self.e.str(key).and_then(|e| e.u64(value));
    }
    fn strs(&mut self, key: &str, values: &[String]) {
        let _ = self.e.str(key).and_then(|e| e.array(values.len() as u64));
        for v in values {
            let _ = self.e.str(v);
        }
    }
    fn route(&mut self, sender: &PeerId, target: &PeerId, doc: &DocumentId) {
        self.str("senderId", sender.as_str());
        self.str("targetId", target.as_str());
        self.str("documentId", &doc.to_string());
    }
    fn metadata(&mut self, m: &PeerMetadata) {
        let _ = self.e.str("peerMetadata");
        let _ = self.e.map(1 + u64::from(m.storage_id.is_some()));
        if let Some(s) = &m.storage_id {
            self.str("storageId", s);
        }
        let _ = self
            .e
            .str("isEphemeral")
            .and_then(|e| e.bool(m.is_ephemeral));
    }
    fn new_heads(&mut self, heads: &[HeadsInfo]) {
        let _ = self
            .e
            .str("newHeads")
            .and_then(|e| e.map(heads.len() as u64));
        for h in heads {
            let _ = self.e.str(&h.storage_id).and_then(|e| e.map(2));
            self.strs("heads", &h.heads);
            self.u64("timestamp", h.timestamp);
        }
    }
    pub(crate) fn finish(self) -> Vec<u8> {
        self.e.into_writer()
    }
}

/// The fields of one message, read before the `type` is known (it need not
/// come first in the map).
#[derive(Default)]
struct Fields {
    kind: Option<String>,
    sender_id: Option<String>,
    target_id: Option<String>,
    document_id: Option<String>,
    data: Option<Vec<u8>>,
    session_id: Option<String>,
    count: Option<u64>,
    message: Option<String>,
    selected_version: Option<String>,
    supported_versions: Option<Vec<String>>,
    peer_metadata: Option<PeerMetadata>,
    add: Option<Vec<String>>,
    remove: Option<Vec<String>>,
    new_heads: Option<Vec<HeadsInfo>>,
}

impl Fields {
    fn read(d: &mut Decoder<'_>) -> Result<Self, DecodeError> {
        let mut f = Fields::default();
        for_each_entry(d, |d, key| {
            match key {
                "type" => f.kind = Some(text(d, key)?),
                "senderId" => f.sender_id = Some(text(d, key)?),
                "targetId" => f.target_id = Some(text(d, key)?),
                "documentId" => f.document_id = Some(document_id_field(d)?),
                "data" => f.data = optional(d, |d| byte_string(d, "data"))?,
                "sessionId" => f.session_id = Some(text(d, key)?),
                "count" => f.count = Some(number(d, key)?),
                "message" => f.message = Some(text(d, key)?),
                "selectedProtocolVersion" => f.selected_version = Some(text(d, key)?),
                "supportedProtocolVersions" => f.supported_versions = Some(texts(d, key)?),
                "peerMetadata" => f.peer_metadata = optional(d, metadata)?,
                "add" => f.add = optional(d, |d| texts(d, "add"))?,
                "remove" => f.remove = optional(d, |d| texts(d, "remove"))?,
                "newHeads" => f.new_heads = Some(new_heads(d)?),
                _ => d.skip()?,
            }
            Ok(())
        })?;
        Ok(f)
    }

    fn into_message(self) -> Result<Message, DecodeError> {
        let kind = self.kind.clone().ok_or(DecodeError::MissingType)?;
        let msg = match kind.as_str() {
            "join" => Message::Join {
                sender_id: self.peer("join", &self.sender_id, "senderId")?,
                supported_protocol_versions: self
                    .supported_versions
                    .clone()
                    .ok_or(missing("join", "supportedProtocolVersions"))?,
                peer_metadata: self.peer_metadata.clone(),
            },
            "peer" => Message::Peer {
                sender_id: self.peer("peer", &self.sender_id, "senderId")?,
                target_id: self.peer("peer", &self.target_id, "targetId")?,
                selected_protocol_version: self
                    .selected_version
                    .clone()
                    .ok_or(missing("peer", "selectedProtocolVersion"))?,
                peer_metadata: self.peer_metadata.clone(),
            },
            "leave" => Message::Leave {
                sender_id: self.peer("leave", &self.sender_id, "senderId")?,
            },
            "request" => Message::Request {
                sender_id: self.peer("request", &self.sender_id, "senderId")?,
                target_id: self.peer("request", &self.target_id, "targetId")?,
                document_id: self.doc("request")?,
                data: self.data.clone().ok_or(missing("request", "data"))?,
            },
            "sync" => Message::Sync {
                sender_id: self.peer("sync", &self.sender_id, "senderId")?,
                target_id: self.peer("sync", &self.target_id, "targetId")?,
                document_id: self.doc("sync")?,
                data: self.data.clone().ok_or(missing("sync", "data"))?,
            },
            "doc-unavailable" => Message::DocUnavailable {
                sender_id: self.peer("doc-unavailable", &self.sender_id, "senderId")?,
                target_id: self.peer("doc-unavailable", &self.target_id, "targetId")?,
                document_id: self.doc("doc-unavailable")?,
            },
            "ephemeral" => Message::Ephemeral {
                sender_id: self.peer("ephemeral", &self.sender_id, "senderId")?,
                target_id: self.peer("ephemeral", &self.target_id, "targetId")?,
                document_id: self.doc("ephemeral")?,
                session_id: self
                    .session_id
                    .clone()
                    .ok_or(missing("ephemeral", "sessionId"))?,
                count: self.count.ok_or(missing("ephemeral", "count"))?,
                data: self.data.clone().ok_or(missing("ephemeral", "data"))?,
            },
            "error" => Message::Error {
                sender_id: self.sender_id.clone().map(PeerId::new),
                target_id: self.target_id.clone().map(PeerId::new),
                message: self.message.clone().ok_or(missing("error", "message"))?,
            },
            "remote-subscription-change" => Message::RemoteSubscriptionChange {
                sender_id: self.peer("remote-subscription-change", &self.sender_id, "senderId")?,
                target_id: self.peer("remote-subscription-change", &self.target_id, "targetId")?,
                add: self.add.clone().unwrap_or_default(),
                remove: self.remove.clone().unwrap_or_default(),
            },
            "remote-heads-changed" => Message::RemoteHeadsChanged {
                sender_id: self.peer("remote-heads-changed", &self.sender_id, "senderId")?,
                target_id: self.peer("remote-heads-changed", &self.target_id, "targetId")?,
                document_id: self.doc("remote-heads-changed")?,
                new_heads: self
                    .new_heads
                    .clone()
                    .ok_or(missing("remote-heads-changed", "newHeads"))?,
            },
            _ => return Err(DecodeError::UnknownType(kind)),
        };
        Ok(msg)
    }

    fn peer(
        &self,
        kind: &'static str,
        value: &Option<String>,
        field: &'static str,
    ) -> Result<PeerId, DecodeError> {
        match value {
            None => Err(missing(kind, field)),
            Some(s) if s.is_empty() => Err(DecodeError::EmptyPeerId),
            Some(s) => Ok(PeerId::new(s.clone())),
        }
    }

    fn doc(&self, kind: &'static str) -> Result<DocumentId, DecodeError> {
        let id = self
            .document_id
            .as_deref()
            .ok_or(missing(kind, "documentId"))?;
        DocumentId::parse(id)
    }
}

fn missing(kind: &'static str, field: &'static str) -> DecodeError {
    DecodeError::MissingField { kind, field }
}

pub(crate) fn wrong(field: &str, found: Type) -> DecodeError {
    DecodeError::WrongType {
        field: field.to_owned(),
        found: found.to_string(),
    }
}

/// Read a map (definite or indefinite length) with string keys, calling `f`
/// with the decoder positioned at each value.
pub(crate) fn for_each_entry<'b>(
    d: &mut Decoder<'b>,
    mut f: impl FnMut(&mut Decoder<'b>, &str) -> Result<(), DecodeError>,
) -> Result<(), DecodeError> {
    let len = match d.datatype()? {
        Type::Map | Type::MapIndef => d.map()?,
        other => return Err(DecodeError::NotAMap(other.to_string())),
    };
    let mut remaining = len;
    loop {
        match remaining {
            Some(0) => return Ok(()),
            Some(n) => remaining = Some(n - 1),
            None if d.datatype()? == Type::Break => {
                d.skip()?;
                return Ok(());
            }
            None => {}
        }
        let key = match d.datatype()? {
            Type::String => d.str()?,
            other => {
                // Non-string keys are not ours: skip key and value.
                let _ = other;
                d.skip()?;
                d.skip()?;
                continue;
            }
        };
        f(d, key)?;
    }
}

pub(crate) fn text(d: &mut Decoder<'_>, field: &str) -> Result<String, DecodeError> {
    match d.datatype()? {
        Type::String => Ok(d.str()?.to_owned()),
        other => Err(wrong(field, other)),
    }
}

fn texts(d: &mut Decoder<'_>, field: &str) -> Result<Vec<String>, DecodeError> {
    let len = match d.datatype()? {
        Type::Array => d.array()?,
        other => return Err(wrong(field, other)),
    };
    let len = len.unwrap_or(0);
    let mut out = Vec::new();
    for _ in 0..len {
        out.push(text(d, field)?);
    }
    Ok(out)
}

/// Byte strings; `cbor-x` may also tag a `Uint8Array` (tag 64).
fn byte_string(d: &mut Decoder<'_>, field: &str) -> Result<Vec<u8>, DecodeError> {
    if d.datatype()? == Type::Tag {
        let tag = d.tag()?;
        if tag != Tag::new(64) {
            return Err(wrong(field, Type::Tag));
        }
    }
    match d.datatype()? {
        Type::Bytes => Ok(d.bytes()?.to_vec()),
        Type::BytesIndef => {
            let mut out = Vec::new();
            for chunk in d.bytes_iter()? {
                out.extend_from_slice(chunk?);
            }
            Ok(out)
        }
        other => Err(wrong(field, other)),
    }
}

/// JavaScript numbers may arrive as floats.
pub(crate) fn number(d: &mut Decoder<'_>, field: &str) -> Result<u64, DecodeError> {
    match d.datatype()? {
        Type::U8 | Type::U16 | Type::U32 | Type::U64 => Ok(d.u64()?),
        Type::F16 | Type::F32 | Type::F64 => {
            let f = d.f64()?;
            if f.is_finite() && f >= 0.0 && f.fract() == 0.0 && f <= u64::MAX as f64 {
                Ok(f as u64)
            } else {
                Err(DecodeError::WrongType {
                    field: field.to_owned(),
                    found: format!("{f}"),
                })
            }
        }
        other => Err(wrong(field, other)),
    }
}

/// `documentId` is a bs58check string; some peers send the raw 16 bytes.
fn document_id_field(d: &mut Decoder<'_>) -> Result<String, DecodeError> {
    match d.datatype()? {
        Type::String => Ok(d.str()?.to_owned()),
        Type::Bytes => {
            let raw = d.bytes()?;
            let bytes: [u8; 16] = raw
                .try_into()
                .map_err(|_| DecodeError::DocumentId(format!("{} raw bytes", raw.len())))?;
            Ok(DocumentId::from_bytes(bytes).to_string())
        }
        other => Err(wrong("documentId", other)),
    }
}

/// `null` and `undefined` mean "absent" (JavaScript sends both).
pub(crate) fn optional<'b, T>(
    d: &mut Decoder<'b>,
    f: impl FnOnce(&mut Decoder<'b>) -> Result<T, DecodeError>,
) -> Result<Option<T>, DecodeError> {
    match d.datatype()? {
        Type::Null | Type::Undefined => {
            d.skip()?;
            Ok(None)
        }
        _ => f(d).map(Some),
    }
}

fn metadata(d: &mut Decoder<'_>) -> Result<PeerMetadata, DecodeError> {
    let mut m = PeerMetadata::default();
    for_each_entry(d, |d, key| {
        match key {
            "storageId" => m.storage_id = optional(d, |d| text(d, "storageId"))?,
            "isEphemeral" => match d.datatype()? {
                Type::Bool => m.is_ephemeral = d.bool()?,
                _ => d.skip()?,
            },
            _ => d.skip()?,
        }
        Ok(())
    })?;
    Ok(m)
}

fn new_heads(d: &mut Decoder<'_>) -> Result<Vec<HeadsInfo>, DecodeError> {
    let mut out = Vec::new();
    for_each_entry(d, |d, storage_id| {
        let mut info = HeadsInfo {
            storage_id: storage_id.to_owned(),
            heads: Vec::new(),
            timestamp: 0,
        };
        for_each_entry(d, |d, key| {
            match key {
                "heads" => info.heads = texts(d, "heads")?,
                "timestamp" => info.timestamp = number(d, "timestamp")?,
                _ => d.skip()?,
            }
            Ok(())
        })?;
        out.push(info);
        Ok(())
    })?;
    Ok(out)
}

#[cfg(test)]
mod tests;
