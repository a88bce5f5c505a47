//! Output files that cannot hurt the inputs or the last good output.
//!
//! An output is never one of the inputs: it is compared by device and inode
//! with every input file (those found in directories too, and standard input),
//! before anything is opened for writing. A regular file is written to a
//! temporary file beside it and renamed into place only when the run ends
//! well, so a failed or interrupted run leaves the previous file as it was;
//! the files this process writes are never read as inputs. Standard output
//! closed when the program started (`>&-`) is an error, not a silent discard.

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use anyhow::{bail, Context, Result};
use postback::input::{self, FileId, Source};
use postback::render::snippet::DEFAULT_WIDTH;
use postback::render::terminal::escape;

static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Runs before `main`, before the standard library opens `/dev/null` on
/// standard descriptors that are closed (after which `>&-` could not be told
/// from `> /dev/null`).
#[cfg(target_os = "linux")]
#[used]
#[link_section = ".init_array"]
static NOTE_CLOSED_STDOUT: extern "C" fn() = note_closed_stdout;

#[cfg(target_os = "linux")]
extern "C" fn note_closed_stdout() {
    // SAFETY: F_GETFD only reads the descriptor's flags; it touches no memory.
    let closed = unsafe { libc::fcntl(1, libc::F_GETFD) } == -1;
    STDOUT_CLOSED.store(closed, Ordering::Relaxed);
}

/// Whether standard output was closed when the program started.
pub fn stdout_closed() -> bool {
    STDOUT_CLOSED.load(Ordering::Relaxed)
}

/// The width of the terminal on descriptor `fd` in columns: `COLUMNS` when
/// set (as for a test, or a shell that exports it), else what the terminal
/// says, else [`DEFAULT_WIDTH`].
pub fn terminal_width(fd: i32) -> usize {
    let from_env = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&c| c > 0);
    if let Some(columns) = from_env {
        return columns;
    }
    #[cfg(unix)]
    {
        let mut size = libc::winsize {
            ws_row: 0,
            ws_col: 0,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        // SAFETY: TIOCGWINSZ writes one winsize into `size`, which outlives the call.
        let ok = unsafe { libc::ioctl(fd, libc::TIOCGWINSZ, &mut size) } == 0;
        if ok && size.ws_col > 0 {
            return usize::from(size.ws_col);
        }
    }
    DEFAULT_WIDTH
}

/// Standard output that was closed: every write fails, saying so.
pub struct ClosedStdout;

impl Write for ClosedStdout {
    fn write(&mut self, _: &[u8]) -> io::Result<usize> {
        Err(closed_error())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn closed_error() -> io::Error {
    io::Error::other(
        "standard output is closed; redirect it to a file (or to /dev/null to discard it)",
    )
}

/// Refuses to run when the data would go to a closed standard output.
pub fn check_stdout_open() -> Result<()> {
    if stdout_closed() {
        return Err(anyhow::Error::new(closed_error()).context("cannot write output"));
    }
    Ok(())
}

/// Every input's identity, with the name it goes by.
fn input_ids(paths: &[PathBuf]) -> Vec<(FileId, String)> {
    let mut ids = Vec::new();
    for source in input::expand(paths).into_iter().flatten() {
        let id = match &source {
            Source::Stdin => input::stdin_id(),
            Source::File(path) => FileId::of(path),
        };
        if let Some(id) = id {
            ids.push((id, source.name()));
        }
    }
    // A directory named as an input cannot be an output either.
    for path in paths.iter().filter(|p| p.is_dir()) {
        if let Some(id) = FileId::of(path) {
            ids.push((id, path.display().to_string()));
        }
    }
    ids
}

/// Refuses outputs that are inputs or the same file twice, by identity:
/// `outputs` are (flag, path) pairs; `-` (standard output) is not checked.
pub fn check_outputs(outputs: &[(&str, &Path)], inputs: &[PathBuf]) -> Result<()> {
    let outputs: Vec<_> = outputs
        .iter()
        .filter(|(_, path)| path.as_os_str() != "-")
        .collect();
    if outputs.is_empty() {
        return Ok(());
    }
    let ids = input_ids(inputs);
    for (i, (flag, path)) in outputs.iter().enumerate() {
        let shown = escape(&path.display().to_string()).into_owned();
        let Some(id) = FileId::of(path) else {
            // Not there yet: only the other output could be the same file.
            if outputs[..i].iter().any(|(_, other)| other == path) {
                bail!(
                    "{} and {flag} name the same file; give them different files",
                    outputs[0].0
                );
            }
            continue;
        };
        if let Some((_, name)) = ids.iter().find(|(input, _)| *input == id) {
            let name = escape(name);
            if name == shown {
                bail!("{flag} {shown} is also an input: writing it would destroy it before it is read");
            }
            bail!(
                "{flag} {shown} is the input {name}: writing it would destroy it before it is read"
            );
        }
        if outputs[..i]
            .iter()
            .any(|(_, other)| FileId::of(other) == Some(id))
        {
            bail!(
                "{} and {flag} name the same file; give them different files",
                outputs[0].0
            );
        }
    }
    Ok(())
}

/// Refuses `-` where only a file makes sense.
pub fn refuse_dash(flag: &str, path: &Path, why: &str) -> Result<()> {
    if path.as_os_str() == "-" {
        bail!("{flag} - is not accepted: {why}");
    }
    Ok(())
}

/// An output file written whole or not at all.
///
/// A regular file (or one that does not exist yet) is written to a temporary
/// file in its directory, renamed over it by [`OutputFile::commit`]; dropped
/// without a commit, the temporary file is removed and the previous file is
/// left as it was. Anything else (`/dev/null`, a FIFO) is written directly.
pub struct OutputFile {
    file: File,
    /// What the user named, for messages.
    shown: String,
    /// The temporary file and where it goes, for a regular file.
    rename: Option<(PathBuf, PathBuf)>,
}

impl OutputFile {
    pub fn create(path: &Path) -> Result<Self> {
        let shown = escape(&path.display().to_string()).into_owned();
        let meta = fs::metadata(path).ok();
        if meta.as_ref().is_some_and(|m| !m.is_file()) {
            let file = OpenOptions::new()
                .write(true)
                .open(path)
                .with_context(|| format!("cannot open {shown}"))?;
            return Ok(OutputFile {
                file,
                shown,
                rename: None,
            });
        }
        // Through a symlink, the file it names is replaced, not the link.
        let target = match &meta {
            Some(_) => fs::canonicalize(path).with_context(|| format!("cannot open {shown}"))?,
            None => path.to_path_buf(),
        };
        let (tmp, file) = create_temporary(&target).with_context(|| {
            format!("cannot create a temporary file beside {shown} to write it")
        })?;
        if let Some(meta) = &meta {
            // The new file keeps the old one's permissions.
            let _ = fs::set_permissions(&tmp, meta.permissions());
        }
        input::never_read(&file);
        Ok(OutputFile {
            file,
            shown,
            rename: Some((tmp, target)),
        })
    }

    /// Puts the written file in place of the previous one.
    pub fn commit(mut self) -> Result<()> {
        self.file
            .sync_all()
            .or_else(|e| {
                if self.rename.is_none() {
                    Ok(())
                } else {
                    Err(e)
                }
            })
            .with_context(|| format!("cannot write {}", self.shown))?;
        if let Some((tmp, target)) = self.rename.take() {
            if let Err(err) = fs::rename(&tmp, &target) {
                let _ = fs::remove_file(&tmp);
                return Err(
                    anyhow::Error::new(err).context(format!("cannot put {} in place", self.shown))
                );
            }
        }
        Ok(())
    }

    /// Drops what was written; says what became of the file, for the error.
    pub fn discard(mut self) -> String {
        match self.rename.take() {
            Some((tmp, _)) => {
                let _ = fs::remove_file(&tmp);
                format!("{} was left as it was", self.shown)
            }
            None => format!("what was written to {} is incomplete", self.shown),
        }
    }
}

impl Drop for OutputFile {
    fn drop(&mut self) {
        if let Some((tmp, _)) = self.rename.take() {
            let _ = fs::remove_file(tmp);
        }
    }
}

impl Write for OutputFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.write(buf).map_err(|e| self.name_error(e))
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush().map_err(|e| self.name_error(e))
    }
}

