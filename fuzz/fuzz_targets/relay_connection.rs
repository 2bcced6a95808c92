//! One relay connection fed arbitrary frames (split at 0xFF 0xFF 0xFF 0xFF)
//! as an editor and as a viewer: it never panics, whatever arrives.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sync_server::replay::Target;

fuzz_target!(|data: &[u8]| {
    let frames = sync_server::replay::split_frames(data);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let target = Target::new().expect("target");
        target.feed(&frames).await;
    });
});
