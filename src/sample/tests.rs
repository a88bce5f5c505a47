use std::time::{Duration, SystemTime};

use super::*;
use crate::engine::{read_input, Options, Record, RecordKind, Sink};

/// Every record read back, as (kind, code, findings as `rule field`).
#[derive(Default)]
struct Read(Vec<(RecordKind, Option<String>, Vec<String>)>);

impl Sink for Read {
    fn record(&mut self, record: &Record<'_>) -> std::io::Result<()> {
        let findings = record
            .findings
            .iter()
            .map(|f| {
                format!(
                    "{} {:?}: {}",
                    f.finding.rule, f.finding.field, f.finding.message
                )
            })
            .collect();
        self.0
            .push((record.kind, record.code().map(str::to_string), findings));
        Ok(())
    }
}

fn now() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_780_000_000)
}

fn request(target: Target, dialect: Dialect, sequence: u64) -> Request<'static> {
    Request {
        origin: target.origin,
        code: target.code,
        dialect,
        sequence,
        now: now(),
        set: &[],
        unset: &[],
    }
}

fn text(sample: &Sample) -> String {
    let mut out = Vec::new();
    write(&mut out, sample).unwrap();
    String::from_utf8(out).unwrap()
}

fn read_back(text: &str) -> Read {
    let mut read = Read::default();
    read_input("<sample>", text.as_bytes(), &Options::default(), &mut read).unwrap();
    read
}

/// Walks the whole table of a dialect: each sample is one postback with no
/// finding at all, for several sequence numbers (carriers and numbers vary).
fn every_sample_validates(dialect: Dialect) {
    let targets = targets(dialect);
    assert!(!targets.is_empty());
    for target in targets {
        for sequence in [0, 1, 7, 123_456] {
            let sample = make(&request(target, dialect, sequence)).unwrap();
            let written = text(&sample);
            let read = read_back(&written);
            assert_eq!(read.0.len(), 1, "one postback in\n{written}");
            let (kind, code, findings) = &read.0[0];
            assert_eq!(*kind, RecordKind::Postback, "{written}");
            assert_eq!(code.as_deref(), Some(target.code), "{written}");
            assert!(findings.is_empty(), "{findings:#?}\n{written}");
        }
    }
}

#[test]
fn every_v1_sample_validates() {
    every_sample_validates(Dialect::V1);
}

#[test]
fn every_lower_sample_validates() {
    every_sample_validates(Dialect::Lower);
}

#[test]
fn every_v2_sample_validates() {
    every_sample_validates(Dialect::V2);
}

#[test]
fn every_code_with_a_field_set_has_a_v1_sample() {
    let targets = targets(Dialect::V1);
    for set in spec::all_field_sets() {
        assert!(
            targets
                .iter()
                .any(|t| t.origin == set.origin && t.code == set.code),
            "{} {}",
            set.origin,
            set.code
        );
    }
}

#[test]
fn lower_samples_are_mms_only_and_use_lower_names() {
    let targets = targets(Dialect::Lower);
    assert!(targets.iter().all(|t| t.origin.starts_with("MMS_")));
    let n102 = Target {
        origin: "MMS_MT",
        code: "N102",
    };
    let written = text(&make(&request(n102, Dialect::Lower, 3)).unwrap());
    assert!(
        written.contains("<postback>\n  <origin>MMS_MT</origin>"),
        "{written}"
    );
    for name in [
        "<sent-as>MMS</sent-as>",
        "<mms-id>",
        "<tracking-id>",
        "<operator-id>",
        "<handset>",
    ] {
        assert!(written.contains(name), "{name} in {written}");
    }
    assert!(!written.contains("aggregator"), "{written}");
}

