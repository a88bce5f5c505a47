//! Postbacks as JSON, NDJSON and CSV: one writer per format behind
//! [`RecordWriter`], each streaming to any `W: Write` as records arrive.
//!
//! Values follow CLI.md ("`convert` output"): keys and headers are element
//! names as written, values the element text decoded and untrimmed, fields in
//! document order. A name that occurs more than once becomes an array of its
//! values (at the place of its first occurrence); an element holding elements
//! becomes an object by the same rules, with the text beside its children under
//! `#text`; in an N401 postback `CONTENT` is always `{"FILE": [...]}`. The shape
//! depends only on the names in the record and on its code, never on what a
//! value looks like. CSV cells holding an object or array carry its JSON.
//!
//! Writing allocates nothing per field: the grouping of repeated names, the
//! CSV cells and the JSON of object-valued cells use buffers kept across records.
//!
//! For output rendered on several threads, a [`Part`] renders some records
//! apart from the rest and an [`Assembly`] puts the parts together in order,
//! with what comes before, between and after them: the bytes are the same as
//! one writer's.

use std::io::{self, Write};

use serde::ser::{Error as _, SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use crate::postback::{Element, Postback};
use crate::render::terminal::{escape, is_unsafe};

/// The default CSV columns, in CLI.md's order.
pub const DEFAULT_COLUMNS: [&str; 18] = [
    "ORIGIN",
    "CODE",
    "STATUS",
    "SENTAS",
    "MMSID",
    "FROM",
    "FROM_MASK",
    "TO",
    "TRACKINGID",
    "SPID",
    "TIMESTAMP",
    "AGGREGATORID",
    "HANDSET",
    "OS",
    "STATUSDETAILS",
    "AUDIONAME",
    "VIDEONAME",
    EXTRA,
];

/// The CSV column holding, as a JSON object, every field no other column shows.
pub const EXTRA: &str = "EXTRA";

/// The key of text written beside child elements. No element can be named
/// so (`#` cannot start an XML name), so it never collides with a field.
pub const TEXT_KEY: &str = "#text";

/// Elements nested deeper than this are not converted: each level costs the
/// serializer a stack frame, and no real postback nests more than two levels
/// (N401's `CONTENT`/`FILE`). See [`too_deep`].
pub const MAX_DEPTH: usize = 64;

/// How a JSON array opens, separates its records and closes.
const JSON_OPEN: &[u8] = b"[";
const JSON_SEPARATOR: &[u8] = b",\n";
const JSON_CLOSE: &[u8] = b"]\n";

/// The UTF-8 byte order mark, which Excel needs to read a CSV file as UTF-8.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Marks "no further element of this name" in [`Groups::next`].
const NONE: usize = usize::MAX;

/// A streaming writer of one output format. The constructor writes whatever
/// comes before the first record (`[`, a CSV header), so that even a run that
/// converts nothing leaves valid output.
pub trait RecordWriter {
    /// Writes one postback.
    fn write(&mut self, postback: &Postback<'_>) -> io::Result<()>;

    /// Writes whatever comes after the last record, then flushes.
    fn finish(&mut self) -> io::Result<()>;
}

/// The first element nested deeper than [`MAX_DEPTH`] (fields are depth 1),
/// if any: such a postback cannot be converted and the writers refuse it with
/// an `InvalidData` error, so check first.
pub fn too_deep<'p, 'a>(postback: &'p Postback<'a>) -> Option<&'p Element<'a>> {
    // Iterative, so that checking the depth cannot itself run out of stack;
    // the stack is only allocated for the rare field that holds elements.
    let mut stack: Vec<(&Element<'a>, usize)> = Vec::new();
    for field in postback.fields.iter().filter(|f| !f.children.is_empty()) {
        stack.push((field, 1));
        while let Some((element, depth)) = stack.pop() {
            if depth > MAX_DEPTH {
                return Some(element);
            }
            stack.extend(element.children.iter().rev().map(|c| (c, depth + 1)));
        }
    }
    None
}

/// NDJSON: one JSON object per postback, one per line.
pub struct Ndjson<W: Write> {
    out: W,
    groups: Groups,
    /// The record being written: serde_json makes many small writes, which
    /// cost far less into a `Vec` than through a `dyn Write` each.
    record: Vec<u8>,
}

impl<W: Write> Ndjson<W> {
    pub fn new(out: W) -> Self {
        Ndjson {
            out,
            groups: Groups::default(),
            record: Vec::new(),
        }
    }

    pub fn into_inner(self) -> W {
        self.out
    }
}

impl<W: Write> RecordWriter for Ndjson<W> {
    fn write(&mut self, postback: &Postback<'_>) -> io::Result<()> {
        self.record.clear();
        write_object(&mut self.record, postback, &mut self.groups)?;
        self.record.push(b'\n');
        self.out.write_all(&self.record)
    }

    fn finish(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// One JSON array: `[`, the postbacks separated by `,\n`, then `]\n`. Written as
/// it goes, so a consumer can stream it; valid JSON even when empty.
pub struct JsonArray<W: Write> {
    out: W,
    groups: Groups,
    /// The record being written (see [`Ndjson`]).
    record: Vec<u8>,
    written: u64,
}

impl<W: Write> JsonArray<W> {
    /// Writes the opening `[`.
    pub fn new(mut out: W) -> io::Result<Self> {
        out.write_all(JSON_OPEN)?;
        Ok(JsonArray::part(out))
    }

    /// Records for the middle of an array whose brackets are written
    /// elsewhere: separated by `,\n`, nothing before or after them.
    fn part(out: W) -> Self {
        JsonArray {
            out,
            groups: Groups::default(),
            record: Vec::new(),
            written: 0,
        }
    }

    pub fn into_inner(self) -> W {
        self.out
    }
}

impl<W: Write> RecordWriter for JsonArray<W> {
    fn write(&mut self, postback: &Postback<'_>) -> io::Result<()> {
        self.record.clear();
        if self.written > 0 {
            self.record.extend_from_slice(JSON_SEPARATOR);
        }
        write_object(&mut self.record, postback, &mut self.groups)?;
        self.out.write_all(&self.record)?;
        self.written += 1;
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        self.out.write_all(JSON_CLOSE)?;
        self.out.flush()
    }
}

/// An output format, with everything that shapes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Format {
    Json,
    Ndjson,
    Csv(CsvOptions),
}

impl Format {
    /// A writer streaming to `out`, what comes before the first record written.
    pub fn writer<'w, W: Write + 'w>(&self, out: W) -> io::Result<Box<dyn RecordWriter + 'w>> {
        Ok(match self {
            Format::Json => Box::new(JsonArray::new(out)?),
            Format::Ndjson => Box::new(Ndjson::new(out)),
            Format::Csv(options) => Box::new(Csv::new(out, options.clone())?),
        })
    }

    /// An empty part, to render some records apart from the others.
    pub fn part(&self) -> Part {
        let writer = match self {
            Format::Json => PartWriter::Json(JsonArray::part(Vec::new())),
            Format::Ndjson => PartWriter::Ndjson(Ndjson::new(Vec::new())),
            Format::Csv(options) => PartWriter::Csv(Box::new(Csv::rows(Vec::new(), options, 1024))),
        };
        Part { writer, records: 0 }
    }
}

/// Some records rendered apart from the rest of the output (on a worker
/// thread, say), without what comes before, between or after them: an
/// [`Assembly`] adds that.
pub struct Part {
    writer: PartWriter,
    records: u64,
}

enum PartWriter {
    Json(JsonArray<Vec<u8>>),
    Ndjson(Ndjson<Vec<u8>>),
    // Boxed: its cell buffers make it several times the size of the others.
    Csv(Box<Csv<Vec<u8>>>),
}

impl Part {
    pub fn write(&mut self, postback: &Postback<'_>) -> io::Result<()> {
        match &mut self.writer {
            PartWriter::Json(w) => w.write(postback)?,
            PartWriter::Ndjson(w) => w.write(postback)?,
            PartWriter::Csv(w) => w.write(postback)?,
        }
        self.records += 1;
        Ok(())
    }

    /// The records written to the part.
    pub fn records(&self) -> u64 {
        self.records
    }

    fn into_bytes(self) -> io::Result<Vec<u8>> {
        match self.writer {
            PartWriter::Json(w) => Ok(w.into_inner()),
            PartWriter::Ndjson(w) => Ok(w.into_inner()),
            PartWriter::Csv(w) => w.into_inner(),
        }
    }
}

/// Puts parts together into one output, in the order given.
pub struct Assembly<W: Write> {
    out: W,
    json: bool,
    /// Whether a record has been written (a JSON array separates the next one).
    written: bool,
}

impl<W: Write> Assembly<W> {
    /// Writes what comes before the first record.
    pub fn new(mut out: W, format: &Format) -> io::Result<Self> {
        match format {
            Format::Json => out.write_all(JSON_OPEN)?,
            Format::Ndjson => {}
            Format::Csv(options) => {
                // The header exactly as the streaming writer writes it.
                Csv::new(&mut out, options.clone())?.into_inner()?;
            }
        }
        Ok(Assembly {
            out,
            json: matches!(format, Format::Json),
            written: false,
        })
    }

    /// Writes the part's records after those written so far.
    pub fn push(&mut self, part: Part) -> io::Result<()> {
        if part.records == 0 {
            return Ok(());
        }
        if self.json && self.written {
            self.out.write_all(JSON_SEPARATOR)?;
        }
        self.out.write_all(&part.into_bytes()?)?;
        self.written = true;
        Ok(())
    }

    /// Writes what comes after the last record, then flushes.
    pub fn finish(&mut self) -> io::Result<()> {
        if self.json {
            self.out.write_all(JSON_CLOSE)?;
        }
        self.out.flush()
    }
}

/// How CSV is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvOptions {
    /// Column names in order. `EXTRA` is the catch-all column, `#text` the
    /// text directly inside `<POSTBACK>`; any other name is a field.
    pub columns: Vec<String>,
    /// Spreadsheet mode: BOM, CRLF, and cells that a spreadsheet would run as
    /// a formula prefixed with `'`. Alters those cells.
    pub excel: bool,
    /// Show control and bidi characters as visible escapes (`\u{9b}`, `\u{202e}`):
    /// for a terminal only, as it alters the values.
    pub escape_controls: bool,
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions {
            columns: DEFAULT_COLUMNS.iter().map(|c| c.to_string()).collect(),
            excel: false,
            escape_controls: false,
        }
    }
}

/// What a CSV column shows.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Column {
    /// The first value of the field with this name.
    Field(String),
    /// `Postback::text`.
    Text,
    /// Every field no other column shows, and the full list of any repeated one.
    Extra,
}

