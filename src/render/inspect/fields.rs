//! Which rows a card shows (every element, nested ones indented, down to a
//! depth), and which row each finding goes under.

use std::collections::HashMap;

use crate::engine::Located;
use crate::postback::{Element, Postback};

/// Nesting levels shown: a field, its children (N401 FILE), two more. Deeper
/// elements are errors anyway (`nested-element`); showing them all would
/// make a deeply nested record's card grow with the square of its size.
const MAX_DEPTH: usize = 4;

/// One line of the card: an element and how deep it sits below its field.
pub(super) struct Row<'r, 'a> {
    pub(super) depth: usize,
    pub(super) el: &'r Element<'a>,
    /// Its children sit deeper than the card shows.
    pub(super) cut: bool,
}

/// Every element of the postback in document order, children after their
/// parent, down to [`MAX_DEPTH`]. Iterative: a hostile record may nest deeply.
pub(super) fn rows<'r, 'a>(pb: &'r Postback<'a>) -> Vec<Row<'r, 'a>> {
    let mut out = Vec::with_capacity(pb.fields.len());
    let mut stack: Vec<std::slice::Iter<'r, Element<'a>>> = vec![pb.fields.iter()];
    while let Some(level) = stack.last_mut() {
        let Some(el) = level.next() else {
            stack.pop();
            continue;
        };
        let depth = stack.len() - 1;
        let deeper = !el.children.is_empty();
        let cut = deeper && depth + 1 >= MAX_DEPTH;
        out.push(Row { depth, el, cut });
        if deeper && !cut {
            stack.push(el.children.iter());
        }
    }
    out
}

/// Splits findings into those about the whole postback (or a field it lacks)
/// and those about each row: the element they point at, else the first
/// element with the field's name.
pub(super) fn place<'f>(
    findings: &'f [Located],
    rows: &[Row<'_, '_>],
) -> (Vec<&'f Located>, Vec<Vec<&'f Located>>) {
    let mut header = Vec::new();
    let mut placed: Vec<Vec<&Located>> = rows.iter().map(|_| Vec::new()).collect();
    // Indexes, so a record with many fields and many findings stays linear.
    let mut by_offset: HashMap<usize, usize> = HashMap::with_capacity(rows.len());
    let mut by_name: HashMap<&str, usize> = HashMap::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        by_offset.entry(row.el.at).or_insert(i);
        by_name.entry(row.el.name).or_insert(i);
    }
    for located in findings {
        let field = located.finding.field.as_deref();
        let at = by_offset
            .get(&located.in_record)
            .copied()
            .filter(|&i| field.is_none_or(|name| rows[i].el.name == name))
            .or_else(|| field.and_then(|name| by_name.get(name).copied()));
        match at {
            Some(i) => placed[i].push(located),
            None => header.push(located),
        }
    }
    (header, placed)
}
