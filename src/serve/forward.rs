//! `--forward-to`: each body goes on to the user's own handler after the
//! provider has been answered; its status, latency and first line are
//! reported, and a failure is recorded in the archive for `replay`.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Bytes;
use hyper::header::CONTENT_TYPE;
use hyper::{Request, Uri};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

use super::archive::{Archive, ForwardFailedLine};
use super::console::Console;
use crate::render::terminal::{escape, Paint};

/// The provider gives a webhook 10 seconds; so does the forward.
const TIMEOUT: Duration = Duration::from_secs(10);
/// How much of the handler's answer is read, for its first line.
const ANSWER_PEEK: usize = 64 * 1024;

pub struct Forwarder {
    to: Uri,
    client: Client<HttpConnector, Full<Bytes>>,
    counts: Arc<(AtomicU64, AtomicU64)>,
}

impl Forwarder {
    /// Must be called inside the runtime (the connection pool spawns there).
    pub fn new(to: Uri) -> Self {
        Forwarder {
            to,
            client: Client::builder(TokioExecutor::new()).build_http(),
            counts: Arc::new((AtomicU64::new(0), AtomicU64::new(0))),
        }
    }

    pub fn ok(&self) -> u64 {
        self.counts.0.load(Ordering::Relaxed)
    }

    pub fn failed(&self) -> u64 {
        self.counts.1.load(Ordering::Relaxed)
    }

    /// The forward of one body, to be spawned.
    pub fn send(
        &self,
        body: Bytes,
        content_type: Option<String>,
        id: String,
        archive: Option<Archive>,
        console: Console,
        paint: Paint,
    ) -> impl Future<Output = ()> + Send + 'static {
        let to = self.to.clone();
        let client = self.client.clone();
        let counts = Arc::clone(&self.counts);
        async move {
            let started = Instant::now();
            let mut request = Request::post(to.clone());
            if let Some(content_type) = &content_type {
                request = request.header(CONTENT_TYPE, content_type.as_str());
            }
            let outcome = match request.body(Full::new(body)) {
                Ok(request) => match tokio::time::timeout(TIMEOUT, client.request(request)).await {
                    Ok(Ok(response)) => {
                        let status = response.status();
                        let answer = Limited::new(response.into_body(), ANSWER_PEEK)
                            .collect()
                            .await
                            .map(|b| b.to_bytes())
                            .unwrap_or_default();
                        let first = String::from_utf8_lossy(&answer)
                            .lines()
                            .next()
                            .unwrap_or("")
                            .chars()
                            .take(120)
                            .collect::<String>();
                        Ok((status, first))
                    }
                    Ok(Err(err)) => Err(root_cause(&err)),
                    Err(_) => Err(format!("no answer within {} s", TIMEOUT.as_secs())),
                },
                Err(err) => Err(err.to_string()),
            };
            let ms = started.elapsed().as_secs_f64() * 1000.0;
            let (status, error) = match &outcome {
                Ok((status, first)) if status.is_success() => {
                    counts.0.fetch_add(1, Ordering::Relaxed);
                    console.err(format!(
                        "  -> {to} {} {ms:.1} ms {}",
                        paint.good(status.as_str()),
                        escape(first)
                    ));
                    return;
                }
                Ok((status, first)) => {
                    (Some(status.as_u16()), format!("answered {status}: {first}"))
                }
                Err(err) => (None, err.clone()),
            };
            counts.1.fetch_add(1, Ordering::Relaxed);
            console.err(paint.error(&format!(
                "  -> {to} failed after {ms:.1} ms: {}",
                escape(&error)
            )));
            if let Some(archive) = archive {
                let at = humantime::format_rfc3339_millis(SystemTime::now()).to_string();
                let to = to.to_string();
                let line = ForwardFailedLine {
                    forward_failed_at: &at,
                    id: &id,
                    to: &to,
                    status,
                    error: &error,
                };
                if let Err(err) = archive.append(&line).await {
                    console.err(format!("postback: cannot record the failed forward: {err}"));
                }
            }
        }
    }
}

/// A client error with its innermost cause (`connection refused`, say).
pub fn root_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = err;
    while let Some(next) = cause.source() {
        cause = next;
    }
    format!("{err}: {cause}")
}
