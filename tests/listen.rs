//! `postback listen` on real loopback sockets: what it answers, prints and
//! archives, for real clients (replay, Python's http.client, raw TCP).

mod common;
#[path = "support/listener.rs"]
mod listener;

use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use common::{exec, fixture, fixture_text, PROVIDER_EXAMPLES};
use listener::{post, raw, Listener};

fn archive_lines(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).expect("each archive line is JSON"))
        .collect()
}

/// Python's http.client POSTs each file; prints each status.
fn python_post(addr: SocketAddr, files: &[PathBuf]) -> String {
    let script = r#"
import http.client, sys
host, port = sys.argv[1].rsplit(":", 1)
for path in sys.argv[2:]:
    c = http.client.HTTPConnection(host, int(port), timeout=20)
    c.request("POST", "/", body=open(path, "rb").read(), headers={"Content-Type": "application/xml"})
    r = c.getresponse()
    print(r.status, r.read().decode().strip())
    c.close()
"#;
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(addr.to_string())
        .args(files)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn provider_examples_arrive_as_xml_form_and_json_and_are_archived_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("hooks.ndjson");
    let listen = Listener::start(&["--archive", archive.to_str().unwrap()]);
    let files: Vec<PathBuf> = PROVIDER_EXAMPLES.iter().map(|f| fixture(f)).collect();
    let statuses = python_post(listen.addr, &files);
    assert_eq!(
        statuses.lines().filter(|l| *l == "200 OK").count(),
        9,
        "{statuses}"
    );
    for how in ["form", "json"] {
        let mut args = vec!["replay", "--to"];
        let url = listen.url("/");
        args.push(&url);
        args.extend(["--as", how]);
        let paths: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
        args.extend(paths.iter().map(String::as_str));
        let run = exec(&args);
        // The N201 example is not well-formed: it is sent all the same.
        assert_eq!(run.status, 0, "{run}");
        assert_eq!(run.lines().len(), 9, "{run}");
        assert!(run.stderr.contains("9 requests sent"), "{run}");
        assert!(run.stderr.contains("200 x9"), "{run}");
    }
    let (status, stdout, stderr) = listen.stop();
    assert_eq!(status, 0, "{stderr}");
    // A card per postback: 9 raw, 9 forms, 9 JSON bodies (each once malformed).
    assert_eq!(stdout.matches("[v1.3 XML]").count(), 8 * 3, "{stdout}");
    assert_eq!(stdout.matches("malformed-xml").count(), 3, "{stdout}");
    assert!(stdout.contains("N102 ·"), "{stdout}");
    assert!(stdout.contains("malformed-xml"), "{stdout}");
    assert!(
        stderr.contains("27 requests received (27 answered 200, 0 refused): 27 postbacks, 24 valid, 3 with errors"),
        "{stderr}"
    );
    let lines = archive_lines(&archive);
    assert_eq!(lines.len(), 27);
    for (line, file) in lines.iter().zip(&files) {
        assert_eq!(
            line["body"].as_str().unwrap(),
            std::fs::read_to_string(file).unwrap()
        );
        assert_eq!(line["content_type"], "application/xml");
        assert_eq!(line["method"], "POST");
        assert_eq!(line["path"], "/");
        assert!(line["remote"].as_str().unwrap().starts_with("127.0.0.1:"));
        assert!(line["received_at"].as_str().unwrap().ends_with('Z'));
    }
    assert!(lines[9]["body"]
        .as_str()
        .unwrap()
        .starts_with("xml=%3CPOSTBACK%3E%0A"));
    assert_eq!(
        lines[9]["content_type"],
        "application/x-www-form-urlencoded"
    );
    assert!(lines[18]["body"]
        .as_str()
        .unwrap()
        .starts_with("{\"xml\":\"<POSTBACK>\\n"));
    assert_eq!(lines[18]["content_type"], "application/json");
    // The archive is a capture: the same findings as the bodies themselves.
    let run = exec(&["validate", archive.to_str().unwrap()]);
    assert_eq!(run.status, 1, "{run}");
    assert_eq!(run.lines().len(), 3, "{run}");
    // At the body string of archive line 1, and inside it at the provider example's line 7.
    assert!(
        run.stdout
            .contains("hooks.ndjson:1:160: error[malformed-xml]"),
        "{run}"
    );
    assert!(
        run.stdout
            .contains("(line 7, column 14 of the decoded JSON string)"),
        "{run}"
    );
    assert_eq!(
        run.stdout.matches("error[malformed-xml]").count(),
        3,
        "{run}"
    );
    assert!(run.stderr.starts_with("27 postbacks checked"), "{run}");
    let run = exec(&["convert", "--to", "ndjson", archive.to_str().unwrap()]);
    assert_eq!(run.lines().len(), 24, "{run}");
}

