//! Arbitrary bytes as a JSON text: the object walker, the v2 reader, the
//! checks and the JSON writers, without the framer in front.
//!
//! Input: the bytes are the text (a `{` is put in front when it lacks one).
//!
//! Invariants: no panic; the walker's members lie inside the text, keys at
//! a `"`, values where their JSON starts; a text serde_json accepts as an
//! object is read by the walker to the same end; a postback object reads
//! into a v2 record whose fields are the members, in order, each located at
//! its key; its findings lie inside it; converting it (as written and
//! canonical) gives JSON serde_json reads back.
#![no_main]

use libfuzzer_sys::fuzz_target;
use postback::check::check;
use postback::dialect::{v2, Dialect};
use postback::json;
use postback::render::convert::{Format, RecordWriter as _};

fuzz_target!(|data: &[u8]| {
    let mut text = data.to_vec();
    if text.first() != Some(&b'{') {
        text.insert(0, b'{');
    }
    let walked = json::object(&text, 0);
    let whole = serde_json::Deserializer::from_slice(&text)
        .into_iter::<serde_json::Value>()
        .next();
    let (members, end) = match walked {
        Ok(ok) => ok,
        Err((members, failure)) => {
            assert!(failure.at <= text.len());
            for m in &members {
                assert!(m.value_at < text.len() && text[m.key_at] == b'"');
            }
            if let Some(Ok(serde_json::Value::Object(_))) = whole {
                panic!("serde_json reads an object the walker refuses: {failure:?}");
            }
            return;
        }
    };
    assert!(end <= text.len() && text[end - 1] == b'}');
    for m in &members {
        assert_eq!(text[m.key_at], b'"');
        assert_eq!(&text[m.value_at..m.value_at + m.value.len()], m.value.as_bytes());
    }
    if !v2::is_postback(&members) {
        return;
    }
    let Ok(object) = std::str::from_utf8(&text[..end]) else {
        panic!("a walked object is UTF-8");
    };
    let postback = match v2::read(object) {
        Ok(p) => p,
        Err(f) => panic!("a postback object the walker read does not read: {f:?}"),
    };
    assert_eq!(postback.dialect(), Dialect::V2);
    assert_eq!(postback.fields.len(), members.len());
    for (field, member) in postback.fields.iter().zip(&members) {
        assert_eq!(field.at, member.key_at);
    }
    let mut findings = Vec::new();
    check(&postback, &mut findings);
    for f in &findings {
        assert!(f.at < end, "finding {f:?} outside the object");
    }
    if postback::render::convert::too_deep(&postback).is_some() {
        return;
    }
    for canonical in [false, true] {
        let shown = if canonical {
            postback.canonical()
        } else {
            std::borrow::Cow::Borrowed(&postback)
        };
        let mut out = Vec::new();
        {
            let Ok(mut writer) = Format::Ndjson(Default::default()).writer(&mut out) else {
                panic!("a writer over a Vec");
            };
            if writer.write(&shown).is_err() || writer.finish().is_err() {
                panic!("converting a v2 postback failed");
            }
        }
        for line in out.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
            if let Err(e) = serde_json::from_slice::<serde_json::Value>(line) {
                panic!("convert wrote JSON that does not parse: {e}");
            }
        }
    }
});
