//! Arbitrary bytes through both XML readers: the lean scanner of flat
//! postbacks and the quick-xml reference must build the same record and
//! the same findings, or the lean one must decline.
//!
//! Input: byte 0 picks how the rest is read. 0-63: as it is (a record text
//! when it starts with `<POSTBACK`); 64-127: inside `<POSTBACK>` ...
//! `</POSTBACK>`; 128-191: as a capture, every record the engine frames out
//! of it compared; 192-255: inside `<postback>` ... `</postback>`.
//!
//! Invariants: no panic; no record or finding differs between the readers.
#![no_main]

#[path = "../../tests/support/agree.rs"]
mod support;

use libfuzzer_sys::fuzz_target;
use postback::engine::{read_input, Options, Record, Sink};

struct Compare;

impl Sink for Compare {
    fn record(&mut self, record: &Record<'_>) -> std::io::Result<()> {
        if let Ok(text) = std::str::from_utf8(record.text) {
            if let Err(why) = support::agree(text) {
                panic!("{why}");
            }
        }
        Ok(())
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if (128..192).contains(&mode) {
        let _ = read_input("fuzz", rest, &Options::default(), &mut Compare);
        return;
    }
    let Ok(body) = std::str::from_utf8(rest) else {
        return;
    };
    let text = match mode {
        0..=63 => body.to_string(),
        64..=127 => format!("<POSTBACK>{body}</POSTBACK>"),
        _ => format!("<postback>{body}</postback>"),
    };
    if let Err(why) = support::agree(&text) {
        panic!("{why}");
    }
});