impl OutputFile {
    /// A write error that names the file ("No space left on device" says
    /// where); its kind is kept.
    fn name_error(&self, err: io::Error) -> io::Error {
        io::Error::new(err.kind(), format!("{}: {err}", self.shown))
    }
}

/// Creates `.NAME.PID-N.tmp` beside `target`, a name no other file has.
fn create_temporary(target: &Path) -> io::Result<(PathBuf, File)> {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let dir = match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let name = target.file_name().unwrap_or(target.as_os_str());
    loop {
        let mut tmp = OsString::from(".");
        tmp.push(name);
        tmp.push(format!(
            ".{}-{}.tmp",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let path = dir.join(tmp);
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(file) => return Ok((path, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
}

/// Where data goes: standard output, or a file written whole (buffered).
pub enum Destination {
    Stdout(Box<dyn Write + Send>),
    File(io::BufWriter<OutputFile>),
}

impl Destination {
    /// `-o PATH`, or standard output for none or `-`.
    pub fn to(path: Option<&Path>) -> Result<Self> {
        match path.filter(|p| p.as_os_str() != "-") {
            Some(path) => Ok(Destination::file(path)?),
            None => {
                check_stdout_open()?;
                Ok(Destination::Stdout(super::stdout()))
            }
        }
    }

    pub fn file(path: &Path) -> Result<Self> {
        Ok(Destination::File(io::BufWriter::with_capacity(
            64 * 1024,
            OutputFile::create(path)?,
        )))
    }

    /// Ends the run's writing. A file is put in place when `keep`; otherwise
    /// (or when it cannot be written whole) what was written is dropped, and
    /// the returned note says what became of the file.
    pub fn close(self, keep: bool) -> Result<Option<String>> {
        let Destination::File(buffered) = self else {
            return Ok(None);
        };
        let flushed = buffered.into_inner();
        let file = match flushed {
            Ok(file) => file,
            Err(err) => {
                let (error, file) = err.into_parts();
                let note = file.into_parts().0.discard();
                bail!("cannot write output: {error}; {note}");
            }
        };
        if keep {
            file.commit()?;
            Ok(None)
        } else {
            Ok(Some(file.discard()))
        }
    }

    /// Drops what was written after a failure; what became of the file.
    pub fn abandon(self) -> Option<String> {
        match self {
            Destination::Stdout(_) => None,
            Destination::File(buffered) => Some(buffered.into_parts().0.discard()),
        }
    }
}

impl Write for Destination {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Destination::Stdout(out) => out.write(buf),
            Destination::File(out) => out.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Destination::Stdout(out) => out.flush(),
            Destination::File(out) => out.flush(),
        }
    }
}
