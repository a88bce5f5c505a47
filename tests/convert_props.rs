//! Properties of conversion, on the library (engine + writers on a `Vec<u8>`)
//! for speed: no field value is lost or changed, and CSV says what NDJSON says.

use std::fmt;

use postback::engine::{read_input, Options, Record, Sink};
use postback::render::convert::{
    Csv, CsvOptions, JsonArray, Ndjson, RecordWriter, DEFAULT_COLUMNS, EXTRA,
};
use proptest::prelude::*;
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::Value;

/// Field names: documented ones (some with default CSV columns, some without),
/// a near miss, unknown ones, and `EXTRA`, which is a column name too.
const NAMES: [&str; 12] = [
    "ORIGIN",
    "CODE",
    "STATUS",
    "TO",
    "FROM_MASK",
    "SPID",
    "KEYWORD",
    "Status",
    "X-CUSTOM",
    "ÉTAT",
    "EXTRA",
    "a.b",
];

/// Characters worth a try: markup, quotes, CSV's delimiters, XML white space
/// (CR among it, which only survives as `&#13;`), C1 controls and bidi
/// overrides (allowed in XML), and characters outside the BMP.
fn value_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => prop::sample::select(vec![
            '<', '&', '>', '"', '\'', ',', ';', ' ', '\t', '\n', '\r', '=', '+', '-', '@', ']', '\u{85}',
            '\u{9b}', '\u{202e}', '\u{2028}', '\u{feff}', 'é', '✓', '😀', 'a', 'Z', '0',
        ]),
        1 => any::<char>().prop_filter("a character XML allows", |&c| {
            matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
        }),
    ]
}

fn value() -> impl Strategy<Value = String> {
    prop::collection::vec(value_char(), 0..24).prop_map(|chars| chars.into_iter().collect())
}

/// How a value is written in the XML: escaped text, or CDATA where it can be.
#[derive(Debug, Clone, Copy)]
enum Spelling {
    Escaped,
    CharRefs,
    Cdata,
}

#[derive(Clone)]
struct Generated {
    fields: Vec<(&'static str, String)>,
    spellings: Vec<Spelling>,
    prefix: &'static str,
    indent: &'static str,
}

impl fmt::Debug for Generated {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.xml())
    }
}

impl Generated {
    fn xml(&self) -> String {
        let mut xml = format!("{}<POSTBACK>", self.prefix);
        for ((name, value), spelling) in self.fields.iter().zip(&self.spellings) {
            xml.push_str(self.indent);
            xml.push_str(&format!("<{name}>{}</{name}>", spell(value, *spelling)));
        }
        xml.push_str(self.indent);
        xml.push_str("</POSTBACK>\n");
        xml
    }
}

fn spell(value: &str, spelling: Spelling) -> String {
    // CDATA cannot hold `]]>`, and a raw CR would be read as a line end.
    let cdata_ok = !value.contains("]]>") && !value.contains('\r');
    match spelling {
        Spelling::Cdata if cdata_ok => format!("<![CDATA[{value}]]>"),
        Spelling::CharRefs => value
            .chars()
            .map(|c| format!("&#x{:X};", c as u32))
            .collect(),
        _ => value
            .chars()
            .map(|c| match c {
                '<' => "&lt;".to_string(),
                '&' => "&amp;".to_string(),
                '>' => "&gt;".to_string(),
                '"' => "&quot;".to_string(),
                '\'' => "&apos;".to_string(),
                '\r' => "&#13;".to_string(),
                c => c.to_string(),
            })
            .collect(),
    }
}

fn generated() -> impl Strategy<Value = Generated> {
    prop::collection::vec((prop::sample::select(NAMES.to_vec()), value()), 0..10)
        .prop_flat_map(|fields| {
            let n = fields.len();
            (
                Just(fields),
                prop::collection::vec(
                    prop_oneof![
                        Just(Spelling::Escaped),
                        Just(Spelling::CharRefs),
                        Just(Spelling::Cdata)
                    ],
                    n,
                ),
                prop::sample::select(vec![
                    "",
                    "<?xml version='1.0'?>\n",
                    "2024-05-01T10:00:00Z INFO body=",
                ]),
                prop::sample::select(vec!["", "\n  ", "\r\n\t"]),
            )
        })
        .prop_map(|(fields, spellings, prefix, indent)| Generated {
            fields,
            spellings,
            prefix,
            indent,
        })
}

/// Feeds every postback to each writer.
struct Writers<'w> {
    writers: Vec<Box<dyn RecordWriter + 'w>>,
    postbacks: usize,
    rejected: usize,
}

impl Sink for Writers<'_> {
    fn record(&mut self, record: &Record<'_>) -> std::io::Result<()> {
        match &record.postback {
            Some(postback) => {
                self.postbacks += 1;
                for writer in &mut self.writers {
                    writer.write(postback)?;
                }
            }
            None => self.rejected += 1,
        }
        Ok(())
    }
}