/// CSV: a header row, then one row per postback (RFC 4180 quoting, by the `csv` crate).
pub struct Csv<W: Write> {
    cells: Cells<W>,
    columns: Vec<Column>,
    /// Whether a `#text` column shows `Postback::text` (else EXTRA carries it).
    has_text: bool,
    groups: Groups,
    /// Per column: the index of the first field it shows in the current record.
    shown: Vec<Option<usize>>,
    /// Per field of the current record: whether EXTRA carries it.
    in_extra: Vec<bool>,
    /// The JSON of an object- or array-valued cell.
    json: Vec<u8>,
}

impl<W: Write> Csv<W> {
    /// Writes the BOM (Excel mode) and the header row.
    pub fn new(mut out: W, options: CsvOptions) -> io::Result<Self> {
        if options.excel {
            // The csv writer buffers and cannot be reached around, so the BOM
            // goes out before it is built.
            out.write_all(BOM)?;
        }
        let mut writer = Csv::rows(out, &options, 64 * 1024);
        for name in &options.columns {
            writer.cells.text(name)?;
        }
        writer.cells.end_row()?;
        Ok(writer)
    }

    /// Rows only, for the middle of a CSV file whose header is written
    /// elsewhere. `buffer` is the csv writer's own buffer: large in front of
    /// a file, small in front of a part's `Vec` (a run over thousands of
    /// small files holds one part per file in flight).
    fn rows(out: W, options: &CsvOptions, buffer: usize) -> Self {
        let terminator = if options.excel {
            csv::Terminator::CRLF
        } else {
            csv::Terminator::Any(b'\n')
        };
        let csv = csv::WriterBuilder::new()
            .terminator(terminator)
            .buffer_capacity(buffer)
            .from_writer(out);
        let columns: Vec<Column> = options
            .columns
            .iter()
            .map(|name| match name.as_str() {
                EXTRA => Column::Extra,
                TEXT_KEY => Column::Text,
                _ => Column::Field(name.clone()),
            })
            .collect();
        Csv {
            cells: Cells {
                csv,
                scratch: Vec::new(),
                excel: options.excel,
                escape_controls: options.escape_controls,
            },
            has_text: columns.contains(&Column::Text),
            shown: vec![None; columns.len()],
            columns,
            groups: Groups::default(),
            in_extra: Vec::new(),
            json: Vec::new(),
        }
    }

