//! `postback track` end to end: the hand-made lifecycle capture (one message
//! per case), its summary, JSON, timelines and per-message rows.

mod common;

use common::{exec, exec_stdin, fixture};
use serde_json::Value;

const CAPTURE: &str = "tests/fixtures/track/lifecycle.log";

fn json(args: &[&str]) -> Value {
    let run = exec(args);
    assert_eq!(run.status, 0, "{run}");
    assert_eq!(run.stdout.lines().count(), 1, "one JSON document{run}");
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}{run}"))
}

#[test]
fn summary_for_a_person() {
    let run = exec(&["track", "--color", "never", CAPTURE]);
    assert_eq!(run.status, 0, "{run}");
    insta::assert_snapshot!("lifecycle_summary", run.stdout);
}

#[test]
fn summary_colours_states_as_inspect_does() {
    let run = exec(&["track", "--color", "always", CAPTURE]);
    assert!(run.stdout.contains("\u{1b}[32mdelivered"), "{run}");
    assert!(run.stdout.contains("\u{1b}[31mfailed"), "{run}");
    assert!(run.stdout.contains("\u{1b}[33mpending"), "{run}");
    let plain = exec(&["track", CAPTURE]);
    assert!(
        !plain.stdout.contains('\u{1b}'),
        "no colour in a pipe{plain}"
    );
}

#[test]
fn json_counts_every_case_of_the_capture() {
    let doc = json(&["track", "--format", "json", CAPTURE]);
    insta::assert_snapshot!(
        "lifecycle_json",
        serde_json::to_string_pretty(&doc).unwrap()
    );
    let n = |k: &str| doc[k].as_u64().unwrap();
    assert_eq!(
        n("postbacks"),
        n("tracked") + n("duplicates") + n("untracked")
    );
    assert_eq!(n("duplicates"), 3, "two N201 retries and one N202 retry");
    assert_eq!(n("untracked"), 4, "N003, N211, no TRACKINGID, a cut record");
    assert_eq!(n("with_errors"), 2, "the bad SPID pair is still tracked");
    assert_eq!(n("messages"), 19);
    assert_eq!(n("orphans"), 1);
    assert_eq!(n("conflicts"), 1);
    assert_eq!(n("clock_skew"), 1);
    assert_eq!(n("fallback"), 1);
    assert_eq!(n("stuck"), 1);
    let states = &doc["states"];
    for (state, count) in [
        ("delivered", 10),
        ("failed", 1),
        ("expired", 1),
        ("rejected", 1),
        ("not_supported", 1),
        ("submit_failed", 2),
        ("pending", 3),
    ] {
        assert_eq!(states[state], count, "{state}");
    }
    assert_eq!(doc["delivery_rate"], 10.0 / 16.0);
    let latency = &doc["latency_s"];
    assert_eq!(
        latency["count"], 11,
        "orphan, skew and no-TIMESTAMP finals have none"
    );
    assert_eq!(latency["p50"], 30.0);
    assert_eq!(latency["p90"], 2400.0);
    assert_eq!(latency["max"], 5400.0);
    assert_eq!(doc["by"], "carrier");
    let first = &doc["groups"][0];
    assert_eq!(first["key"], "0001470");
    assert_eq!(first["spid"], "0001470");
    assert_eq!(first["messages"], 14);
}

#[test]
fn offsets_are_read_as_utc_for_latency() {
    // 05:00:00-05:00 and 12:00:45+0200 are 45 s apart.
    let run = exec(&["track", "--id", "s-offsets", "--color", "never", CAPTURE]);
    assert!(run.stdout.contains("delivered in 45s"), "{run}");
    assert!(run.stdout.contains("2024-05-01T10:00:45Z"), "{run}");
}

#[test]
fn breakdowns_by_every_key() {
    let keys = |by: &str| -> Vec<String> {
        json(&["track", "--format", "json", "--by", by, CAPTURE])["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| {
                assert_eq!(g["spid"], Value::Null, "{by}: spid only for carriers");
                g["key"].as_str().unwrap().to_string()
            })
            .collect()
    };
    assert_eq!(keys("country"), ["United States", ""]);
    assert_eq!(keys("from"), ["60856"]);
    let codes = keys("code");
    assert_eq!(codes[0], "SMS_MT N202");
    assert!(codes.contains(&"MMS_MT N202".to_string()), "{codes:?}");
    assert!(codes.contains(&"MMS_MT N502".to_string()), "{codes:?}");
    assert_eq!(keys("day"), ["2024-05-01", "2024-05-04", ""]);
    assert!(keys("hour").contains(&"2024-05-04T11".to_string()));
}

