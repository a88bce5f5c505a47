//! `postback replay`: POSTs every postback of a capture (or every request of
//! a `listen` archive) to an endpoint, C at a time, at most N a second; a line
//! per response on stdout, counts and latency percentiles on stderr.

use std::collections::BTreeMap;
use std::io::{self, BufReader, IsTerminal, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use hdrhistogram::Histogram;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::header::{HeaderName, HeaderValue, CONTENT_TYPE};
use hyper::{Request, Uri};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use postback::input::expand;
use postback::render::terminal::{escape, Paint};
use postback::serve::forward::root_cause;
use postback::serve::outgoing::{self, Outgoing, SendAs};
use tokio::sync::mpsc;

use super::{check_stdin, Outcome};
use crate::cli::{self, ColorChoice, ReplayArgs};

/// A request that gets no answer in this long counts as a connection error.
const TIMEOUT: Duration = Duration::from_secs(30);

/// Parses an `http://` URL; `https` needs TLS, which these commands leave out.
pub fn http_uri(url: &str) -> Result<Uri> {
    let uri: Uri = url
        .parse()
        .with_context(|| format!("`{url}` is not a URL; write e.g. http://127.0.0.1:3000/hooks"))?;
    match uri.scheme_str() {
        Some("http") if uri.host().is_some() => Ok(uri),
        Some("https") => bail!(
            "`{url}`: https is not supported; send to the handler's plain http:// address \
             (e.g. on 127.0.0.1) or through a local TLS-terminating proxy"
        ),
        _ => bail!("`{url}` is not an http:// URL; write e.g. http://127.0.0.1:3000/hooks"),
    }
}

fn parse_header(text: &str) -> Result<(HeaderName, HeaderValue)> {
    let Some((name, value)) = text.split_once(':') else {
        bail!("--header `{text}` is not K:V; write e.g. --header 'Authorization: Bearer x'");
    };
    let name = HeaderName::from_bytes(name.trim().as_bytes())
        .with_context(|| format!("--header `{text}`: not a header name"))?;
    let value = HeaderValue::from_str(value.trim())
        .with_context(|| format!("--header `{text}`: not a header value"))?;
    Ok((name, value))
}

/// What the responses came to.
#[derive(Default)]
struct Results {
    by_status: BTreeMap<String, u64>,
    failed: u64,
    sent: u64,
    latency: Option<Histogram<u64>>,
}

pub fn run(args: ReplayArgs, color: ColorChoice) -> Result<Outcome> {
    let to = http_uri(&args.to).context("--to")?;
    let headers = args
        .header
        .iter()
        .map(|h| parse_header(h))
        .collect::<Result<Vec<_>>>()?;
    check_stdin(&args.input)?;
    if args.failed_forwards && args.input.paths.is_empty() {
        bail!("--failed-forwards reads the archive twice: give its path, not standard input");
    }
    let send_as = match args.send_as {
        cli::SendAs::Original => SendAs::Original,
        cli::SendAs::Xml => SendAs::Xml,
        cli::SendAs::Form => SendAs::Form,
        cli::SendAs::Json => SendAs::Json,
    };
    let paint_out = Paint::new(color.enabled(io::stdout().is_terminal()));
    let paint_err = Paint::new(color.enabled(io::stderr().is_terminal()));
    let concurrency = usize::from(args.concurrency);
    let (queue, requests) = mpsc::channel::<Outgoing>(concurrency * 64);
    // Inputs are read on their own thread, a bounded queue ahead of the senders.
    let input = args.input.clone();
    let failed_forwards = args.failed_forwards;
    let reader = std::thread::spawn(move || read_all(&input, send_as, failed_forwards, &queue));

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let results = Arc::new(Mutex::new(Results {
        latency: Histogram::new_with_bounds(1, 3_600_000_000, 3).ok(),
        ..Results::default()
    }));
    let started = Instant::now();
    let interrupted = runtime.block_on(send_all(
        requests,
        Sender {
            to,
            headers,
            interval: args.rate.map(|n| Duration::from_secs(1) / n),
            quiet: args.quiet,
            paint: paint_out,
            results: Arc::clone(&results),
        },
        concurrency,
    ));
    let elapsed = started.elapsed();
    // After Ctrl-C the reader may be blocked on its input: it is left behind.
    let (inputs_failed, not_sent) = if interrupted {
        (0, 0)
    } else {
        reader.join().unwrap_or((1, 0))
    };
    let results = std::mem::take(&mut *results.lock().unwrap_or_else(|e| e.into_inner()));
    let mut summary = summary(&results, elapsed, paint_err);
    if interrupted {
        summary.push_str(&paint_err.warning("; interrupted: the rest of the input was not sent"));
    }
    if not_sent > 0 {
        summary.push_str(&paint_err.warning(&format!(
            "; {} not sent: larger than --max-record-size, or an archive line that does not parse",
            super::validate::plural(not_sent, "record")
        )));
    }
    let _ = writeln!(io::stderr(), "{summary}");
    if inputs_failed > 0 {
        Ok(Outcome::Trouble)
    } else if results.failed > 0 {
        Ok(Outcome::Findings)
    } else {
        Ok(Outcome::Clean)
    }
}

/// Reads every input into the queue; returns how many could not be read, and
/// how many records were not sent because they are not postbacks.
fn read_all(
    input: &cli::InputArgs,
    send_as: SendAs,
    failed_forwards: bool,
    queue: &mpsc::Sender<Outgoing>,
) -> (u64, u64) {
    let mut failed = 0;
    let mut not_sent = 0;
    let mut emit = |outgoing: Outgoing| queue.blocking_send(outgoing).is_ok();
    for source in expand(&input.paths) {
        let source = match source {
            Ok(source) => source,
            Err(err) => {
                report(&err.path.display().to_string(), &err.error);
                failed += 1;
                continue;
            }
        };
        let name = source.name();
        let mut read = || -> io::Result<()> {
            let mut reader = BufReader::with_capacity(256 * 1024, source.open()?);
            if !outgoing::is_archive(&mut reader)? {
                if failed_forwards {
                    return Err(io::Error::other(
                        "not a listen archive (--failed-forwards reads only those)",
                    ));
                }
                let skipped =
                    outgoing::postbacks(&name, reader, send_as, input.max_record_size, &mut emit)?;
                not_sent += skipped.unreadable;
                return Ok(());
            }
            let only = if failed_forwards {
                let ids = outgoing::failed_forwards(BufReader::new(source.open()?))?;
                Some(ids)
            } else {
                None
            };
            let skipped = outgoing::archive_requests(
                &name,
                reader,
                send_as,
                only.as_ref(),
                input.max_record_size,
                &mut emit,
            )?;
            not_sent += skipped.unreadable;
            Ok(())
        };
        if let Err(err) = read() {
            report(&name, &err);
            failed += 1;
        }
    }
    (failed, not_sent)
}

fn report(name: &str, err: &io::Error) {
    let _ = writeln!(io::stderr(), "postback: {}: {err}", escape(name));
}

struct Sender {
    to: Uri,
    headers: Vec<(HeaderName, HeaderValue)>,
    /// Time between two requests, for --rate.
    interval: Option<Duration>,
    quiet: bool,
    paint: Paint,
    results: Arc<Mutex<Results>>,
}

/// `concurrency` workers share the queue and one connection pool. Ctrl-C
/// stops taking requests; those in flight finish. Returns whether it came.
async fn send_all(requests: mpsc::Receiver<Outgoing>, sender: Sender, concurrency: usize) -> bool {
    let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(concurrency)
        .build_http();
    let requests = Arc::new(tokio::sync::Mutex::new(requests));
    let sender = Arc::new(sender);
    let next_slot = Arc::new(Mutex::new(tokio::time::Instant::now()));
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..concurrency {
        let (client, requests, sender, next_slot) = (
            client.clone(),
            Arc::clone(&requests),
            Arc::clone(&sender),
            Arc::clone(&next_slot),
        );
        let mut stopped = stopped.clone();
        workers.spawn(async move {
            loop {
                let next = async { requests.lock().await.recv().await };
                let outgoing = tokio::select! {
                    biased;
                    _ = stopped.changed() => break,
                    next = next => match next {
                        Some(outgoing) => outgoing,
                        None => break,
                    },
                };
                if let Some(interval) = sender.interval {
                    let slot = {
                        let mut next = next_slot.lock().unwrap_or_else(|e| e.into_inner());
                        let slot = (*next).max(tokio::time::Instant::now());
                        *next = slot + interval;
                        slot
                    };
                    tokio::time::sleep_until(slot).await;
                }
                sender.send(&client, outgoing).await;
            }
        });
    }
    let mut interrupted = false;
    tokio::select! {
        () = async { while workers.join_next().await.is_some() {} } => {}
        Ok(()) = tokio::signal::ctrl_c() => {
            interrupted = true;
            // Each worker ends after its request in flight.
            let _ = stop.send(true);
            while workers.join_next().await.is_some() {}
        }
    }
    interrupted
}

impl Sender {
    async fn send(
        &self,
        client: &Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>,
        outgoing: Outgoing,
    ) {
        let mut request = Request::post(self.to.clone());
        if let Some(content_type) = &outgoing.content_type {
            request = request.header(CONTENT_TYPE, content_type.as_str());
        }
        for (name, value) in &self.headers {
            request = request.header(name, value);
        }
        let started = Instant::now();
        let outcome = match request.body(Full::new(Bytes::from(outgoing.body))) {
            Err(err) => Err(err.to_string()),
            Ok(request) => match tokio::time::timeout(TIMEOUT, client.request(request)).await {
                Err(_) => Err(format!("no answer within {} s", TIMEOUT.as_secs())),
                Ok(Err(err)) => Err(root_cause(&err)),
                Ok(Ok(response)) => {
                    let status = response.status();
                    // The answer is read whole so the connection can be reused.
                    match response.into_body().collect().await {
                        Ok(_) => Ok(status),
                        Err(err) => Err(format!("answer {status} broke off: {err}")),
                    }
                }
            },
        };
        let elapsed = started.elapsed();
        let micros = u64::try_from(elapsed.as_micros())
            .unwrap_or(u64::MAX)
            .max(1);
        let ms = elapsed.as_secs_f64() * 1000.0;
        let p = self.paint;
        let line = {
            let mut results = self.results.lock().unwrap_or_else(|e| e.into_inner());
            results.sent += 1;
            match &outcome {
                Ok(status) => {
                    *results
                        .by_status
                        .entry(status.as_str().to_string())
                        .or_default() += 1;
                    if !status.is_success() {
                        results.failed += 1;
                    }
                    if let Some(h) = results.latency.as_mut() {
                        let _ = h.record(micros);
                    }
                }
                Err(_) => {
                    *results.by_status.entry("error".to_string()).or_default() += 1;
                    results.failed += 1;
                }
            }
            if self.quiet {
                None
            } else {
                Some(match &outcome {
                    Ok(status) if status.is_success() => format!(
                        "{} {ms:>8.2} ms  {}",
                        p.good(status.as_str()),
                        escape(&outgoing.label)
                    ),
                    Ok(status) => format!(
                        "{} {ms:>8.2} ms  {}",
                        p.error(status.as_str()),
                        escape(&outgoing.label)
                    ),
                    Err(err) => format!(
                        "{} {ms:>8.2} ms  {}: {}",
                        p.error("ERR"),
                        escape(&outgoing.label),
                        escape(err)
                    ),
                })
            }
        };
        if let Some(line) = line {
            // A closed stdout does not stop the replay: the summary still tells.
            let _ = writeln!(io::stdout(), "{line}");
        }
    }
}

fn summary(results: &Results, elapsed: Duration, paint: Paint) -> String {
    let counts: Vec<String> = results
        .by_status
        .iter()
        .map(|(status, n)| format!("{status} x{n}"))
        .collect();
    let secs = elapsed.as_secs_f64();
    let rate = if secs > 0.0 {
        results.sent as f64 / secs
    } else {
        0.0
    };
    let mut text = format!(
        "{} sent in {secs:.2} s ({rate:.0}/s): {}",
        super::validate::plural(results.sent, "request"),
        if counts.is_empty() {
            "nothing to send".to_string()
        } else {
            counts.join(", ")
        }
    );
    if let Some(h) = results.latency.as_ref().filter(|h| !h.is_empty()) {
        let ms = |micros: u64| micros as f64 / 1000.0;
        text.push_str(&format!(
            "; latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            ms(h.value_at_quantile(0.5)),
            ms(h.value_at_quantile(0.99)),
            ms(h.max())
        ));
    }
    if results.failed > 0 {
        paint.error(&text)
    } else {
        paint.good(&text)
    }
}