    /// The writer written to, once everything buffered has reached it.
    pub fn into_inner(self) -> io::Result<W> {
        self.cells.csv.into_inner().map_err(|err| err.into_error())
    }

    /// The column showing field `name`. A linear scan: there are a handful of
    /// columns, and comparing short names costs less than hashing them
    /// (measured: a fingerprint scan was no faster).
    fn column_of(&self, name: &str) -> Option<usize> {
        self.columns
            .iter()
            .position(|c| matches!(c, Column::Field(f) if f == name))
    }
}

impl<W: Write> RecordWriter for Csv<W> {
    fn write(&mut self, postback: &Postback<'_>) -> io::Result<()> {
        let fields = &postback.fields[..];
        self.groups.compute(fields);
        self.shown.fill(None);
        self.in_extra.clear();
        self.in_extra.resize(fields.len(), false);
        let mut any_extra = false;
        for (i, field) in fields.iter().enumerate() {
            if !self.groups.first[i] {
                continue;
            }
            let repeated = self.groups.next[i] != NONE;
            match self.column_of(field.name) {
                Some(c) => {
                    self.shown[c] = Some(i);
                    // The column keeps the first value; EXTRA the whole list.
                    self.in_extra[i] = repeated;
                }
                None => self.in_extra[i] = true,
            }
            any_extra |= self.in_extra[i];
        }
        let text_in_extra = !self.has_text && !postback.text.is_empty();
        any_extra |= text_in_extra;
        let n401 = is_n401(postback);

        for (c, column) in self.columns.iter().enumerate() {
            match column {
                Column::Field(_) => match self.shown[c] {
                    None => self.cells.raw(b"")?,
                    Some(i) => {
                        let field = &fields[i];
                        let list = file_list(n401, field);
                        if field.children.is_empty() && list.is_none() {
                            self.cells.text(&field.text)?;
                        } else {
                            self.json.clear();
                            let value = Value {
                                element: field,
                                list,
                                depth: 1,
                            };
                            to_json(&mut self.json, &value)?;
                            self.cells.raw(&self.json)?;
                        }
                    }
                },
                Column::Text => self.cells.text(&postback.text)?,
                // Built only when there is something to put there.
                Column::Extra if any_extra => {
                    self.json.clear();
                    let extra = Object {
                        elements: fields,
                        groups: &self.groups,
                        only: Some(&self.in_extra),
                        text: if text_in_extra { &postback.text } else { "" },
                        list: None,
                        n401,
                        depth: 1,
                    };
                    to_json(&mut self.json, &extra)?;
                    self.cells.raw(&self.json)?;
                }
                Column::Extra => self.cells.raw(b"")?,
            }
        }
        self.cells.end_row()
    }

