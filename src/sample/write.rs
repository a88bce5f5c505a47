//! Writes a sample as its dialect does: an XML document (`<POSTBACK>` or
//! `<postback>`, two-space indent) or one line of v2 JSON.

use std::io::{self, Write};

use serde_json::json;

use super::{Dialect, Sample, Value};

/// Writes one sample followed by a newline. Values are written exactly
/// (XML-escaped), so a `--set` that breaks a value breaks only that value.
pub fn write<W: Write>(out: &mut W, sample: &Sample) -> io::Result<()> {
    match sample.dialect {
        Dialect::V1 => xml(out, sample, "POSTBACK", "FILE"),
        Dialect::Lower => xml(out, sample, "postback", "file"),
        Dialect::V2 => v2(out, sample),
    }
}

fn xml<W: Write>(out: &mut W, sample: &Sample, root: &str, file: &str) -> io::Result<()> {
    writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
    writeln!(out, "<{root}>")?;
    for field in &sample.fields {
        let name = &field.name;
        match &field.value {
            Value::Text(text) => writeln!(out, "  <{name}>{}</{name}>", escape(text))?,
            Value::Files(urls) => {
                writeln!(out, "  <{name}>")?;
                for url in urls {
                    writeln!(out, "    <{file}>{}</{file}>", escape(url))?;
                }
                writeln!(out, "  </{name}>")?;
            }
        }
    }
    writeln!(out, "</{root}>")
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Members in the sample's order (a JSON map would sort them, and repeat none).
fn v2<W: Write>(out: &mut W, sample: &Sample) -> io::Result<()> {
    out.write_all(b"{")?;
    for (i, field) in sample.fields.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        serde_json::to_writer(&mut *out, &field.name)?;
        out.write_all(b":")?;
        match &field.value {
            Value::Text(text) => serde_json::to_writer(&mut *out, text)?,
            Value::Files(urls) => {
                let files: Vec<_> = urls.iter().map(|url| json!({ "file": url })).collect();
                serde_json::to_writer(&mut *out, &files)?;
            }
        }
    }
    out.write_all(b"}\n")
}
