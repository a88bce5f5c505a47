//! `listen`: an HTTP/1.1 receiver for postbacks on hyper and tokio. Each body
//! is archived (and flushed) before it is answered 200, read through the same
//! engine as a file, shown, and forwarded to the user's handler afterwards.

pub mod archive;
pub mod console;
pub mod forward;
pub mod outgoing;
pub mod receive;

use std::convert::Infallible;
use std::io::{self, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use base64::Engine;
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderValue, ALLOW, CONTENT_LENGTH, CONTENT_TYPE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode, Uri};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::task::JoinSet;

use crate::render::terminal::{escape, Paint};
use archive::{Archive, Durability, RequestLine};
use console::Console;
use receive::{receive, Counts, Origin, Show};

/// How long requests in flight (and forwards) get to finish after Ctrl-C.
const GRACE: Duration = Duration::from_secs(10);
/// A client gets this long to send its request head (slowloris guard).
const HEAD_TIMEOUT: Duration = Duration::from_secs(30);

/// What `listen` was asked to do.
pub struct Config {
    pub bind: SocketAddr,
    /// The one path postbacks are accepted on.
    pub path: String,
    pub archive: Option<PathBuf>,
    pub durability: Durability,
    pub forward_to: Option<Uri>,
    pub show: Show,
    /// No line per request on stderr.
    pub quiet: bool,
    /// A larger body is refused with 413 (as `--max-record-size` skips a larger record).
    pub max_body: usize,
    /// Colours for stderr.
    pub paint: Paint,
}

/// What a run received, for the summary after shutdown.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    pub requests: u64,
    /// Requests answered 200.
    pub accepted: u64,
    /// Requests answered 4xx or 5xx.
    pub refused: u64,
    /// Bodies answered 200 that held no postback.
    pub empty: u64,
    pub counts: Counts,
    pub forwarded_ok: u64,
    pub forwarded_failed: u64,
    /// Lines written to the archive, when there is one.
    pub archived: Option<(PathBuf, u64)>,
    /// Connections still open when the grace period ended.
    pub abandoned: usize,
}

/// Shared by every request.
struct State {
    config: Config,
    /// Distinguishes this run's request ids from another run's in the same archive.
    run: String,
    archive: Option<Archive>,
    console: Console,
    forward: Option<forward::Forwarder>,
    forwards: Mutex<JoinSet<()>>,
    requests: AtomicU64,
    accepted: AtomicU64,
    refused: AtomicU64,
    empty: AtomicU64,
    counts: Mutex<Counts>,
}

/// Binds, serves until Ctrl-C or SIGTERM, then finishes requests in flight,
/// closes the archive and returns what was received. `out` receives cards or
/// JSON lines, `err` the request lines and notices.
pub fn serve(
    config: Config,
    out: Box<dyn Write + Send>,
    err: Box<dyn Write + Send>,
) -> io::Result<Summary> {
    raise_open_files_limit();
    let listener = std::net::TcpListener::bind(config.bind)
        .map_err(|e| io::Error::new(e.kind(), format!("cannot listen on {}: {e}", config.bind)))?;
    listener.set_nonblocking(true)?;
    let local = listener.local_addr()?;
    let (archive, writer) = match &config.archive {
        Some(path) => {
            let (archive, writer) = Archive::open(path, config.durability).map_err(|e| {
                io::Error::new(
                    e.kind(),
                    format!("cannot open archive {}: {e}", path.display()),
                )
            })?;
            (Some(archive), Some(writer))
        }
        None => (None, None),
    };
    let (console, console_thread) = Console::start(out, err)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("listen")
        .build()?;
    announce(&console, &config, local);
    let run = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis())
        .to_string();
    let forward = config
        .forward_to
        .clone()
        .map(|to| runtime.block_on(async { forward::Forwarder::new(to) }));
    let state = Arc::new(State {
        config,
        run,
        archive,
        console: console.clone(),
        forward,
        forwards: Mutex::new(JoinSet::new()),
        requests: AtomicU64::new(0),
        accepted: AtomicU64::new(0),
        refused: AtomicU64::new(0),
        empty: AtomicU64::new(0),
        counts: Mutex::new(Counts::default()),
    });
    let abandoned = runtime.block_on(accept_until_stopped(listener, Arc::clone(&state)))?;
    // Whatever did not finish in the grace period is dropped with the runtime,
    // so that every archive handle is gone before the archive is closed.
    runtime.shutdown_timeout(Duration::from_secs(1));
    let state = Arc::try_unwrap(state).map_err(|_| io::Error::other("requests still running"))?;
    let mut summary = Summary {
        requests: state.requests.into_inner(),
        accepted: state.accepted.into_inner(),
        refused: state.refused.into_inner(),
        empty: state.empty.into_inner(),
        counts: state.counts.into_inner().unwrap_or_else(|e| e.into_inner()),
        forwarded_ok: state.forward.as_ref().map_or(0, |f| f.ok()),
        forwarded_failed: state.forward.as_ref().map_or(0, |f| f.failed()),
        archived: None,
        abandoned,
    };
    drop(state.archive);
    drop(state.console);
    drop(console);
    console_thread.close();
    if let Some(writer) = writer {
        let path = writer.path.clone();
        summary.archived = Some((path, writer.close()?));
    }
    Ok(summary)
}