    fn finish(&mut self) -> io::Result<()> {
        self.cells.csv.flush()
    }
}

/// Writes cells through the csv crate, applying the output's alterations.
struct Cells<W: Write> {
    csv: csv::Writer<W>,
    /// A cell being prefixed with `'` (Excel mode).
    scratch: Vec<u8>,
    excel: bool,
    escape_controls: bool,
}

impl<W: Write> Cells<W> {
    /// A cell of payload text.
    fn text(&mut self, value: &str) -> io::Result<()> {
        if self.escape_controls {
            let shown = escape(value);
            self.raw(shown.as_bytes())
        } else {
            self.raw(value.as_bytes())
        }
    }

    /// A cell as it is (JSON is already terminal-safe: see [`TerminalSafe`]).
    fn raw(&mut self, value: &[u8]) -> io::Result<()> {
        // OWASP's CSV injection advice: a spreadsheet treats a cell starting
        // with one of these as a formula (tab and CR can hide one).
        if self.excel
            && matches!(
                value.first(),
                Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
            )
        {
            self.scratch.clear();
            self.scratch.push(b'\'');
            self.scratch.extend_from_slice(value);
            return self.csv.write_field(&self.scratch).map_err(csv_io);
        }
        self.csv.write_field(value).map_err(csv_io)
    }

    fn end_row(&mut self) -> io::Result<()> {
        self.csv.write_record(None::<&[u8]>).map_err(csv_io)
    }
}

/// The csv crate's own `From` turns every error into `ErrorKind::Other`;
/// keeping the I/O error as it was lets a closed pipe still be recognised.
fn csv_io(err: csv::Error) -> io::Error {
    if !err.is_io_error() {
        return io::Error::other(err);
    }
    match err.into_kind() {
        csv::ErrorKind::Io(err) => err,
        other => io::Error::other(format!("{other:?}")),
    }
}

/// Whether this is an N401 postback, whose `CONTENT` is always a file list.
fn is_n401(postback: &Postback<'_>) -> bool {
    postback.code() == Some("N401")
}

