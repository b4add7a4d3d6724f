//! The frame reader on any bytes: never panics, never returns a body over
//! its limit, always ends.
#![no_main]
use libfuzzer_sys::fuzz_target;
use peace_lsp::server::transport::{Frame, FrameReader};

fuzz_target!(|data: &[u8]| {
    let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    rt.block_on(async {
        let mut r = FrameReader::new(data, 1000);
        let mut n = 0;
        while let Ok(Some(f)) = r.next().await {
            if let Frame::Body(b) = f {
                assert!(b.len() <= 1000);
            }
            n += 1;
            assert!(n <= data.len() + 1, "the reader does not advance");
        }
    });
});
