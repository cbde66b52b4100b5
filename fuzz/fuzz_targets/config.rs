//! The site configuration loader.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = prescreen::config::Config::parse(data);
});