/// The child name always written as an array for this field: `FILE` for the
/// `CONTENT` of an N401 postback.
fn file_list(n401: bool, field: &Element<'_>) -> Option<&'static str> {
    (n401 && field.name == "CONTENT").then_some("FILE")
}

/// Writes one postback as a JSON object.
fn write_object<W: Write>(
    out: &mut W,
    postback: &Postback<'_>,
    groups: &mut Groups,
) -> io::Result<()> {
    groups.compute(&postback.fields);
    let object = Object {
        elements: &postback.fields,
        groups,
        only: None,
        text: &postback.text,
        list: None,
        n401: is_n401(postback),
        depth: 1,
    };
    to_json(out, &object)
}

fn to_json<W: Write, T: Serialize>(out: &mut W, value: &T) -> io::Result<()> {
    let mut serializer = serde_json::Serializer::with_formatter(out, TerminalSafe);
    // serde_json's `From` keeps an I/O error's kind (a closed pipe stays one);
    // anything else, such as nesting too deep, becomes `InvalidData`.
    value.serialize(&mut serializer).map_err(io::Error::from)
}

/// serde_json's compact format, except that the characters a terminal acts
/// on which JSON does not require escaping (DEL, C1 controls, bidi controls)
/// are written as `\u` escapes too: the value is the same, and `cat out.json`
/// cannot drive or disguise the terminal.
#[derive(Debug, Clone, Copy)]
struct TerminalSafe;

impl serde_json::ser::Formatter for TerminalSafe {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        out: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let bytes = fragment.as_bytes();
        // The common case, checked a word at a time: ASCII without DEL.
        if fragment.is_ascii() && memchr::memchr(0x7F, bytes).is_none() {
            return out.write_all(bytes);
        }
        let mut start = 0;
        let mut i = 0;
        while i < bytes.len() {
            // C0 controls never reach here (serde_json escapes them); every
            // other unsafe character is DEL or starts with one of these bytes.
            if matches!(bytes[i], 0x7F | 0xC2 | 0xD8 | 0xE2) {
                // A lead byte starts a character, so `i` is a char boundary.
                if let Some(c) = fragment[i..].chars().next().filter(|&c| is_unsafe(c)) {
                    out.write_all(&bytes[start..i])?;
                    write!(out, "\\u{:04x}", c as u32)?;
                    i += c.len_utf8();
                    start = i;
                    continue;
                }
            }
            i += 1;
        }
        out.write_all(&bytes[start..])
    }
}

/// Which elements of a list share a name, computed once per list into
/// buffers reused across records.
#[derive(Debug, Default)]
struct Groups {
    /// For each element, the index of the next one with the same name, or [`NONE`].
    next: Vec<usize>,
    /// Whether each element is the first of its name.
    first: Vec<bool>,
    /// Indices sorted by (name, index), the scratch the groups are found with.
    order: Vec<usize>,
}

impl Groups {
    fn compute(&mut self, elements: &[Element<'_>]) {
        let n = elements.len();
        self.next.clear();
        self.next.resize(n, NONE);
        self.first.clear();
        self.first.resize(n, true);
        if n < 2 {
            return;
        }
        // Sorting keeps this O(n log n) however many fields a hostile record
        // holds; equal names end up adjacent, in document order.
        self.order.clear();
        self.order.extend(0..n);
        self.order
            .sort_unstable_by(|&a, &b| elements[a].name.cmp(elements[b].name).then(a.cmp(&b)));
        for pair in self.order.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            if elements[a].name == elements[b].name {
                self.next[a] = b;
                self.first[b] = false;
            }
        }
    }
}

/// A list of elements as one JSON object, keys in document order.
struct Object<'r, 'a> {
    elements: &'r [Element<'a>],
    groups: &'r Groups,
    /// Only the names whose first element is marked (CSV EXTRA); all when `None`.
    only: Option<&'r [bool]>,
    /// Text beside the elements, written under `#text` when not empty.
    text: &'r str,
    /// A name always written as an array, and written (empty) even when absent.
    list: Option<&'static str>,
    /// Whether an element named `CONTENT` is N401's file list.
    n401: bool,
    depth: usize,
}

impl Serialize for Object<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        if let Some(list) = self.list {
            if !self.elements.iter().any(|e| e.name == list) {
                map.serialize_entry(list, &[] as &[&str])?;
            }
        }
        for (i, element) in self.elements.iter().enumerate() {
            if !self.groups.first[i] || self.only.is_some_and(|only| !only[i]) {
                continue;
            }
            let group = Group {
                elements: self.elements,
                groups: self.groups,
                first: i,
                array: self.list == Some(element.name),
                list: file_list(self.n401, element),
                depth: self.depth,
            };
            map.serialize_entry(element.name, &group)?;
        }
        if !self.text.is_empty() {
            map.serialize_entry(TEXT_KEY, self.text)?;
        }
        map.end()
    }
}

/// Every element of one name: its value, or an array of the values when the
/// name occurs more than once (or must always be an array).
struct Group<'r, 'a> {
    elements: &'r [Element<'a>],
    groups: &'r Groups,
    first: usize,
    array: bool,
    list: Option<&'static str>,
    depth: usize,
}

impl Serialize for Group<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let value = |i: usize| Value {
            element: &self.elements[i],
            list: self.list,
            depth: self.depth,
        };
        if !self.array && self.groups.next[self.first] == NONE {
            return value(self.first).serialize(serializer);
        }
        let mut seq = serializer.serialize_seq(None)?;
        let mut i = self.first;
        while i != NONE {
            seq.serialize_element(&value(i))?;
            i = self.groups.next[i];
        }
        seq.end()
    }
}

