//! The wire decoder never panics, and what it accepts re-encodes to a
//! message that decodes the same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use protocol::Message;

fuzz_target!(|data: &[u8]| {
    if let Ok(message) = Message::decode(data) {
        let again = Message::decode(&message.encode()).expect("re-encoded message decodes");
        assert_eq!(again, message);
    }
});