/// The address to send to, and a warning when it is not loopback.
fn announce(console: &Console, config: &Config, local: SocketAddr) {
    let paint = config.paint;
    let mut line = format!("listening on http://{local}{}", config.path);
    if let Some(path) = &config.archive {
        line.push_str(&format!(
            ", archiving to {}",
            escape(&path.display().to_string())
        ));
    }
    if let Some(to) = &config.forward_to {
        line.push_str(&format!(", forwarding to {to}"));
    }
    line.push_str(" (Ctrl-C stops)");
    console.err(paint.bold(&line));
    if !local.ip().is_loopback() {
        console.err(paint.warning(&format!(
            "warning: listening on {} is reachable from other machines, and postbacks carry \
             phone numbers; bind 127.0.0.1 unless the provider must reach this machine",
            local.ip()
        )));
    }
}

/// Accepts connections until a signal; then lets requests in flight finish.
/// Returns how many connections were still open after the grace period.
async fn accept_until_stopped(
    listener: std::net::TcpListener,
    state: Arc<State>,
) -> io::Result<usize> {
    let listener = tokio::net::TcpListener::from_std(listener)?;
    let graceful = GracefulShutdown::new();
    let stop = stop_signal();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, remote)) => {
                    let _ = stream.set_nodelay(true);
                    let state = Arc::clone(&state);
                    let service = service_fn(move |req| handle(req, Arc::clone(&state), remote));
                    let conn = http1::Builder::new()
                        .timer(TokioTimer::new())
                        .header_read_timeout(HEAD_TIMEOUT)
                        .serve_connection(TokioIo::new(stream), service);
                    let conn = graceful.watch(conn);
                    tokio::spawn(async move {
                        // A client that breaks off is its own business; the request, if
                        // any, has been answered or was never acknowledged.
                        let _ = conn.await;
                    });
                }
                Err(err) => {
                    // Out of file descriptors, say: wait instead of spinning.
                    state.console.err(format!("postback: cannot accept a connection: {err}"));
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            () = &mut stop => break,
        }
    }
    drop(listener);
    state.console.err(
        state
            .config
            .paint
            .dim("stopping: finishing requests in flight"),
    );
    let deadline = tokio::time::Instant::now() + GRACE;
    let abandoned = match tokio::time::timeout_at(deadline, graceful.shutdown()).await {
        Ok(()) => 0,
        Err(_) => 1,
    };
    let mut forwards = std::mem::take(&mut *lock(&state.forwards));
    while tokio::time::timeout_at(deadline, forwards.join_next())
        .await
        .is_ok_and(|next| next.is_some())
    {}
    Ok(abandoned)
}