#[test]
fn stuck_after_is_measured_from_the_newest_timestamp() {
    assert_eq!(json(&["track", "--format", "json", CAPTURE])["stuck"], 1);
    let short = json(&["track", "--format", "json", "--stuck-after", "2h", CAPTURE]);
    assert_eq!(short["stuck"], 2, "s-stuck and s-pending (sent 3 h before)");
    let long = json(&["track", "--format", "json", "--stuck-after", "4d", CAPTURE]);
    assert_eq!(long["stuck"], 0);
    let bad = exec(&["track", "--stuck-after", "soon", CAPTURE]);
    assert_eq!(bad.status, 2, "{bad}");
    assert!(bad.stderr.contains("72h"), "{bad}");
}

#[test]
fn timeline_marks_retries_as_duplicates() {
    let run = exec(&["track", "--id", "s-retried", "--color", "never", CAPTURE]);
    assert_eq!(run.status, 0, "{run}");
    insta::assert_snapshot!("timeline_retried", run.stdout);
}

#[test]
fn timeline_shows_one_message_per_family_and_flags() {
    let run = exec(&["track", "--id", "shared-1", "--color", "never", CAPTURE]);
    assert!(
        run.stdout.contains("SMS shared-1 · delivered in 3s"),
        "{run}"
    );
    assert!(run.stdout.contains("MMS shared-1 · pending"), "{run}");
    let conflict = exec(&["track", "--id", "s-conflict", "--color", "never", CAPTURE]);
    assert!(conflict.stdout.contains("delivered in 40m"), "{conflict}");
    assert!(conflict.stdout.contains("conflicting finals"), "{conflict}");
    let none = exec(&["track", "--id", "nope", CAPTURE]);
    assert_eq!(none.stdout, "no postback has TRACKINGID nope\n", "{none}");
}

#[test]
fn payload_text_is_escaped_on_the_terminal() {
    let capture = "<POSTBACK><ORIGIN>SMS_MT</ORIGIN><CODE>N201</CODE><STATUS>Message Sent</STATUS>\
        <TRACKINGID>x&#x9b;31m</TRACKINGID><SPID>00&#x202e;01</SPID>\
        <TIMESTAMP>2024-05-01T10:00:00Z</TIMESTAMP></POSTBACK>\n\
        <POSTBACK><ORIGIN>SMS_MT</ORIGIN><CODE>N201</CODE><STATUS>Message Sent</STATUS>\
        <TRACKINGID>later</TRACKINGID><TIMESTAMP>2024-05-09T10:00:00Z</TIMESTAMP></POSTBACK>";
    let run = exec_stdin(
        &["track", "--color", "never", "--stuck-after", "0s"],
        capture,
    );
    assert!(!run.stdout.contains('\u{9b}'), "{run}");
    assert!(!run.stdout.contains('\u{202e}'), "{run}");
    assert!(run.stdout.contains("x\\u{9b}31m"), "stuck list{run}");
    assert!(run.stdout.contains("00\\u{202e}01"), "{run}");
    let id = exec_stdin(&["track", "--id", "x\u{9b}31m"], capture);
    assert!(id.stdout.contains("SMS x\\u{9b}31m · pending"), "{id}");
}

#[test]
fn messages_csv_has_one_row_per_message() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("messages.csv");
    let run = exec(&["track", "--messages", path.to_str().unwrap(), CAPTURE]);
    assert_eq!(run.status, 0, "{run}");
    let mut reader = csv::Reader::from_path(&path).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header.join(","),
        "tracking_id,family,to,from,spid,carrier,country,sent_at,final_code,final_status,state,\
         final_at,latency_s,postbacks,duplicates,orphan,first_seen"
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 19);
    let find = |id: &str, family: &str| {
        rows.iter()
            .find(|r| &r[0] == id && &r[1] == family)
            .unwrap_or_else(|| panic!("{id} {family}"))
            .clone()
    };
    let retried = find("s-retried", "sms");
    assert_eq!(&retried[5], "AT&T");
    assert_eq!(&retried[7], "2024-05-01T10:00:00Z");
    assert_eq!(&retried[10], "delivered");
    assert_eq!(&retried[12], "7");
    assert_eq!((&retried[13], &retried[14]), ("4", "2"));
    assert_eq!(&retried[16], "tests/fixtures/track/lifecycle.log:3");
    assert_eq!(&find("s-orphan", "sms")[15], "true");
    assert_eq!(&find("m-submit", "mms")[10], "submit_failed");
    assert_eq!(&find("d-ddm", "ddm")[8], "N502");
    // Final messages come as they finish; pending and orphans at the end.
    let tail: Vec<&str> = rows[rows.len() - 4..].iter().map(|r| &r[0]).collect();
    assert_eq!(tail, ["s-stuck", "s-orphan", "s-pending", "shared-1"]);
}