/// One element's value: its text, or an object when it holds elements (or is
/// a file list).
struct Value<'r, 'a> {
    element: &'r Element<'a>,
    list: Option<&'static str>,
    /// The element's own depth (fields are 1).
    depth: usize,
}

impl Serialize for Value<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let element = self.element;
        if element.children.is_empty() && self.list.is_none() {
            return serializer.serialize_str(&element.text);
        }
        if self.depth >= MAX_DEPTH {
            return Err(S::Error::custom(format!(
                "<{}> holds elements nested more than {MAX_DEPTH} levels deep",
                element.name
            )));
        }
        // Children are rare (N401's files, or a malformed capture): a fresh
        // grouping here costs nothing on the common path.
        let mut groups = Groups::default();
        groups.compute(&element.children);
        Object {
            elements: &element.children,
            groups: &groups,
            only: None,
            text: &element.text,
            list: self.list,
            n401: false,
            depth: self.depth + 1,
        }
        .serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::postback::parse;

    fn ndjson(xml: &str) -> String {
        let postback = parse(xml).expect("well-formed");
        let mut out = Vec::new();
        let mut writer = Ndjson::new(&mut out);
        writer.write(&postback).unwrap();
        writer.finish().unwrap();
        String::from_utf8(out).unwrap()
    }

    fn csv_with(options: CsvOptions, xmls: &[&str]) -> String {
        let mut out = Vec::new();
        let mut writer = Csv::new(&mut out, options).unwrap();
        for xml in xmls {
            writer.write(&parse(xml).expect("well-formed")).unwrap();
        }
        writer.finish().unwrap();
        drop(writer);
        String::from_utf8(out).unwrap()
    }

    fn csv_columns(columns: &[&str], xml: &str) -> String {
        let options = CsvOptions {
            columns: columns.iter().map(|c| c.to_string()).collect(),
            ..CsvOptions::default()
        };
        csv_with(options, &[xml])
    }

    #[test]
    fn ndjson_keeps_document_order_and_exact_values() {
        let out = ndjson(
            "<POSTBACK><TO> 1650 </TO><CODE>N003</CODE><X>a &amp; <![CDATA[<b>]]></X></POSTBACK>",
        );
        insta::assert_snapshot!(out, @r#"{"TO":" 1650 ","CODE":"N003","X":"a & <b>"}"#);
    }

    #[test]
    fn repeated_names_become_one_array_where_the_first_stood() {
        let out = ndjson("<POSTBACK><A>1</A><B>2</B><A>3</A><C/><A>4</A></POSTBACK>");
        insta::assert_snapshot!(out, @r#"{"A":["1","3","4"],"B":"2","C":""}"#);
    }

    #[test]
    fn nested_elements_become_objects_with_text_beside() {
        let out = ndjson("<POSTBACK>loose<X>t<Y>1</Y><Y>2</Y><Z><W>w</W></Z></X></POSTBACK>");
        insta::assert_snapshot!(out, @r##"{"X":{"Y":["1","2"],"Z":{"W":"w"},"#text":"t"},"#text":"loose"}"##);
    }

    #[test]
    fn n401_content_is_always_a_file_array() {
        let one =
            ndjson("<POSTBACK><CODE>N401</CODE><CONTENT><FILE>u1</FILE></CONTENT></POSTBACK>");
        insta::assert_snapshot!(one, @r#"{"CODE":"N401","CONTENT":{"FILE":["u1"]}}"#);
        let none = ndjson("<POSTBACK><CODE>N401</CODE><CONTENT/></POSTBACK>");
        insta::assert_snapshot!(none, @r#"{"CODE":"N401","CONTENT":{"FILE":[]}}"#);
        // Elsewhere the general rules apply: one FILE is a string.
        let other =
            ndjson("<POSTBACK><CODE>N999</CODE><CONTENT><FILE>u1</FILE></CONTENT></POSTBACK>");
        insta::assert_snapshot!(other, @r#"{"CODE":"N999","CONTENT":{"FILE":"u1"}}"#);
    }

    #[test]
    fn terminal_controls_are_escaped_in_json_without_changing_the_value() {
        // XML allows no C0 control but tab, LF and CR; C1 controls, DEL and bidi overrides it allows.
        let xml = "<POSTBACK><X>a\u{9b}b\u{202e}c\u{7f}d&#13;é\u{2069}</X></POSTBACK>";
        let out = ndjson(xml);
        assert_eq!(out, "{\"X\":\"a\\u009bb\\u202ec\\u007fd\\ré\\u2069\"}\n");
        let back: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(back["X"], "a\u{9b}b\u{202e}c\u{7f}d\ré\u{2069}");
    }

    #[test]
    fn json_array_is_valid_when_empty_and_separates_records() {
        let mut out = Vec::new();
        JsonArray::new(&mut out).unwrap().finish().unwrap();
        assert_eq!(out, b"[]\n");

        let mut out = Vec::new();
        let mut writer = JsonArray::new(&mut out).unwrap();
        for xml in [
            "<POSTBACK><A>1</A></POSTBACK>",
            "<POSTBACK><A>2</A></POSTBACK>",
        ] {
            writer.write(&parse(xml).unwrap()).unwrap();
        }
        writer.finish().unwrap();
        insta::assert_snapshot!(String::from_utf8(out).unwrap(), @r#"
        [{"A":"1"},
        {"A":"2"}]
        "#);
    }

    #[test]
    fn csv_default_columns_with_extra_for_unknown_and_repeated_fields() {
        let out = csv_with(
            CsvOptions::default(),
            &[
                "<POSTBACK><CODE>N003</CODE><Status>x</Status><TO>1</TO><TO>2</TO></POSTBACK>",
                "<POSTBACK><ORIGIN>MMS_MT</ORIGIN></POSTBACK>",
            ],
        );
        insta::assert_snapshot!(out, @r#"
        ORIGIN,CODE,STATUS,SENTAS,MMSID,FROM,FROM_MASK,TO,TRACKINGID,SPID,TIMESTAMP,AGGREGATORID,HANDSET,OS,STATUSDETAILS,AUDIONAME,VIDEONAME,EXTRA
        ,N003,,,,,,1,,,,,,,,,,"{""Status"":""x"",""TO"":[""1"",""2""]}"
        MMS_MT,,,,,,,,,,,,,,,,,
        "#);
    }

    #[test]
    fn csv_fields_pick_columns_and_extra_only_when_listed() {
        let xml = "<POSTBACK><CODE>N003</CODE><MMSID>7</MMSID>text</POSTBACK>";
        insta::assert_snapshot!(csv_columns(&["MMSID", "CODE"], xml), @r"
        MMSID,CODE
        7,N003
        ");
        insta::assert_snapshot!(csv_columns(&["CODE", "EXTRA"], xml), @r###"
        CODE,EXTRA
        N003,"{""MMSID"":""7"",""#text"":""text""}"
        "###);
        insta::assert_snapshot!(csv_columns(&["#text", "EXTRA"], xml), @r#"
        #text,EXTRA
        text,"{""CODE"":""N003"",""MMSID"":""7""}"
        "#);
    }

    #[test]
    fn csv_columns_with_similar_names_are_told_apart() {
        let xml = "<POSTBACK><TRACKINGXY>2</TRACKINGXY><TRACKINGID>1</TRACKINGID></POSTBACK>";
        insta::assert_snapshot!(csv_columns(&["TRACKINGID", "TRACKINGXY"], xml), @r"
        TRACKINGID,TRACKINGXY
        1,2
        ");
    }

    #[test]
    fn csv_object_cells_hold_json() {
        let xml = "<POSTBACK><CODE>N401</CODE><CONTENT><FILE>a,b</FILE></CONTENT></POSTBACK>";
        insta::assert_snapshot!(csv_columns(&["CONTENT"], xml), @r#"
        CONTENT
        "{""FILE"":[""a,b""]}"
        "#);
    }

    #[test]
    fn excel_mode_neutralises_formulas_and_uses_bom_and_crlf() {
        let xml = "<POSTBACK><A>=1+2</A><B>-3</B><C>@x</C><D>\tq</D><E>a=b</E><F>+</F></POSTBACK>";
        let columns: Vec<String> = ["A", "B", "C", "D", "E", "F"].map(String::from).to_vec();
        let excel = csv_with(
            CsvOptions {
                columns: columns.clone(),
                excel: true,
                escape_controls: false,
            },
            &[xml],
        );
        assert_eq!(
            excel,
            "\u{feff}A,B,C,D,E,F\r\n'=1+2,'-3,'@x,'\tq,a=b,'+\r\n"
        );
        let exact = csv_with(
            CsvOptions {
                columns,
                ..CsvOptions::default()
            },
            &[xml],
        );
        assert_eq!(exact, "A,B,C,D,E,F\n=1+2,-3,@x,\tq,a=b,+\n");
    }

    #[test]
    fn csv_for_a_terminal_shows_controls_escaped() {
        let xml = "<POSTBACK><A>x\u{9b}31my&#13;</A></POSTBACK>";
        let options = CsvOptions {
            columns: vec!["A".into()],
            excel: false,
            escape_controls: true,
        };
        assert_eq!(csv_with(options, &[xml]), "A\nx\\u{9b}31my\\r\n");
    }

    #[test]
    fn too_deep_finds_the_first_element_past_the_limit() {
        let deep = |n: usize| {
            format!(
                "<POSTBACK><A>1</A>{}{}</POSTBACK>",
                "<N>".repeat(n),
                "</N>".repeat(n)
            )
        };
        let ok = deep(MAX_DEPTH);
        assert!(too_deep(&parse(&ok).unwrap()).is_none());
        assert!(!ndjson(&ok).is_empty());

        let bad = deep(MAX_DEPTH + 1);
        let postback = parse(&bad).unwrap();
        let found = too_deep(&postback).expect("too deep");
        assert_eq!(found.at, bad.find("<N>").unwrap() + 3 * MAX_DEPTH);
        let err = Ndjson::new(Vec::new()).write(&postback).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
    }

    #[test]
    fn groups_link_each_name_in_document_order() {
        let postback = parse("<POSTBACK><B/><A/><B/><C/><A/><B/></POSTBACK>").unwrap();
        let mut groups = Groups::default();
        groups.compute(&postback.fields);
        assert_eq!(groups.first, [true, true, false, true, false, false]);
        assert_eq!(groups.next, [2, 4, 5, NONE, NONE, NONE]);
    }

    #[test]
    fn groups_of_a_long_list_match_a_naive_scan() {
        let names = ["B", "A", "B", "C", "A", "B", "D", "C"];
        let xml: String = names
            .iter()
            .cycle()
            .take(40)
            .map(|n| format!("<{n}/>"))
            .collect();
        let xml = format!("<POSTBACK>{xml}</POSTBACK>");
        let postback = parse(&xml).unwrap();
        let fields = &postback.fields;
        let mut groups = Groups::default();
        groups.compute(fields);
        for (i, field) in fields.iter().enumerate() {
            let first = !fields[..i].iter().any(|f| f.name == field.name);
            assert_eq!(groups.first[i], first);
            let next = fields[i + 1..].iter().position(|f| f.name == field.name);
            assert_eq!(groups.next[i], next.map_or(NONE, |p| i + 1 + p));
        }
    }

    #[test]
    fn parts_assemble_into_the_bytes_of_one_writer() {
        let xmls = [
            "<POSTBACK><CODE>N003</CODE><X>=1</X></POSTBACK>",
            "<POSTBACK><CODE>N401</CODE><CONTENT><FILE>f</FILE></CONTENT></POSTBACK>",
            "<POSTBACK><TO>1</TO><TO>2</TO>t</POSTBACK>",
        ];
        let postbacks: Vec<Postback<'_>> = xmls.iter().map(|x| parse(x).unwrap()).collect();
        let excel = CsvOptions {
            excel: true,
            ..CsvOptions::default()
        };
        for format in [
            Format::Json,
            Format::Ndjson,
            Format::Csv(CsvOptions::default()),
            Format::Csv(excel),
        ] {
            let mut streamed = Vec::new();
            let mut writer = format.writer(&mut streamed).unwrap();
            for postback in &postbacks {
                writer.write(postback).unwrap();
            }
            writer.finish().unwrap();
            drop(writer);
            // Every way of cutting the records into parts, empty parts included.
            for cut in 0..=postbacks.len() {
                let mut assembled = Vec::new();
                let mut assembly = Assembly::new(&mut assembled, &format).unwrap();
                for chunk in [&postbacks[..cut], &[], &postbacks[cut..]] {
                    let mut part = format.part();
                    for postback in chunk {
                        part.write(postback).unwrap();
                    }
                    assert_eq!(part.records(), chunk.len() as u64);
                    assembly.push(part).unwrap();
                }
                assembly.finish().unwrap();
                assert_eq!(
                    String::from_utf8_lossy(&assembled),
                    String::from_utf8_lossy(&streamed),
                    "{format:?}, cut at {cut}"
                );
            }
        }
    }

    #[test]
    fn a_closed_pipe_stays_a_closed_pipe() {
        struct Closed;
        impl Write for Closed {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::ErrorKind::BrokenPipe.into())
            }
            fn flush(&mut self) -> io::Result<()> {
                Err(io::ErrorKind::BrokenPipe.into())
            }
        }
        let postback = parse("<POSTBACK><A>1</A></POSTBACK>").unwrap();
        let err = Ndjson::new(Closed).write(&postback).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);
        // The csv writer buffers: the error surfaces when it flushes.
        let mut csv = Csv::new(Closed, CsvOptions::default()).unwrap();
        csv.write(&postback).unwrap();
        assert_eq!(csv.finish().unwrap_err().kind(), io::ErrorKind::BrokenPipe);
    }
}