/// Resolves on Ctrl-C or SIGTERM.
async fn stop_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut term) => {
                term.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // Nothing panics while holding these locks; a poisoned one still holds good counts.
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

type Reply = Response<Full<Bytes>>;

fn reply(status: StatusCode, text: String) -> Reply {
    let mut response = Response::new(Full::new(Bytes::from(text)));
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

async fn handle(
    req: Request<Incoming>,
    state: Arc<State>,
    remote: SocketAddr,
) -> Result<Reply, Infallible> {
    let started = Instant::now();
    let n = state.requests.fetch_add(1, Ordering::Relaxed) + 1;
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let (response, size, note) = answer(req, &state, n, remote).await;
    let status = response.status();
    if status == StatusCode::OK {
        state.accepted.fetch_add(1, Ordering::Relaxed);
    } else {
        state.refused.fetch_add(1, Ordering::Relaxed);
    }
    if !state.config.quiet {
        let paint = state.config.paint;
        let code = status.as_u16().to_string();
        let code = if status == StatusCode::OK {
            paint.good(&code)
        } else {
            paint.error(&code)
        };
        let time = humantime::format_rfc3339_millis(SystemTime::now()).to_string();
        state.console.err(format!(
            "{} {remote} {method} {} {code} {size} B {:.1} ms{note}",
            paint.dim(time.get(11..23).unwrap_or(&time)),
            escape(&path),
            started.elapsed().as_secs_f64() * 1000.0,
        ));
    }
    Ok(response)
}

/// The response, the body size, and a note for the request line.
async fn answer(
    req: Request<Incoming>,
    state: &State,
    n: u64,
    remote: SocketAddr,
) -> (Reply, usize, String) {
    let config = &state.config;
    if req.uri().path() != config.path {
        let text = format!(
            "no postback endpoint here; postbacks go to {}\n",
            config.path
        );
        return (reply(StatusCode::NOT_FOUND, text), 0, String::new());
    }
    if req.method() != Method::POST {
        let mut response = reply(
            StatusCode::METHOD_NOT_ALLOWED,
            "postbacks are POSTed\n".to_string(),
        );
        response
            .headers_mut()
            .insert(ALLOW, HeaderValue::from_static("POST"));
        return (response, 0, String::new());
    }
    let too_large = || {
        let text = format!(
            "body larger than the {} byte limit (--max-record-size)\n",
            config.max_body
        );
        (
            reply(StatusCode::PAYLOAD_TOO_LARGE, text),
            0,
            " body too large".to_string(),
        )
    };
    let declared = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > config.max_body as u64) {
        return too_large();
    }
    let content_type = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let body = match Limited::new(req.into_body(), config.max_body)
        .collect()
        .await
    {
        Ok(collected) => collected.to_bytes(),
        Err(err) if err.downcast_ref::<LengthLimitError>().is_some() => return too_large(),
        Err(err) => {
            let text = format!("the request body could not be read: {err}\n");
            return (
                reply(StatusCode::BAD_REQUEST, text),
                0,
                " body unreadable".to_string(),
            );
        }
    };
    let size = body.len();
    let received_at = humantime::format_rfc3339_millis(SystemTime::now()).to_string();
    let id = format!("{}-{n}", state.run);
    let remote = remote.to_string();
    let text = std::str::from_utf8(&body).ok();
    if let Some(archive) = &state.archive {
        let encoded = match text {
            Some(_) => None,
            None => Some(base64::engine::general_purpose::STANDARD.encode(&body)),
        };
        let line = RequestLine {
            received_at: &received_at,
            id: &id,
            remote: &remote,
            method: "POST",
            path: &config.path,
            content_type: content_type.as_deref(),
            body: text,
            body_base64: encoded.as_deref(),
        };
        if let Err(err) = archive.append(&line).await {
            // Not acknowledged, so the provider sends it again: nothing is lost.
            state.console.err(config.paint.error(&format!(
                "postback: cannot write the archive: {err}; answered 503 so the provider retries"
            )));
            let text = "the postback could not be stored; send it again later\n".to_string();
            return (
                reply(StatusCode::SERVICE_UNAVAILABLE, text),
                size,
                String::new(),
            );
        }
    }
    let origin = Origin {
        received_at: &received_at,
        id: &id,
        remote: &remote,
    };
    let source = format!("request {n}");
    let (shown, counts) = receive(&body, &source, &origin, config.show, config.max_body);
    lock(&state.counts).add(counts);
    state.console.out(shown);
    let note = match counts.postbacks {
        0 => {
            state.empty.fetch_add(1, Ordering::Relaxed);
            state.console.err(config.paint.warning(&format!(
                "warning: request {n} from {remote} holds no postback (content type {}); \
                 archived and answered 200 so the provider does not retry it",
                escape(content_type.as_deref().unwrap_or("none"))
            )));
            " no postback".to_string()
        }
        1 => String::new(),
        more => format!(" {more} postbacks"),
    };
    if let Some(forwarder) = &state.forward {
        let job = forwarder.send(
            body,
            content_type,
            id,
            state.archive.clone(),
            state.console.clone(),
            config.paint,
        );
        let mut forwards = lock(&state.forwards);
        // Finished forwards are reaped as new ones start: the set stays small.
        while forwards.try_join_next().is_some() {}
        forwards.spawn(job);
    }
    (reply(StatusCode::OK, "OK\n".to_string()), size, note)
}

/// 1,000 idle connections need more descriptors than the usual soft limit of 1,024
/// leaves once files are open: take what the hard limit allows.
fn raise_open_files_limit() {
    #[cfg(unix)]
    // SAFETY: getrlimit/setrlimit only read and write the struct passed in.
    unsafe {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 && limit.rlim_cur < limit.rlim_max
        {
            limit.rlim_cur = limit.rlim_max.min(65_536);
            let _ = libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
        }
    }
}