#[test]
fn messages_ndjson_matches_the_csv() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("messages.ndjson");
    let run = exec(&["track", "--messages", path.to_str().unwrap(), CAPTURE]);
    assert_eq!(run.status, 0, "{run}");
    let text = std::fs::read_to_string(&path).unwrap();
    let rows: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 19);
    let skew = rows.iter().find(|r| r["tracking_id"] == "s-skew").unwrap();
    assert_eq!(skew["latency_s"], Value::Null, "clock skew has no latency");
    assert_eq!(skew["state"], "delivered");
    let fallback = rows
        .iter()
        .find(|r| r["tracking_id"] == "m-fallback")
        .unwrap();
    assert_eq!(fallback["family"], "mms");
    assert_eq!(fallback["latency_s"], 30.0);
    assert_eq!(fallback["orphan"], false);
}

#[test]
fn messages_file_needs_a_known_extension() {
    let run = exec(&["track", "--messages", "out.txt", CAPTURE]);
    assert_eq!(run.status, 2, "{run}");
    assert!(run.stderr.contains(".csv or .ndjson"), "{run}");
}

#[test]
fn counts_add_up_on_a_dump_with_invalid_records() {
    for name in [
        "hostile/postbacks-noise.log",
        "track/lifecycle.log",
        "framing/json-lines.log",
    ] {
        let path = fixture(name);
        let path = path.to_str().unwrap();
        let doc = json(&["track", "--format", "json", path]);
        let n = |k: &str| doc[k].as_u64().unwrap();
        assert_eq!(
            n("postbacks"),
            n("tracked") + n("duplicates") + n("untracked"),
            "{name}"
        );
        let states: u64 = doc["states"]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_u64().unwrap())
            .sum();
        assert_eq!(states, n("messages"), "{name}");
        let groups: u64 = doc["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["messages"].as_u64().unwrap())
            .sum();
        assert_eq!(groups, n("messages"), "{name}");
        let validate = exec(&["validate", path]);
        let checked = format!("{} postback", n("postbacks"));
        assert!(validate.stderr.starts_with(&checked), "{name}: {validate}");
    }
}

#[test]
fn json_is_the_same_whatever_the_number_of_jobs() {
    let one = exec(&["track", "--format", "json", "-j", "1", "tests/fixtures"]);
    let three = exec(&["track", "--format", "json", "-j", "3", "tests/fixtures"]);
    assert_eq!(one.stdout, three.stdout);
    let human1 = exec(&["track", "-j", "1", "tests/fixtures"]);
    let human3 = exec(&["track", "-j", "3", "tests/fixtures"]);
    assert_eq!(human1.stdout, human3.stdout);
}

#[test]
fn messages_are_joined_across_dialects() {
    let doc = json(&[
        "track",
        "--format",
        "json",
        "tests/fixtures/track/mixed-dialects.log",
    ]);
    assert_eq!(doc["postbacks"], 4);
    assert_eq!(doc["messages"], 2);
    assert_eq!(doc["states"]["delivered"], 1);
    assert_eq!(doc["states"]["rejected"], 1, "v2 E102 Rejected");
    assert_eq!(doc["latency_s"]["p50"], 9.5);
    assert_eq!(doc["latency_s"]["max"], 60.0);
    assert_eq!(
        doc["groups"][1]["key"], "31026",
        "the lower-case operator-id"
    );
}

#[test]
fn timeline_as_json() {
    let doc = json(&["track", "--id", "s-retried", "--format", "json", CAPTURE]);
    assert_eq!(doc["tracking_id"], "s-retried");
    let message = &doc["messages"][0];
    assert_eq!(message["family"], "sms");
    assert_eq!(message["state"], "delivered");
    assert_eq!(message["latency_s"], 7.0);
    let dups: Vec<bool> = message["postbacks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["duplicate"].as_bool().unwrap())
        .collect();
    assert_eq!(dups, [false, true, true, false, true]);
    assert_eq!(message["postbacks"][0]["line"], 3);
    assert_eq!(message["postbacks"][0]["utc"], "2024-05-01T10:00:00Z");
}