#[test]
fn v2_samples_are_json_lines_with_the_v2_vocabulary() {
    let n201 = Target {
        origin: "SMS_MT",
        code: "N201",
    };
    let written = text(&make(&request(n201, Dialect::V2, 0)).unwrap());
    let value: serde_json::Value = serde_json::from_str(&written).unwrap();
    assert_eq!(value["origin"], "SMS_MT");
    assert_eq!(value["status"], "Sent");
    assert_eq!(value["sent-as"], "SMS");
    assert!(value["operator-id"]
        .as_str()
        .is_some_and(|id| id.len() == 7));
    assert!(value["operator-name"].is_string());
    assert_eq!(written.lines().count(), 1);
    let n401 = Target {
        origin: "MMS_MO",
        code: "N401",
    };
    let written = text(&make(&request(n401, Dialect::V2, 0)).unwrap());
    assert!(
        written.contains(r#""content":[{"file":"https://"#),
        "{written}"
    );
    assert!(targets(Dialect::V2).contains(&Target {
        origin: "MMS_MT",
        code: "N103"
    }));
}

#[test]
fn tracking_ids_are_base64_of_the_kind_and_a_number() {
    let n101 = Target {
        origin: "MMS_MT",
        code: "N101",
    };
    let a = make(&request(n101, Dialect::V1, 5)).unwrap();
    let id = |s: &Sample| match &s
        .fields
        .iter()
        .find(|f| f.name == "TRACKINGID")
        .unwrap()
        .value
    {
        Value::Text(t) => t.clone(),
        Value::Files(_) => unreachable!(),
    };
    assert_eq!(
        crate::render::inspect::decode_base64_text(&id(&a)).as_deref(),
        Some("MMS_597005")
    );
    let b = make(&request(n101, Dialect::V1, 6)).unwrap();
    assert_ne!(id(&a), id(&b));
}

#[test]
fn set_and_unset_break_a_sample_on_purpose() {
    let n202 = Target {
        origin: "SMS_MT",
        code: "N202",
    };
    let set = [
        ("STATUS".to_string(), "Delivered".to_string()),
        ("Status".to_string(), "x".to_string()),
    ];
    let unset = ["AGGREGATORID".to_string()];
    let sample = make(&Request {
        set: &set,
        unset: &unset,
        ..request(n202, Dialect::V1, 0)
    })
    .unwrap();
    let read = read_back(&text(&sample));
    let mut rules: Vec<&str> = read.0[0]
        .2
        .iter()
        .map(|f| f.split(' ').next().unwrap())
        .collect();
    rules.sort_unstable();
    assert_eq!(rules, ["bad-status", "missing-field", "unknown-field"]);
    let unset = ["HANDSET".to_string()];
    let err = make(&Request {
        unset: &unset,
        ..request(n202, Dialect::V1, 0)
    })
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the sample has no field `HANDSET` to unset"
    );
}

#[test]
fn setting_sentas_picks_the_matching_variant() {
    let n102 = Target {
        origin: "MMS_MT",
        code: "N102",
    };
    let set = [("SENTAS".to_string(), "SMS".to_string())];
    let sample = make(&Request {
        set: &set,
        ..request(n102, Dialect::V1, 0)
    })
    .unwrap();
    assert!(!sample.fields.iter().any(|f| f.name == "HANDSET"));
    assert!(read_back(&text(&sample)).0[0].2.is_empty());
}

#[test]
fn codes_without_a_field_set_or_origin_are_explained() {
    assert!(matches!(
        origin_for("N202", Dialect::V1),
        Err(SampleError::Ambiguous { .. })
    ));
    assert_eq!(origin_for("N202", Dialect::Lower), Ok("MMS_MT"));
    assert_eq!(origin_for("N201", Dialect::V1), Ok("SMS_MT"));
    let err = make(&request(
        Target {
            origin: "MMS_MT",
            code: "E003",
        },
        Dialect::V1,
        0,
    ))
    .unwrap_err();
    assert!(err
        .to_string()
        .starts_with("MMS_MT E003 has no documented field set"));
    assert!(make(&request(
        Target {
            origin: "SMS_MT",
            code: "N201"
        },
        Dialect::Lower,
        0
    ))
    .is_err());
}

#[test]
fn lifecycles_pair_a_sent_and_a_final_code() {
    assert_eq!(lifecycle("SMS_MT", "N201"), Some(["N201", "N202"]));
    assert_eq!(lifecycle("MMS_MT", "N101"), Some(["N101", "N102"]));
    assert_eq!(lifecycle("MMS_MT", "E102"), Some(["N101", "E102"]));
    assert_eq!(lifecycle("MMS_MT", "N003"), None);
}

#[test]
fn values_are_xml_escaped() {
    let n003 = Target {
        origin: "MMS_MT",
        code: "N003",
    };
    let set = [("MMSID".to_string(), "1 & <2>".to_string())];
    let written = text(
        &make(&Request {
            set: &set,
            ..request(n003, Dialect::V1, 0)
        })
        .unwrap(),
    );
    assert!(
        written.contains("<MMSID>1 &amp; &lt;2&gt;</MMSID>"),
        "{written}"
    );
}
