//! `postback replay` against real loopback endpoints: what it prints and
//! how it exits.

mod common;
#[path = "support/listener.rs"]
mod listener;

use std::net::TcpListener;
use std::process::Command;
use std::time::Instant;

use common::{exec, exec_stdin, fixture};
use listener::Listener;

#[test]
fn each_response_gets_a_line_and_the_summary_has_counts_and_percentiles() {
    let listen = Listener::start(&["-q"]);
    let url = listen.url("/");
    let samples = exec(&["sample", "N101", "--count", "3"]);
    let run = exec_stdin(&["replay", "--to", &url, "-c", "2"], samples.stdout.clone());
    assert_eq!(run.status, 0, "{run}");
    assert_eq!(run.lines().len(), 3, "{run}");
    for line in run.lines() {
        assert!(line.starts_with("200 "), "{run}");
        assert!(line.contains(" ms  <stdin>:"), "{run}");
        assert!(line.ends_with(" N101"), "{run}");
    }
    assert!(run.stderr.contains("3 requests sent in "), "{run}");
    assert!(run.stderr.contains(": 200 x3; latency p50 "), "{run}");
    assert!(run.stderr.contains(" ms, p99 "), "{run}");
    listen.stop();
}

#[test]
fn a_non_2xx_answer_exits_1() {
    let listen = Listener::start(&["-q", "--path", "/hooks"]);
    let url = listen.url("/elsewhere");
    let run = exec(&[
        "replay",
        "--to",
        &url,
        fixture("provider/n202.xml").to_str().unwrap(),
    ]);
    assert_eq!(run.status, 1, "{run}");
    assert!(run.stdout.starts_with("404 "), "{run}");
    assert!(run.stderr.contains("404 x1"), "{run}");
    listen.stop();
}

#[test]
fn a_connection_error_exits_1_and_says_why() {
    // A port that was free a moment ago: nothing listens there.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/");
    let run = exec(&[
        "replay",
        "--to",
        &url,
        fixture("provider/n202.xml").to_str().unwrap(),
    ]);
    assert_eq!(run.status, 1, "{run}");
    assert!(run.stdout.starts_with("ERR "), "{run}");
    assert!(
        run.stdout.to_lowercase().contains("connection refused"),
        "{run}"
    );
    assert!(run.stderr.contains("error x1"), "{run}");
}

#[test]
fn an_unreadable_input_exits_2_and_the_others_are_still_sent() {
    let listen = Listener::start(&["-q"]);
    let url = listen.url("/");
    let run = exec(&[
        "replay",
        "--to",
        &url,
        "no/such/file.log",
        fixture("provider/n202.xml").to_str().unwrap(),
    ]);
    assert_eq!(run.status, 2, "{run}");
    assert!(run.stderr.contains("no/such/file.log"), "{run}");
    assert!(run.stderr.contains("1 request sent"), "{run}");
    listen.stop();
}

#[test]
fn rate_spaces_the_requests() {
    let listen = Listener::start(&["-q"]);
    let url = listen.url("/");
    let samples = exec(&["sample", "N201", "--count", "5"]);
    let started = Instant::now();
    let run = exec_stdin(
        &["replay", "--to", &url, "--rate", "20", "-c", "4"],
        samples.stdout.clone(),
    );
    assert_eq!(run.status, 0, "{run}");
    // Five requests at 20 a second: the last leaves 200 ms after the first.
    assert!(
        started.elapsed().as_millis() >= 200,
        "{:?}",
        started.elapsed()
    );
    listen.stop();
}

#[test]
fn headers_are_sent_as_given() {
    // A one-request server that prints the header it was sent.
    let script = r#"
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        print(self.headers.get("Authorization"), self.headers.get("Content-Type"), flush=True)
        self.send_response(204); self.end_headers()
    def log_message(self, *a): pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.handle_request()
"#;
    let mut server = Command::new("python3")
        .args(["-c", script])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = std::io::BufReader::new(server.stdout.take().unwrap());
    let mut port = String::new();
    std::io::BufRead::read_line(&mut out, &mut port).unwrap();
    let url = format!("http://127.0.0.1:{}/", port.trim());
    let run = exec(&[
        "replay",
        "--to",
        &url,
        "--header",
        "Authorization: Bearer s3cret",
        "--as",
        "form",
        fixture("provider/n202.xml").to_str().unwrap(),
    ]);
    assert_eq!(run.status, 0, "{run}");
    assert!(run.stdout.starts_with("204 "), "{run}");
    let mut seen = String::new();
    std::io::BufRead::read_line(&mut out, &mut seen).unwrap();
    assert_eq!(
        seen.trim(),
        "Bearer s3cret application/x-www-form-urlencoded"
    );
    let _ = server.wait();
}

#[test]
fn bad_arguments_exit_2_with_what_to_do() {
    let run = exec(&["replay", "--to", "https://example.com/", "x.log"]);
    assert_eq!(run.status, 2, "{run}");
    assert!(run.stderr.contains("https is not supported"), "{run}");
    let run = exec(&[
        "replay",
        "--to",
        "http://127.0.0.1:9/",
        "--header",
        "nocolon",
        "x.log",
    ]);
    assert_eq!(run.status, 2, "{run}");
    assert!(run.stderr.contains("is not K:V"), "{run}");
}
