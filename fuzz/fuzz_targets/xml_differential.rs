//! Differential: every XML record the framer hands out is judged well-formed
//! by `postback` exactly when an independent parser (roxmltree) judges it so.
//!
//! Input: byte 0 picks the record size limit (see `common::options`); the
//! rest is the capture. Records decoded from JSON strings or form values and
//! records that are not UTF-8 (roxmltree reads `&str`) are skipped; so are
//! v2 JSON records.
//!
//! Invariants: a record roxmltree accepts is never `malformed-xml` (a
//! well-formed record is never lost); a record `postback` accepts, roxmltree
//! accepts too (nothing malformed is converted as if it were sound).
#![no_main]

mod common;

use std::io;

use libfuzzer_sys::fuzz_target;
use postback::engine::{read_input, Record, RecordKind, Sink};
use postback::finding::Rule;

struct Differential;

impl Sink for Differential {
    fn record(&mut self, record: &Record<'_>) -> io::Result<()> {
        if record.embedding.is_some() || !record.text.starts_with(b"<") {
            return Ok(());
        }
        let Ok(text) = std::str::from_utf8(record.text) else {
            return Ok(());
        };
        let malformed = record
            .findings
            .iter()
            .any(|f| f.finding.rule == Rule::MalformedXml);
        let ours = record.kind == RecordKind::Postback && !malformed;
        let theirs = roxmltree::Document::parse(text).is_ok();
        // A record over the size limit or in a DOCTYPE document is refused
        // whole, well-formed or not; a namespace-prefixed postback is only
        // its start tag, reported unread.
        if matches!(
            record.kind,
            RecordKind::Oversized | RecordKind::Doctype | RecordKind::Prefixed
        ) {
            return Ok(());
        }
        // A postback inside a JSON string that never ends on its line is
        // refused for its carrier (the escapes around it cannot be read),
        // which says nothing about its XML.
        let carrier_broken = record
            .findings
            .iter()
            .any(|f| f.finding.message.starts_with("the JSON string holding a postback"));
        // XML 1.0 reserves processing-instruction targets spelled xml in any
        // case; roxmltree refuses only `<?xml ` and lets `<?XML x?>` pass.
        let reserved_target = record
            .findings
            .iter()
            .any(|f| f.finding.message.contains("is reserved: only the XML declaration"));
        if carrier_broken || reserved_target {
            return Ok(());
        }
        assert!(
            !(theirs && !ours),
            "well-formed record rejected: {text:?}: {:?}",
            record.findings
        );
        assert!(!(ours && !theirs), "malformed record accepted: {text:?}");
        Ok(())
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, capture)) = data.split_first() else {
        return;
    };
    let _ = read_input(
        "fuzz",
        capture,
        &common::options(selector),
        &mut Differential,
    );
});
