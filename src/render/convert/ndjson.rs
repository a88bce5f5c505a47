//! NDJSON: one JSON object per postback, one per line.

use std::io::{self, Write};

use super::object::ObjectWriter;
use super::{JsonOptions, RecordWriter, Trace};
use crate::postback::Postback;

/// NDJSON: one JSON object per postback, one per line.
pub struct Ndjson<W: Write> {
    objects: ObjectWriter<W>,
}

impl<W: Write> Ndjson<W> {
    pub fn new(out: W) -> Self {
        Ndjson::with_options(out, JsonOptions::default())
    }

    /// A record a line whatever `options.pretty` says.
    pub fn with_options(out: W, options: JsonOptions) -> Self {
        Ndjson {
            objects: ObjectWriter::new(out, options.with_source, false),
        }
    }

    /// Writes one postback, with where it was read if the options ask for it.
    pub fn write_traced(
        &mut self,
        postback: &Postback<'_>,
        trace: Option<Trace<'_>>,
    ) -> io::Result<()> {
        self.objects.write(b"", postback, trace, b"\n")
    }

    pub fn into_inner(self) -> W {
        self.objects.out
    }
}

impl<W: Write> RecordWriter for Ndjson<W> {
    fn write(&mut self, postback: &Postback<'_>) -> io::Result<()> {
        self.write_traced(postback, None)
    }

    fn finish(&mut self) -> io::Result<()> {
        self.objects.out.flush()
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
}