/// Converts `capture` to NDJSON and CSV (default columns); returns both and
/// the postbacks and rejected records seen.
fn convert(capture: &str) -> (String, String, usize, usize) {
    let (mut ndjson, mut csv) = (Vec::new(), Vec::new());
    let (postbacks, rejected) = {
        let mut sink = Writers {
            writers: vec![
                Box::new(Ndjson::new(&mut ndjson)),
                Box::new(Csv::new(&mut csv, CsvOptions::default()).unwrap()),
            ],
            postbacks: 0,
            rejected: 0,
        };
        read_input("<test>", capture.as_bytes(), &Options::default(), &mut sink).unwrap();
        for writer in &mut sink.writers {
            writer.finish().unwrap();
        }
        (sink.postbacks, sink.rejected)
    };
    (
        String::from_utf8(ndjson).unwrap(),
        String::from_utf8(csv).unwrap(),
        postbacks,
        rejected,
    )
}

/// A JSON object's entries in the order they were written.
struct Ordered(Vec<(String, Value)>);

impl<'de> Deserialize<'de> for Ordered {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entries;
        impl<'de> Visitor<'de> for Entries {
            type Value = Ordered;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Ordered, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Ordered(entries))
            }
        }
        deserializer.deserialize_map(Entries)
    }
}

/// What the NDJSON object must be: each name once, in order of first
/// appearance, with its value or (when repeated) the list of its values.
fn expected(fields: &[(&str, String)]) -> Vec<(String, Value)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for (name, value) in fields {
        match out.iter_mut().find(|(n, _)| n == name) {
            Some((_, values)) => values.push(value.clone()),
            None => out.push((name.to_string(), vec![value.clone()])),
        }
    }
    out.into_iter()
        .map(|(name, mut values)| {
            let value = if values.len() == 1 {
                Value::String(values.remove(0))
            } else {
                Value::Array(values.into_iter().map(Value::String).collect())
            };
            (name, value)
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn every_value_read_appears_unchanged_in_ndjson_and_csv_agrees(g in generated()) {
        let (ndjson, csv, postbacks, rejected) = convert(&g.xml());
        prop_assert_eq!((postbacks, rejected), (1, 0));

        // NDJSON: every value, exactly, in document order.
        let line = ndjson.strip_suffix('\n').expect("one line");
        prop_assert!(!line.contains('\n'));
        let Ordered(object) = serde_json::from_str(line).unwrap();
        prop_assert_eq!(&object, &expected(&g.fields));

        // CSV, read back with the csv crate: the columns plus EXTRA are the NDJSON object.
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        prop_assert_eq!(&header, &DEFAULT_COLUMNS.to_vec());
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        prop_assert_eq!(rows.len(), 1);
        let row = &rows[0];
        let extra_cell = &row[header.len() - 1];
        let extra: Vec<(String, Value)> = if extra_cell.is_empty() {
            Vec::new()
        } else {
            serde_json::from_str::<Ordered>(extra_cell).unwrap().0
        };
        for (name, value) in &object {
            let column = header[..header.len() - 1].iter().position(|h| h == name);
            let in_extra = extra.iter().find(|(n, _)| n == name).map(|(_, v)| v);
            match (column, value) {
                // A field with a column of its own: its value there, not in EXTRA.
                (Some(c), Value::String(s)) => {
                    prop_assert_eq!(&row[c], s.as_str());
                    prop_assert!(in_extra.is_none());
                }
                // A repeated one: the first value there, the whole list in EXTRA.
                (Some(c), Value::Array(values)) => {
                    prop_assert_eq!(Some(&row[c]), values[0].as_str());
                    prop_assert_eq!(in_extra, Some(value));
                }
                (None, _) => prop_assert_eq!(in_extra, Some(value)),
                (Some(_), other) => prop_assert!(false, "unexpected value {}", other),
            }
        }
        // EXTRA holds nothing else, in document order, and columns of absent fields are empty.
        let names: Vec<&String> = object.iter().map(|(n, _)| n).collect();
        prop_assert!(extra.iter().all(|(n, _)| names.contains(&n)));
        let order: Vec<usize> = extra.iter().map(|(n, _)| names.iter().position(|m| *m == n).unwrap()).collect();
        prop_assert!(order.windows(2).all(|w| w[0] < w[1]));
        for (c, column) in header[..header.len() - 1].iter().enumerate() {
            if !names.contains(&column) {
                prop_assert_eq!(&row[c], "");
            }
        }
        prop_assert_eq!(header.last().map(String::as_str), Some(EXTRA));
    }

    #[test]
    fn json_array_holds_exactly_the_postbacks_whatever_the_capture(
        pieces in prop::collection::vec(prop_oneof![
            generated().prop_map(|g| g.xml()),
            Just("<POSTBACK><CODE>N003<CODE></POSTBACK>\n".to_string()),
            Just("<POSTBACK><ORIGIN>MMS_MT</ORIGIN>\n".to_string()),
            Just("noise line with no postback\n".to_string()),
            Just("<!DOCTYPE POSTBACK>\n<POSTBACK></POSTBACK>\n".to_string()),
        ], 0..8)
    ) {
        let capture = pieces.concat();
        let mut out = Vec::new();
        let postbacks = {
            let mut sink = Writers { writers: vec![Box::new(JsonArray::new(&mut out).unwrap())], postbacks: 0, rejected: 0 };
            read_input("<test>", capture.as_bytes(), &Options::default(), &mut sink).unwrap();
            sink.writers[0].finish().unwrap();
            sink.postbacks
        };
        let array: Value = serde_json::from_slice(&out).unwrap();
        prop_assert_eq!(array.as_array().map(Vec::len), Some(postbacks));
    }
}
