//! Inputs: standard input, files and directories, each opened as a byte
//! stream with a name; gzip is recognised by its magic bytes.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use flate2::bufread::MultiGzDecoder;

/// The name standard input goes by in findings.
pub const STDIN_NAME: &str = "<stdin>";

/// One input to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Stdin,
    File(PathBuf),
}

impl Source {
    /// The name findings carry: the path as given, or `<stdin>`.
    pub fn name(&self) -> String {
        match self {
            Source::Stdin => STDIN_NAME.to_string(),
            Source::File(path) => path.display().to_string(),
        }
    }

    /// Opens the source as a stream of its content, gunzipped if it is gzip.
    pub fn open(&self) -> io::Result<Box<dyn Read + Send>> {
        self.open_sized(None).map(|(reader, _)| reader)
    }

    /// Opens the source; also gives its size when it is known (a plain
    /// file). `counter`, if given, counts the bytes read before gunzip.
    pub fn open_sized(
        &self,
        counter: Option<&Arc<AtomicU64>>,
    ) -> io::Result<(Box<dyn Read + Send>, Option<u64>)> {
        let counter = counter.cloned();
        match self {
            Source::Stdin => {
                let stdin = Counting::new(io::stdin(), counter);
                let (reader, _) = decompress(BufReader::with_capacity(64 * 1024, stdin))
                    .map_err(|e| match e.kind() {
                        // `postback validate < hooks/`: say what would work.
                        io::ErrorKind::IsADirectory => io::Error::new(
                            e.kind(),
                            "standard input is a directory; name it as a PATH to read the files in it",
                        ),
                        _ => e,
                    })?;
                Ok((reader, None))
            }
            Source::File(path) => {
                let file = File::open(path)?;
                let meta = file.metadata()?;
                if meta.is_dir() {
                    return Err(io::Error::other("is a directory"));
                }
                let file = Counting::new(file, counter);
                let (reader, gzip) = decompress(BufReader::with_capacity(64 * 1024, file))?;
                Ok((reader, (!gzip).then_some(meta.len())))
            }
        }
    }

    /// The size on disk, for a progress total (none for stdin).
    pub fn disk_size(&self) -> Option<u64> {
        match self {
            Source::Stdin => None,
            Source::File(path) => std::fs::metadata(path).ok().map(|m| m.len()),
        }
    }
}

/// A reader that adds the bytes it passes on to a shared counter.
struct Counting<R> {
    inner: R,
    counter: Option<Arc<AtomicU64>>,
}

impl<R> Counting<R> {
    fn new(inner: R, counter: Option<Arc<AtomicU64>>) -> Self {
        Counting { inner, counter }
    }
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(counter) = &self.counter {
            counter.fetch_add(n as u64, Ordering::Relaxed);
        }
        Ok(n)
    }
}

/// Peeks at the first bytes: gzip's magic number means a gzip stream
/// (several members, as `cat a.gz b.gz` makes, are read one after another).
fn decompress<R: BufRead + Send + 'static>(
    mut reader: R,
) -> io::Result<(Box<dyn Read + Send>, bool)> {
    let head = loop {
        match reader.fill_buf() {
            Ok(head) => break head,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    };
    if head.starts_with(&[0x1f, 0x8b]) {
        // Inflated on a thread of its own, alongside the framing.
        let inflated = crate::read_ahead::ReadAhead::spawn(MultiGzDecoder::new(reader))?;
        Ok((Box::new(inflated), true))
    } else {
        Ok((Box::new(reader), false))
    }
}

/// A path that could not be turned into inputs.
#[derive(Debug)]
pub struct PathError {
    pub path: PathBuf,
    pub error: io::Error,
}

/// Expands the command line's paths into inputs, in order: no path or `-`
/// is standard input; a directory gives every file below it, sorted by full
/// path in byte order, following symlinks. An entry that cannot be listed (a
/// dangling symlink, an unreadable folder) stands in its place as an error,
/// to be reported while the rest runs.
pub fn expand(paths: &[PathBuf]) -> Vec<Result<Source, PathError>> {
    if paths.is_empty() {
        return vec![Ok(Source::Stdin)];
    }
    let mut inputs = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(Ok(Source::Stdin));
        } else if path.is_dir() {
            walk(path, &mut inputs);
        } else {
            // Files (and paths that turn out not to exist) fail when opened,
            // so their errors appear where they stand.
            inputs.push(Ok(Source::File(path.clone())));
        }
    }
    inputs
}

fn walk(dir: &Path, inputs: &mut Vec<Result<Source, PathError>>) {
    let mut found = Vec::new();
    for entry in walkdir::WalkDir::new(dir).follow_links(true) {
        match entry {
            Ok(entry) if entry.file_type().is_file() => {
                found.push(Ok(Source::File(entry.into_path())))
            }
            Ok(_) => {}
            Err(err) => {
                let path = err.path().unwrap_or(dir).to_path_buf();
                let error = match err.into_io_error() {
                    Some(e) if e.kind() == io::ErrorKind::NotFound => {
                        io::Error::new(io::ErrorKind::NotFound, "dangling symlink")
                    }
                    Some(e) => e,
                    None => io::Error::other("symlink loop"),
                };
                found.push(Err(PathError { path, error }));
            }
        }
    }
    found.sort_by(|a, b| sort_key(a).cmp(sort_key(b)));
    inputs.extend(found);
}

fn sort_key(input: &Result<Source, PathError>) -> &[u8] {
    match input {
        Ok(Source::File(path)) | Err(PathError { path, .. }) => path.as_os_str().as_encoded_bytes(),
        Ok(Source::Stdin) => b"",
    }
}
