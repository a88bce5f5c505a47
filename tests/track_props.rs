//! `track` depends only on which postbacks were read: any permutation of
//! them, split across any number of files and read with any number of jobs,
//! gives the same JSON document.

mod common;

use common::postback;
use proptest::prelude::*;

/// One message's life, as generated.
#[derive(Debug, Clone)]
struct Life {
    family: usize,
    sent: bool,
    sent_retries: usize,
    outcome: usize,
    final_retries: usize,
    second_final: Option<(usize, i64)>,
    latency_s: i64,
    spid: usize,
}

const FAMILIES: [(&str, &str, &str); 3] = [
    ("SMS_MT", "N201", "Message Sent"),
    ("MMS_MT", "N101", "Message Sent"),
    ("MMS_MT", "N501", "Message Sent"),
];

/// Final postbacks per family: (CODE, STATUS).
const FINALS: [[(&str, &str); 4]; 3] = [
    [
        ("N202", "Message Sent/Delivered"),
        ("N202", "Message Sent/Failed"),
        ("E202", "Message Sent/Expired"),
        ("E201", "Message Failed"),
    ],
    [
        ("N102", "Message Sent/Delivered"),
        ("E102", "Message Sent/Rejected"),
        ("N202", "Message Sent/Delivered"),
        ("E101", "Message Failed"),
    ],
    [
        ("N502", "Message Sent/Delivered"),
        ("E502", "Message Sent/Expired"),
        ("E502", "Message Sent/NotSupported"),
        ("E501", "Message Failed"),
    ],
];

const SPIDS: [&str; 3] = ["0001470", "0001890", "0001570"];

fn life() -> impl Strategy<Value = Life> {
    (
        0..3usize,
        prop::bool::weighted(0.85),
        0..3usize,
        0..5usize,
        0..3usize,
        prop::option::weighted(0.15, (0..4usize, -600i64..7200)),
        -120i64..5000,
        0..3usize,
    )
        .prop_map(
            |(
                family,
                sent,
                sent_retries,
                outcome,
                final_retries,
                second_final,
                latency_s,
                spid,
            )| Life {
                family,
                sent,
                sent_retries,
                outcome,
                final_retries,
                second_final,
                latency_s,
                spid,
            },
        )
}

fn stamp(seconds: i64) -> String {
    // 2024-05-01T00:00:00Z plus some seconds, written with a -05:00 offset
    // for odd minutes so that offsets are read too.
    let t = 1_714_521_600 + seconds;
    let (days, secs) = (t.div_euclid(86_400), t.rem_euclid(86_400));
    let day = 1 + days - 19_844;
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if m % 2 == 1 && h >= 5 {
        format!("2024-05-{day:02}T{:02}:{m:02}:{s:02}-05:00", h - 5)
    } else {
        format!("2024-05-{day:02}T{h:02}:{m:02}:{s:02}Z")
    }
}

fn postback_xml(origin: &str, code: &str, status: &str, id: &str, at: i64, spid: &str) -> String {
    format!(
        "<POSTBACK><ORIGIN>{origin}</ORIGIN><CODE>{code}</CODE><STATUS>{status}</STATUS>\
         <FROM>60856</FROM><TO>16505550101</TO><TRACKINGID>{id}</TRACKINGID><SPID>{spid}</SPID>\
         <TIMESTAMP>{}</TIMESTAMP></POSTBACK>",
        stamp(at)
    )
}

fn postbacks(lives: &[Life]) -> Vec<String> {
    let mut out = Vec::new();
    for (i, l) in lives.iter().enumerate() {
        let id = format!("m{}", i / 2);
        let (origin, sent_code, sent_status) = FAMILIES[l.family];
        let spid = SPIDS[l.spid];
        let start = (i as i64) * 37;
        if l.sent {
            for _ in 0..=l.sent_retries {
                out.push(postback_xml(
                    origin,
                    sent_code,
                    sent_status,
                    &id,
                    start,
                    spid,
                ));
            }
        }
        if l.outcome < 4 {
            let (code, status) = FINALS[l.family][l.outcome];
            for _ in 0..=l.final_retries {
                out.push(postback_xml(
                    origin,
                    code,
                    status,
                    &id,
                    start + l.latency_s,
                    spid,
                ));
            }
        }
        if let Some((outcome, at)) = l.second_final {
            let (code, status) = FINALS[l.family][outcome];
            out.push(postback_xml(origin, code, status, &id, start + at, spid));
        }
    }
    out.push(
        "<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE><MMSID>1</MMSID></POSTBACK>".into(),
    );
    out.push("noise <POSTBACK><CODE>N201".into());
    out
}

fn track_json(dir: &std::path::Path, jobs: usize) -> String {
    let out = postback()
        .args(["track", "--format", "json", "-j", &jobs.to_string()])
        .arg(dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    String::from_utf8(out.stdout).unwrap()
}

fn write_files(dir: &std::path::Path, records: &[String], cuts: &[usize]) {
    let mut files = vec![String::new(); cuts.len() + 1];
    for (i, r) in records.iter().enumerate() {
        let file = cuts.iter().filter(|c| **c <= i).count();
        files[file].push_str(r);
        files[file].push('\n');
    }
    for (i, text) in files.iter().enumerate() {
        std::fs::write(dir.join(format!("part-{i:02}.log")), text).unwrap();
    }
}

proptest! {
    // Each case runs the binary twice.
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn any_permutation_across_any_files_gives_the_same_json(
        (records, shuffled) in prop::collection::vec(life(), 1..14)
            .prop_map(|lives| postbacks(&lives))
            .prop_flat_map(|records| (Just(records.clone()), Just(records).prop_shuffle())),
        cuts in prop::collection::vec(0usize..40, 0..4),
        jobs in 1usize..4,
    ) {
        let one = tempfile::tempdir().unwrap();
        write_files(one.path(), &records, &[]);
        let baseline = track_json(one.path(), 1);
        let many = tempfile::tempdir().unwrap();
        let mut cuts = cuts;
        cuts.sort_unstable();
        write_files(many.path(), &shuffled, &cuts);
        prop_assert_eq!(track_json(many.path(), jobs), baseline);
    }
}