/// (rule, code) of every finding, sorted.
fn rules_and_codes(run: &common::Run) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = common::json_findings(run)
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_string(),
                f["code"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    found.sort();
    found
}

#[test]
fn a_capture_replayed_into_listen_round_trips_with_the_same_findings() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("hooks.ndjson");
    let listen = Listener::start(&["--archive", archive.to_str().unwrap(), "-q"]);
    let capture = fixture("convert/mixed.log");
    let url = listen.url("/");
    let run = exec(&["replay", capture.to_str().unwrap(), "--to", &url, "-c", "4"]);
    assert!(run.status == 0, "{run}");
    let (status, _, stderr) = listen.stop();
    assert_eq!(status, 0, "{stderr}");
    let original = exec(&["validate", "--format", "json", capture.to_str().unwrap()]);
    let received = exec(&["validate", "--format", "json", archive.to_str().unwrap()]);
    assert_eq!(
        rules_and_codes(&original),
        rules_and_codes(&received),
        "{original}{received}"
    );
    // And the archive replays as received: request by request, content type kept.
    let second = tempfile::tempdir().unwrap();
    let again = second.path().join("again.ndjson");
    let listen = Listener::start(&["--archive", again.to_str().unwrap(), "-q"]);
    let url = listen.url("/");
    let run = exec(&["replay", archive.to_str().unwrap(), "--to", &url]);
    assert_eq!(run.status, 0, "{run}");
    listen.stop();
    let bodies = |p: &Path| -> Vec<(String, String)> {
        archive_lines(p)
            .iter()
            .map(|l| (l["body"].to_string(), l["content_type"].to_string()))
            .collect()
    };
    assert_eq!(bodies(&archive), bodies(&again));
}

#[test]
fn sigkill_mid_run_loses_no_request_answered_200() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("hooks.ndjson");
    let mut listen = Listener::start(&["--archive", archive.to_str().unwrap(), "-q"]);
    let addr = listen.addr;
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let clients: Vec<_> = (0..4)
        .map(|c| {
            let acknowledged = Arc::clone(&acknowledged);
            thread::spawn(move || {
                for i in 0.. {
                    let marker = format!("c{c}-{i}");
                    let body = format!(
                        "<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE><MMSID>{}</MMSID><!-- {marker} --></POSTBACK>",
                        i + 1
                    );
                    let answer = match TcpStream::connect(addr) {
                        Ok(_) => post(addr, "/", "text/xml", body.as_bytes()),
                        Err(_) => break,
                    };
                    if answer.starts_with("HTTP/1.1 200") {
                        acknowledged.lock().unwrap().push(marker);
                    } else if answer.is_empty() {
                        break;
                    }
                }
            })
        })
        .collect();
    thread::sleep(Duration::from_millis(1500));
    listen.child.kill().unwrap();
    listen.child.wait().unwrap();
    for client in clients {
        let _ = client.join();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() > 10, "{}", acknowledged.len());
    let archived = std::fs::read_to_string(&archive).unwrap();
    for marker in &acknowledged {
        assert!(
            archived.contains(&format!("<!-- {marker} -->")),
            "{marker} was answered 200 but not archived"
        );
    }
    // Every line written is whole and the archive reads as a capture.
    let run = exec(&["validate", archive.to_str().unwrap()]);
    assert_eq!(run.status, 0, "{run}");
}

