//! The arguments of `listen` and `replay`.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::input::InputArgs;
use super::read::FindingFormat;
use super::values::parse_size;

#[derive(Debug, Args)]
pub struct ListenArgs {
    /// Address and port to listen on. Loopback unless another address is given on
    /// purpose (postbacks carry phone numbers). Port 0 picks a free port.
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8080")]
    pub bind: std::net::SocketAddr,

    /// The path postbacks are POSTed to; other paths are answered 404.
    #[arg(long, value_name = "PATH", default_value = "/")]
    pub path: String,

    /// Append every request to FILE as one NDJSON line, flushed before the 200.
    #[arg(long, value_name = "FILE")]
    pub archive: Option<PathBuf>,

    /// Also sync each batch of archive lines to the disk before answering: survives
    /// a power cut, not only a crash (costs latency; see README).
    #[arg(long, requires = "archive")]
    pub fsync: bool,

    /// Send each body on to this URL (http://) after answering, with its content type.
    #[arg(long, value_name = "URL")]
    pub forward_to: Option<String>,

    /// What stdout shows per postback: `human` inspect cards or `json` lines.
    #[arg(long, value_enum, default_value_t = FindingFormat::Human)]
    pub format: FindingFormat,

    /// No line per request on stderr (warnings and the summary still appear).
    #[arg(short, long)]
    pub quiet: bool,

    /// Bodies larger than this are refused with 413 (e.g. 512K, 4M).
    #[arg(long, value_name = "SIZE", default_value = "1M", value_parser = parse_size)]
    pub max_record_size: usize,
}

#[derive(Debug, Args)]
pub struct ReplayArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// The endpoint to POST to (http://).
    #[arg(long, value_name = "URL")]
    pub to: String,

    /// At most N requests a second (default: as fast as the endpoint answers).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub rate: Option<u32>,

    /// Requests in flight at once (connections kept open).
    #[arg(short = 'c', long, value_name = "C", default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..))]
    pub concurrency: u16,

    /// How each postback is sent: as captured, raw XML, a form body, or JSON.
    #[arg(long = "as", value_enum, value_name = "HOW", default_value_t = SendAs::Original)]
    pub send_as: SendAs,

    /// An extra request header, e.g. --header 'Authorization: Bearer x' (repeatable).
    #[arg(long, value_name = "K:V")]
    pub header: Vec<String>,

    /// From a listen archive, only the requests whose forward failed.
    #[arg(long)]
    pub failed_forwards: bool,

    /// No line per response; the summary only.
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SendAs {
    Original,
    Xml,
    Form,
    Json,
}
