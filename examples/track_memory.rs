//! What `postback track` holds per message: reads captures into a tracker
//! and prints how many messages are held in full (in flight) and compact
//! (finished), and the bytes the finished ones' table takes per message.
//!
//!     cargo run --release --example track_memory -- dump.log [more inputs]

use std::io;
use std::sync::Arc;

use postback::engine::{read_input, Options, Record, Sink};
use postback::input::{expand, Source};
use postback::track::observe::sight;
use postback::track::{By, Tracker};

struct Feed(Tracker);

impl Sink for Feed {
    fn record(&mut self, record: &Record<'_>) -> io::Result<()> {
        self.0
            .add(sight(record, &Arc::from(record.source)), &mut ())
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let paths: Vec<std::path::PathBuf> = std::env::args_os().skip(1).map(Into::into).collect();
    let mut feed = Feed(Tracker::new(By::Carrier));
    let inputs = if paths.is_empty() {
        vec![Ok(Source::Stdin)]
    } else {
        expand(&paths)
    };
    for input in inputs {
        let source = input.map_err(|e| e.error)?;
        let name = source.name();
        read_input(&name, source.open()?, &Options::default(), &mut feed)
            .map_err(|_| format!("{name}: could not be read"))?;
    }
    let (flights, done) = feed.0.held();
    let bytes = feed.0.done_bytes();
    println!("postbacks            {}", feed.0.counts().postbacks);
    println!("messages in flight   {flights}");
    println!("finished, compact    {done}");
    println!("finished table bytes {bytes}");
    if done > 0 {
        println!("bytes per finished   {:.1}", bytes as f64 / done as f64);
    }
    Ok(())
}