#[test]
fn refused_requests_get_413_405_404_and_400() {
    let listen = Listener::start(&["--path", "/hooks", "--max-record-size", "1K"]);
    let addr = listen.addr;
    let big = vec![b'x'; 2048];
    assert!(post(addr, "/hooks", "text/xml", &big).starts_with("HTTP/1.1 413"));
    let chunked = raw(
        addr,
        format!(
            "POST /hooks HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n800\r\n{}\r\n0\r\n\r\n",
            "y".repeat(2048)
        )
        .as_bytes(),
    );
    assert!(chunked.starts_with("HTTP/1.1 413"), "{chunked}");
    let get = raw(
        addr,
        b"GET /hooks HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert!(get.starts_with("HTTP/1.1 405"), "{get}");
    assert!(get.to_ascii_lowercase().contains("allow: post"), "{get}");
    assert!(post(addr, "/", "text/xml", b"<POSTBACK/>").starts_with("HTTP/1.1 404"));
    let garbage = raw(addr, b"THIS IS NOT HTTP\r\n\r\n");
    assert!(garbage.starts_with("HTTP/1.1 400"), "{garbage}");
    let no_postback = post(addr, "/hooks", "text/plain", b"hello");
    assert!(no_postback.starts_with("HTTP/1.1 200"), "{no_postback}");
    let (status, _, stderr) = listen.stop();
    assert_eq!(status, 0);
    assert!(stderr.contains("holds no postback"), "{stderr}");
    assert!(stderr.contains("POST /hooks 413"), "{stderr}");
    assert!(stderr.contains("GET /hooks 405"), "{stderr}");
    assert!(stderr.contains("POST / 404"), "{stderr}");
}

#[test]
fn a_slow_client_does_not_block_another() {
    let listen = Listener::start(&[]);
    let addr = listen.addr;
    let body = fixture_text("provider/n202.xml");
    let request = format!(
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let slow = thread::spawn(move || {
        let mut stream = TcpStream::connect(addr).unwrap();
        for byte in request.as_bytes().iter().take(20) {
            stream.write_all(&[*byte]).unwrap();
            thread::sleep(Duration::from_millis(200));
        }
        stream
    });
    thread::sleep(Duration::from_millis(300));
    let started = Instant::now();
    let answer = post(addr, "/", "text/xml", body.as_bytes());
    let fast = started.elapsed();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    // The slow client is still writing its request line when the fast one is answered.
    assert!(
        !slow.is_finished(),
        "the fast request waited for the slow one ({fast:?})"
    );
    let _ = slow.join();
    listen.stop();
}

#[test]
fn a_thousand_idle_connections_are_fine() {
    // The test holds 1,000 sockets too: take what the hard limit allows.
    // SAFETY: getrlimit/setrlimit only read and write the struct passed in.
    unsafe {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 {
            limit.rlim_cur = limit.rlim_max.min(65_536);
            libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
        }
    }
    let listen = Listener::start(&["-q"]);
    let idle: Vec<TcpStream> = (0..1000)
        .map(|_| TcpStream::connect(listen.addr).expect("connects"))
        .collect();
    let body = fixture_text("provider/n101-binary.xml");
    let answer = post(listen.addr, "/", "text/xml", body.as_bytes());
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    drop(idle);
    let (status, stdout, stderr) = listen.stop();
    assert_eq!(status, 0, "{stderr}");
    assert!(stdout.contains("N101 ·"), "{stdout}");
}

#[test]
fn sigterm_finishes_and_prints_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("hooks.ndjson");
    let listen = Listener::start(&["--archive", archive.to_str().unwrap(), "--format", "json"]);
    let samples = exec(&["sample", "--lifecycle", "--count", "3"]);
    let url = listen.url("/");
    let run = common::exec_stdin(&["replay", "--to", &url], samples.stdout.clone());
    assert_eq!(run.status, 0, "{run}");
    let (status, stdout, stderr) = listen.stop();
    assert_eq!(status, 0, "{stderr}");
    assert!(
        stderr.contains("stopping: finishing requests in flight"),
        "{stderr}"
    );
    assert!(
        stderr.contains("6 requests received (6 answered 200, 0 refused): 6 postbacks, 6 valid, 0 with errors; 6 lines appended to"),
        "{stderr}"
    );
    // --format json: one line per postback with its findings and its fields.
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 6);
    assert_eq!(lines[0]["code"], "N201");
    assert_eq!(lines[1]["code"], "N202");
    assert_eq!(lines[0]["valid"], true);
    assert_eq!(lines[0]["findings"], serde_json::json!([]));
    assert_eq!(
        lines[0]["postback"]["TRACKINGID"],
        lines[1]["postback"]["TRACKINGID"]
    );
    assert_eq!(archive_lines(&archive).len(), 6);
    // track and inspect read the archive as a capture: three messages, each delivered.
    let track = exec(&["track", archive.to_str().unwrap()]);
    assert!(
        track
            .stdout
            .starts_with("3 messages from 6 postbacks in 1 input"),
        "{track}"
    );
    let inspect = exec(&["inspect", archive.to_str().unwrap()]);
    assert_eq!(inspect.stdout.matches("N202 · ").count(), 3, "{inspect}");
}

