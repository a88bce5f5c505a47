//! Known postbacks planted in a random mixture of framings (bare lines,
//! wrappers, log lines, JSON strings raw and `\u003c`-escaped, form values,
//! DOCTYPE-free documents) between noise that cannot form one: every plant is
//! found exactly once, nothing else is found, and the counts add up, however
//! the capture is split into reads.
//!
//! Input: byte 0 seeds the read split; each following byte picks a piece:
//! noise (its low bits pick the text) or a plant in one framing.
#![no_main]

mod common;

use std::io;

use libfuzzer_sys::fuzz_target;
use postback::engine::{read_input, Options, Record, RecordKind, Sink};

#[derive(Default)]
struct Found {
    ids: Vec<u64>,
    other: Vec<String>,
}

impl Sink for Found {
    fn record(&mut self, record: &Record<'_>) -> io::Result<()> {
        match (&record.kind, &record.postback) {
            (RecordKind::Postback, Some(pb)) => match pb.value("MMSID").map(str::parse) {
                Some(Ok(id)) => self.ids.push(id),
                _ => self.other.push(format!("{:?}", String::from_utf8_lossy(record.text))),
            },
            _ => self.other.push(format!(
                "{:?} {:?}: {:?}",
                record.kind,
                String::from_utf8_lossy(record.text),
                record.findings
            )),
        }
        Ok(())
    }
}

const NOISE: [&str; 8] = [
    "2024-05-01T10:00:00Z INFO request done ",
    "\n",
    "\r\n",
    "status=200 path=/hooks/skycore ",
    "<html><body>502</body></html>\n",
    "{\"level\":\"info\",\"msg\":\"ok\"}\n",
    "a=1&b=2 ",
    "caf\u{e9} \u{65e5}\u{672c} ",
];

fn record(id: u64) -> String {
    format!(
        "<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE><MMSID>{id}</MMSID>\
         <STATUSDETAILS>a &amp; b</STATUSDETAILS></POSTBACK>"
    )
}

fn form_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            b' ' => "+".to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The capture and the ids planted in it.
fn build(choices: &[u8]) -> (Vec<u8>, Vec<u64>) {
    let mut out = String::new();
    let mut ids = Vec::new();
    for (i, &c) in choices.iter().enumerate() {
        let id = i as u64 + 1;
        let r = record(id);
        let piece = match c % 16 {
            0..=7 => NOISE[(c >> 4) as usize % NOISE.len()].to_string(),
            8 => format!("{r}\n"),
            9 => format!("<?xml version=\"1.0\"?>\r\n{}\r\n", r.replace("><", ">\r\n  <")),
            10 => format!("<BATCH>\n{r}\n{}\n</BATCH>\n", record(id + 1_000_000)),
            11 => format!("2024 INFO body={r} tail\n"),
            12 => format!("{{\"ts\":\"x\",\"body\":{}}}\n", serde_json::to_string(&r).unwrap()),
            13 => format!(
                "time=1 msg={{\"body\":{}}}\n",
                serde_json::to_string(&r).unwrap().replace('<', "\\u003c")
            ),
            14 => format!("a=1&xml={}&b=2\n", form_encode(&r)),
            _ => format!("<W><![CDATA[not a postback]]>{r}<!-- note --></W>\n"),
        };
        match c % 16 {
            0..=7 => {}
            10 => ids.extend([id, id + 1_000_000]),
            _ => ids.push(id),
        }
        out.push_str(&piece);
    }
    (out.into_bytes(), ids)
}

fuzz_target!(|data: &[u8]| {
    let Some((&seed, choices)) = data.split_first() else {
        return;
    };
    let (capture, mut planted) = build(&choices[..choices.len().min(512)]);
    for split in [None, Some(seed)] {
        let mut found = Found::default();
        let read = match split {
            None => read_input("fuzz", &capture[..], &Options::default(), &mut found),
            Some(s) => read_input(
                "fuzz",
                common::Pieces::new(&capture, s),
                &Options::default(),
                &mut found,
            ),
        }
        .expect("reads from memory");
        assert_eq!(read, capture.len() as u64, "every byte read");
        assert!(found.other.is_empty(), "not planted: {:?}", found.other);
        let mut ids = found.ids;
        ids.sort_unstable();
        planted.sort_unstable();
        assert_eq!(ids, planted, "each plant found once");
    }
});
