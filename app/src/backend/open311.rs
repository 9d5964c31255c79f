//! Open311 GeoReport v2 (issue 13) as documents: one tree per answer,
//! written as JSON or as the spec's XML, so both formats always carry the
//! same fields in the same nesting. Field names and nesting follow
//! <http://wiki.open311.org/GeoReport_v2>.

use serde_json::{Map, Value};

/// The two formats the spec defines, by the file extension asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Xml,
}

impl Format {
    /// `name.json` / `name.xml` → (`name`, format); anything else: none.
    pub fn split(file: &str) -> Option<(&str, Format)> {
        if let Some(stem) = file.strip_suffix(".json") {
            Some((stem, Format::Json))
        } else {
            file.strip_suffix(".xml").map(|stem| (stem, Format::Xml))
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/json; charset=utf-8",
            Format::Xml => "text/xml; charset=utf-8",
        }
    }
}

/// A value in an answer.
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    Str(String),
    Int(i64),
    Num(f64),
    Bool(bool),
    /// JSON `null`; an empty element in XML.
    Null,
    /// A list: a JSON array; in XML one `<item>` element per entry.
    List(&'static str, Vec<Val>),
    /// Named fields in order: a JSON object; XML child elements.
    Rec(Vec<(&'static str, Val)>),
}

impl Val {
    pub fn str(s: impl Into<String>) -> Val {
        Val::Str(s.into())
    }

    pub fn opt(s: Option<String>) -> Val {
        s.map_or(Val::Null, Val::Str)
    }

    pub fn to_json(&self) -> Value {
        match self {
            Val::Str(s) => Value::String(s.clone()),
            Val::Int(i) => Value::from(*i),
            Val::Num(n) => Value::from(*n),
            Val::Bool(b) => Value::Bool(*b),
            Val::Null => Value::Null,
            Val::List(_, items) => Value::Array(items.iter().map(Val::to_json).collect()),
            Val::Rec(fields) => {
                let mut m = Map::new();
                for (k, v) in fields {
                    m.insert((*k).to_string(), v.to_json());
                }
                Value::Object(m)
            }
        }
    }

    /// The document as XML with `root` as its outermost element.
    pub fn to_xml(&self, root: &str) -> String {
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>");
        self.write_xml(root, &mut out);
        out
    }

    fn write_xml(&self, tag: &str, out: &mut String) {
        out.push('<');
        out.push_str(tag);
        out.push('>');
        match self {
            Val::Str(s) => escape_into(s, out),
            Val::Int(i) => out.push_str(&i.to_string()),
            Val::Num(n) => out.push_str(&n.to_string()),
            Val::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Val::Null => {}
            Val::List(item, items) => {
                for v in items {
                    v.write_xml(item, out);
                }
            }
            Val::Rec(fields) => {
                for (k, v) in fields {
                    v.write_xml(k, out);
                }
            }
        }
        out.push_str("</");
        out.push_str(tag);
        out.push('>');
    }

    /// The answer body in `format`, `root` naming the XML document.
    pub fn render(&self, format: Format, root: &str) -> String {
        match format {
            Format::Json => self.to_json().to_string(),
            Format::Xml => self.to_xml(root),
        }
    }
}

fn escape_into(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot carry at all are dropped.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            '\u{fffe}' | '\u{ffff}' => {}
            c => out.push(c),
        }
    }
}

/// A refused request as the spec words it: the HTTP status and
/// `errors/error{code, description}`.
#[derive(Clone, Debug, PartialEq)]
pub struct Open311Error {
    pub status: u16,
    pub description: String,
    /// A 429's wait, in seconds (sent as `Retry-After`).
    pub retry_after: Option<u64>,
}

impl Open311Error {
    pub fn new(status: u16, description: impl Into<String>) -> Open311Error {
        Open311Error {
            status,
            description: description.into(),
            retry_after: None,
        }
    }

    /// Too many requests: try again in `secs` seconds.
    pub fn too_many(secs: u64) -> Open311Error {
        Open311Error {
            retry_after: Some(secs),
            ..Open311Error::new(429, format!("too many requests: try again in {secs} s"))
        }
    }

    pub fn doc(&self) -> Val {
        Val::List(
            "error",
            vec![Val::Rec(vec![
                ("code", Val::Int(self.status as i64)),
                ("description", Val::str(self.description.clone())),
            ])],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_formats_carry_the_same_tree() {
        let doc = Val::List(
            "service",
            vec![Val::Rec(vec![
                ("service_code", Val::str("12")),
                ("service_name", Val::str("占道 <经营> & 摆摊")),
                ("metadata", Val::Bool(false)),
                ("description", Val::Null),
            ])],
        );
        assert_eq!(
            doc.to_json(),
            serde_json::json!([{"service_code": "12", "service_name": "占道 <经营> & 摆摊",
                "metadata": false, "description": null}])
        );
        assert_eq!(
            doc.to_xml("services"),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><services><service><service_code>12</service_code>\
             <service_name>占道 &lt;经营&gt; &amp; 摆摊</service_name><metadata>false</metadata>\
             <description></description></service></services>"
        );
        assert_eq!(
            Format::split("requests.xml"),
            Some(("requests", Format::Xml))
        );
        assert_eq!(Format::split("12.json"), Some(("12", Format::Json)));
        assert_eq!(Format::split("requests.csv"), None);
    }

    #[test]
    fn errors_are_a_list_of_code_and_description() {
        let e = Open311Error::new(404, "no such service");
        assert_eq!(
            e.doc().to_json(),
            serde_json::json!([{"code": 404, "description": "no such service"}])
        );
        assert!(e
            .doc()
            .to_xml("errors")
            .ends_with("<errors><error><code>404</code><description>no such service</description></error></errors>"));
    }
}
