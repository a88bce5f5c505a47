//! The provider's examples pass clean, and findings come in input order.

use super::*;

#[test]
fn provider_examples_are_clean() {
    for xml in [
        N201_FIXED,
        N202,
        N101_BINARY,
        N101_XHTML,
        N102_BINARY,
        N102_XHTML,
        E101,
        N003,
        E002,
    ] {
        assert_eq!(findings(xml), vec![], "{xml}");
    }
}

#[test]
fn reference_examples_are_clean() {
    for xml in [N401, N801, N301, N211] {
        assert_eq!(findings(xml), vec![], "{xml}");
    }
    let n304 = "<POSTBACK><ORIGIN>EMAIL_SUB</ORIGIN><CODE>N304</CODE>\
        <EMAIL>a@example.com</EMAIL><CAMPAIGNID>7</CAMPAIGNID></POSTBACK>";
    assert_eq!(findings(n304), vec![]);
    let e202 = edit(
        &edit(N202, "N202", "E202"),
        "Message Sent/Delivered",
        "Message Sent/NotSupported",
    );
    let e202 = edit(
        &e202,
        "  <AGGREGATORID>11529-64807-97508-73852-97658</AGGREGATORID>\n",
        "",
    );
    assert_eq!(findings(&e202), vec![]);
    let e201 = edit(
        &edit(N201_FIXED, "N201", "E201"),
        "Message Sent",
        "Message Failed",
    );
    assert_eq!(findings(&e201), vec![]);
}

#[test]
fn findings_are_sorted_by_offset() {
    let xml = edit(
        N202,
        "<AGGREGATORID>11529-64807-97508-73852-97658</AGGREGATORID>",
        "",
    );
    let xml = edit(&xml, "<SPID>0001470</SPID>", "<SPID>1</SPID>");
    let xml = edit(&xml, "<FROM>60856</FROM>", "<FROM>1</FROM>");
    let all = findings(&xml);
    assert!(all.windows(2).all(|w| w[0].at <= w[1].at));
    assert_eq!(all.len(), 3);
    assert_eq!(all[0].rule, Rule::MissingField);
}