#[test]
fn forwards_after_answering_and_records_failed_forwards_for_replay() {
    let dir = tempfile::tempdir().unwrap();
    // The user's handler: another listen, with its own archive.
    let handled = dir.path().join("handler.ndjson");
    let handler = Listener::start(&[
        "--archive",
        handled.to_str().unwrap(),
        "-q",
        "--path",
        "/app",
    ]);
    let archive = dir.path().join("hooks.ndjson");
    let forward_to = handler.url("/app");
    let listen = Listener::start(&[
        "--archive",
        archive.to_str().unwrap(),
        "--forward-to",
        &forward_to,
    ]);
    let url = listen.url("/");
    let replay = |example: &str| {
        let sent = exec(&["replay", "--to", &url, fixture(example).to_str().unwrap()]);
        assert_eq!(sent.status, 0, "{sent}");
    };
    replay("provider/e101.xml");
    listen.wait_for_stderr("-> http://");
    let (_, _, handler_err) = handler.stop();
    // The handler is gone: the next forward fails and is recorded.
    replay("provider/n003.xml");
    listen.wait_for_stderr("failed after");
    let (status, _, stderr) = listen.stop();
    assert_eq!(status, 0, "{stderr}");
    assert!(stderr.contains(&format!("-> {forward_to} 200")), "{stderr}");
    assert!(stderr.contains("OK"), "{stderr}");
    assert!(stderr.contains("failed after"), "{stderr}");
    assert!(stderr.contains("forwarded 1 ok, 1 failed"), "{stderr}");
    assert!(handler_err.contains("1 request received"), "{handler_err}");
    let forwarded = archive_lines(&handled);
    let lines = archive_lines(&archive);
    // Forwarded exactly as received, with its content type.
    assert_eq!(forwarded[0]["body"], lines[0]["body"]);
    assert_eq!(forwarded[0]["content_type"], "text/xml; charset=utf-8");
    assert!(lines[0]["body"]
        .as_str()
        .unwrap()
        .contains("<CODE>E101</CODE>"));
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(lines[2]["id"], lines[1]["id"]);
    assert!(lines[2]["forward_failed_at"].is_string());
    // The archive still reads as two postbacks, and replay resends only the failed one.
    let run = exec(&["validate", archive.to_str().unwrap()]);
    assert!(run.stderr.starts_with("2 postbacks checked"), "{run}");
    let again = dir.path().join("again.ndjson");
    let handler = Listener::start(&["--archive", again.to_str().unwrap(), "-q"]);
    let url = handler.url("/");
    let run = exec(&[
        "replay",
        archive.to_str().unwrap(),
        "--failed-forwards",
        "--to",
        &url,
    ]);
    assert_eq!(run.status, 0, "{run}");
    handler.stop();
    let resent = archive_lines(&again);
    assert_eq!(resent.len(), 1);
    assert_eq!(resent[0]["body"], lines[1]["body"]);
    assert!(lines[1]["body"]
        .as_str()
        .unwrap()
        .contains("<CODE>N003</CODE>"));
}
