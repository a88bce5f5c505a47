//! Inputs: standard input, files and directories, each opened as a byte
//! stream with a name; gzip is recognised by its magic bytes.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use flate2::bufread::GzDecoder;

/// The name standard input goes by in findings.
pub const STDIN_NAME: &str = "<stdin>";

/// Where a file name's bytes that are not UTF-8 are carried in its name:
/// byte `b` (always 0x80 or above) as the private-use character U+10FF00 + b,
/// which the terminal output shows as `\xHH` and JSON as `\udcHH`.
const RAW_BYTES: u32 = 0x10_ff00;

/// A path as a name, every byte kept: UTF-8 as it is, other bytes as
/// described at [`RAW_BYTES`].
fn path_name(path: &Path) -> String {
    if let Some(name) = path.to_str() {
        return name.to_string();
    }
    let bytes = path.as_os_str().as_encoded_bytes();
    let mut name = String::with_capacity(bytes.len() + 8);
    for chunk in bytes.utf8_chunks() {
        name.push_str(chunk.valid());
        for &b in chunk.invalid() {
            // RAW_BYTES + 0xff is U+10FFFF at most: always a char.
            name.extend(char::from_u32(RAW_BYTES + u32::from(b)));
        }
    }
    name
}

/// The file-name byte a character of a name stands for, if it stands for one.
pub fn raw_byte(c: char) -> Option<u8> {
    let code = c as u32;
    (RAW_BYTES + 0x80..=RAW_BYTES + 0xff)
        .contains(&code)
        .then(|| (code - RAW_BYTES) as u8)
}

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
            Source::File(path) => path_name(path),
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
/// Other compressions and UTF-16 are refused, saying what the input is.
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
        let inflated = crate::read_ahead::ReadAhead::spawn(GzMembers::new(reader))?;
        return Ok((Box::new(inflated), true));
    }
    if let Some(what) = unread_kind(head) {
        return Err(io::Error::new(io::ErrorKind::InvalidData, what));
    }
    Ok((Box::new(reader), false))
}

/// What an input that is not read is, and what to do instead.
fn unread_kind(head: &[u8]) -> Option<String> {
    const COMPRESSED: [(&[u8], &str, &str); 3] = [
        (&[0x28, 0xb5, 0x2f, 0xfd], "zstd", "zstd -dc"),
        (b"BZh", "bzip2", "bzip2 -dc"),
        (&[0xfd, b'7', b'z', b'X', b'Z', 0], "xz", "xz -dc"),
    ];
    for (magic, name, tool) in COMPRESSED {
        if head.starts_with(magic) {
            return Some(format!(
                "is {name}-compressed and was not read (postback reads text and gzip): \
                 decompress it first, e.g. {tool} FILE | postback ..."
            ));
        }
    }
    let utf16 = match head {
        [0xff, 0xfe, ..] => Some("UTF-16LE"),
        [0xfe, 0xff, ..] => Some("UTF-16BE"),
        _ => None,
    }?;
    Some(format!(
        "is {utf16} text (it starts with a UTF-16 byte order mark) and was not read \
         (postback reads UTF-8): convert it first, e.g. iconv -f UTF-16 -t UTF-8 FILE | postback ..."
    ))
}

/// Bytes after the last gzip member that are not another member: ignored,
/// as gzip does, with a warning. Carried as the read error that ends the
/// input, so that what was decoded is kept and the input counts as read.
#[derive(Debug)]
pub struct TrailingData {
    /// Only zero bytes (block padding, as tape and `dd` leave).
    pub zeros: bool,
}

impl std::fmt::Display for TrailingData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.zeros {
            f.write_str("trailing zero bytes after the gzip data were ignored")
        } else {
            f.write_str("trailing data that is not gzip was ignored after the gzip data")
        }
    }
}

impl std::error::Error for TrailingData {}

/// Whether a read error is only trailing data after gzip: a warning.
pub fn is_trailing_data(err: &io::Error) -> bool {
    err.get_ref().is_some_and(|e| e.is::<TrailingData>())
}

/// gzip members one after another, then (maybe) trailing data.
struct GzMembers<R: BufRead> {
    member: Option<GzDecoder<R>>,
}

impl<R: BufRead> GzMembers<R> {
    fn new(reader: R) -> Self {
        GzMembers {
            member: Some(GzDecoder::new(reader)),
        }
    }
}

impl<R: BufRead> Read for GzMembers<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let Some(member) = &mut self.member else {
                return Ok(0);
            };
            let n = member.read(buf)?;
            if n > 0 || buf.is_empty() {
                return Ok(n);
            }
            // The member ended: another one, the end, or trailing data.
            let Some(mut inner) = self.member.take().map(GzDecoder::into_inner) else {
                return Ok(0);
            };
            let head = inner.fill_buf()?;
            if head.is_empty() {
                return Ok(0);
            }
            if head.starts_with(&[0x1f, 0x8b]) {
                self.member = Some(GzDecoder::new(inner));
                continue;
            }
            let mut zeros = true;
            loop {
                let head = inner.fill_buf()?;
                if head.is_empty() {
                    break;
                }
                zeros &= head.iter().all(|&b| b == 0);
                let len = head.len();
                inner.consume(len);
                if !zeros {
                    break;
                }
            }
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                TrailingData { zeros },
            ));
        }
    }
}

/// A file's identity: its device and inode, the same however it is named
/// (hard links, symlinks, `/proc/self/fd/0`, `dir/../file`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileId {
    dev: u64,
    ino: u64,
}

impl FileId {
    #[cfg(unix)]
    fn from_meta(meta: &std::fs::Metadata) -> Self {
        use std::os::unix::fs::MetadataExt;
        FileId {
            dev: meta.dev(),
            ino: meta.ino(),
        }
    }

    /// The identity of what `path` names (following symlinks), if it exists.
    #[cfg(unix)]
    pub fn of(path: &Path) -> Option<Self> {
        std::fs::metadata(path).ok().map(|m| Self::from_meta(&m))
    }

    #[cfg(not(unix))]
    pub fn of(_: &Path) -> Option<Self> {
        None
    }

    #[cfg(unix)]
    fn of_file(file: &File) -> Option<Self> {
        file.metadata().ok().map(|m| Self::from_meta(&m))
    }

    #[cfg(not(unix))]
    fn of_file(_: &File) -> Option<Self> {
        None
    }
}

/// The identity of what standard input is (a file redirected with `<`).
#[cfg(unix)]
pub fn stdin_id() -> Option<FileId> {
    use std::os::fd::AsFd;
    let fd = io::stdin().as_fd().try_clone_to_owned().ok()?;
    FileId::of_file(&File::from(fd))
}

#[cfg(not(unix))]
pub fn stdin_id() -> Option<FileId> {
    None
}

/// Files this process writes: never read as inputs, even when they sit in
/// a directory being read.
static NEVER_READ: Mutex<Vec<FileId>> = Mutex::new(Vec::new());

/// Keeps `file` (an output being written) out of every directory walk.
pub fn never_read(file: &File) {
    if let Some(id) = FileId::of_file(file) {
        NEVER_READ
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(id);
    }
}

fn is_never_read(path: &Path) -> bool {
    let written = NEVER_READ.lock().unwrap_or_else(|e| e.into_inner());
    !written.is_empty() && FileId::of(path).is_some_and(|id| written.contains(&id))
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
                if !is_never_read(entry.path()) {
                    found.push(Ok(Source::File(entry.into_path())))
                }
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
