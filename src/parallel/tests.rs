use super::*;
use std::io::Write;
use std::sync::atomic::AtomicUsize;

const RECORD: &[u8] =
    b"<POSTBACK><ORIGIN>MMS_MT</ORIGIN><CODE>N003</CODE><MMSID>1</MMSID></POSTBACK>\n";

/// Counts records; each output alive adds one to `ALIVE`, so a test can
/// see how many are held at once.
struct Count;

static ALIVE: AtomicUsize = AtomicUsize::new(0);
/// The tests that count outputs run one at a time.
static COUNTING: Mutex<()> = Mutex::new(());
static PEAK: AtomicUsize = AtomicUsize::new(0);

struct Held;

impl Default for Held {
    fn default() -> Self {
        let now = ALIVE.fetch_add(1, Ordering::SeqCst) + 1;
        PEAK.fetch_max(now, Ordering::SeqCst);
        Held
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        ALIVE.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Job for Count {
    type Output = Held;
    fn record(&self, _: &Record<'_>, _: &mut Held) -> io::Result<()> {
        // Slow enough that units pile up if nothing bounds them.
        std::thread::sleep(Duration::from_micros(20));
        Ok(())
    }
}

/// Runs `Count` over one file; returns the records of each output.
fn outputs(path: &std::path::Path, jobs: usize, limits: Limits) -> Vec<u64> {
    let mut records = Vec::new();
    run_within(
        vec![Ok(Source::File(path.to_path_buf()))],
        &Options::default(),
        jobs,
        &Count,
        &mut |event| {
            if let Event::Output { records: n, .. } = event {
                records.push(n);
            }
            Ok(())
        },
        limits,
    )
    .unwrap();
    records
}

/// A small gzip file may inflate to anything: it is cut into batches
/// like a large input, not rendered into one output held whole.
#[test]
fn a_small_gzip_file_is_read_in_batches() {
    let _one_at_a_time = COUNTING.lock();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("small.gz");
    let mut gz = flate2::write::GzEncoder::new(
        std::fs::File::create(&path).unwrap(),
        flate2::Compression::best(),
    );
    let n = 20_000;
    for _ in 0..n {
        gz.write_all(RECORD).unwrap();
    }
    gz.finish().unwrap();
    assert!(std::fs::metadata(&path).unwrap().len() < SMALL_FILE);
    let records = outputs(&path, 2, Limits::DEFAULT);
    assert_eq!(records.iter().sum::<u64>(), n);
    let largest = records.iter().max().copied().unwrap_or(0);
    assert!(
        largest <= (BATCH / 64) as u64,
        "one output held {largest} records"
    );
}

/// What is in flight is bounded in total: more workers do not mean
/// more units held at once.
#[test]
fn in_flight_work_is_bounded_whatever_the_jobs() {
    let _one_at_a_time = COUNTING.lock();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("large.log");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    // 16 batches of 256 KiB.
    let n = 16 * BATCH / RECORD.len();
    for _ in 0..n {
        file.write_all(RECORD).unwrap();
    }
    file.flush().unwrap();
    drop(file);
    let limits = Limits {
        bytes: 4 * BATCH as u64,
        units_per_job: 4,
    };
    PEAK.store(0, Ordering::SeqCst);
    let records = outputs(&path, 64, limits);
    assert_eq!(records.iter().sum::<u64>(), n as u64);
    let peak = PEAK.load(Ordering::SeqCst);
    // Four batches' worth of bytes in flight, plus the one just framed.
    assert!(peak <= 5, "{peak} outputs alive at once with 64 jobs");
}
