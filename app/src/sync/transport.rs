//! The WebSocket to the relay: connects, hands binary frames to the owner,
//! and reconnects with exponential backoff (plus jitter) when the socket
//! drops or cannot connect, immediately when the browser comes back online.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::timers::callback::Timeout;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use web_sys::{BinaryType, CloseEvent, Event, MessageEvent, WebSocket};

/// What happened on the socket.
pub enum TransportEvent {
    Open,
    Frame(Vec<u8>),
    Closed,
}

type Handler = Rc<dyn Fn(TransportEvent)>;

/// A self-healing connection to one URL.
#[derive(Clone)]
pub struct Transport {
    inner: Rc<RefCell<Inner>>,
}

struct Inner {
    url: String,
    socket: Option<WebSocket>,
    handler: Handler,
    failures: u32,
    retry: Option<Timeout>,
    // The socket's callbacks live as long as the socket does.
    callbacks: Vec<Closure<dyn FnMut(Event)>>,
    online: Option<Closure<dyn FnMut(Event)>>,
    /// Given up for good (the relay refused this device's token).
    stopped: bool,
}

const MIN_DELAY_MS: u32 = 500;
const MAX_DELAY_MS: u32 = 10_000;

impl Transport {
    /// Start connecting to `url`; `handler` hears about every event.
    pub fn start(url: String, handler: impl Fn(TransportEvent) + 'static) -> Self {
        let t = Transport {
            inner: Rc::new(RefCell::new(Inner {
                url,
                socket: None,
                handler: Rc::new(handler),
                failures: 0,
                retry: None,
                callbacks: Vec::new(),
                online: None,
                stopped: false,
            })),
        };
        t.watch_online();
        t.connect();
        t
    }

    /// Send one binary frame; false when the socket is not open (the sync
    /// engine re-sends what is needed after reconnecting).
    pub fn send(&self, bytes: &[u8]) -> bool {
        let inner = self.inner.borrow();
        match &inner.socket {
            Some(s) if s.ready_state() == WebSocket::OPEN => s.send_with_u8_array(bytes).is_ok(),
            _ => false,
        }
    }

    /// Drop the current socket (e.g. after the relay sent garbage) and
    /// reconnect after the backoff delay.
    pub fn reset(&self) {
        let socket = self.inner.borrow_mut().socket.take();
        if let Some(s) = socket {
            let _ = s.close();
        }
        self.closed();
    }

    /// Close the socket and stop reconnecting.
    pub fn stop(&self) {
        let socket = {
            let mut inner = self.inner.borrow_mut();
            inner.stopped = true;
            inner.retry = None;
            inner.socket.take()
        };
        if let Some(s) = socket {
            let _ = s.close();
        }
        self.emit(TransportEvent::Closed);
    }

    fn connect(&self) {
        if self.inner.borrow().stopped {
            return;
        }
        let url = self.inner.borrow().url.clone();
        let socket = match WebSocket::new(&url) {
            Ok(s) => s,
            Err(_) => {
                self.closed();
                return;
            }
        };
        socket.set_binary_type(BinaryType::Arraybuffer);
        let me = self.clone();
        let on_open = Closure::<dyn FnMut(Event)>::new(move |_: Event| {
            me.inner.borrow_mut().failures = 0;
            me.emit(TransportEvent::Open);
        });
        let me = self.clone();
        let on_message = Closure::<dyn FnMut(Event)>::new(move |e: Event| {
            if let Some(m) = e.dyn_ref::<MessageEvent>() {
                let bytes = js_sys::Uint8Array::new(&m.data()).to_vec();
                me.emit(TransportEvent::Frame(bytes));
            }
        });
        let me = self.clone();
        let this_socket = socket.clone();
        let on_close = Closure::<dyn FnMut(Event)>::new(move |e: Event| {
            let _ = e.dyn_ref::<CloseEvent>();
            // Ignore the close of a socket we already replaced.
            let current = me
                .inner
                .borrow()
                .socket
                .as_ref()
                .is_some_and(|s| s == &this_socket);
            if current {
                me.inner.borrow_mut().socket = None;
                me.closed();
            }
        });
        socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        let mut inner = self.inner.borrow_mut();
        inner.socket = Some(socket);
        inner.callbacks = vec![on_open, on_message, on_close];
    }

    fn closed(&self) {
        self.emit(TransportEvent::Closed);
        if self.inner.borrow().stopped {
            return;
        }
        let delay = {
            let mut inner = self.inner.borrow_mut();
            inner.failures = inner.failures.saturating_add(1);
            let exp = MIN_DELAY_MS.saturating_mul(1 << inner.failures.min(5));
            exp.min(MAX_DELAY_MS) + (js_sys::Math::random() * 250.0) as u32
        };
        self.schedule(delay);
    }

    fn schedule(&self, delay_ms: u32) {
        let me = self.clone();
        let timeout = Timeout::new(delay_ms, move || {
            me.inner.borrow_mut().retry = None;
            if me.inner.borrow().socket.is_none() {
                me.connect();
            }
        });
        self.inner.borrow_mut().retry = Some(timeout);
    }

    /// Reconnect at once when the browser says the network is back.
    fn watch_online(&self) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let me = self.clone();
        let on_online = Closure::<dyn FnMut(Event)>::new(move |_: Event| {
            me.inner.borrow_mut().failures = 0;
            if me.inner.borrow().socket.is_none() {
                me.schedule(0);
            }
        });
        let _ =
            window.add_event_listener_with_callback("online", on_online.as_ref().unchecked_ref());
        self.inner.borrow_mut().online = Some(on_online);
    }

    fn emit(&self, event: TransportEvent) {
        let handler = self.inner.borrow().handler.clone();
        handler(event);
    }
}
