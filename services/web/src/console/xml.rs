//! The console API's answers: XML documents `<result><has_error>0</has_error><version>1</version>
//! <request_name>…</request_name>…</result>`, and its errors, the same frame with `has_error` 1,
//! the HTTP status in `<code>`, Plaza's stable code in `<error_code>` and a message. Every
//! element is written through quick-xml so that text is always escaped.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

/// The protocol version every answer names.
pub const VERSION: u32 = 1;

/// An XML answer being written.
pub struct Doc {
    writer: Writer<Vec<u8>>,
    /// Elements opened and not yet closed, closed in order by [`Doc::finish`].
    open: Vec<&'static str>,
}

impl std::fmt::Debug for Doc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Doc").field("open", &self.open).finish()
    }
}

impl Doc {
    /// A successful answer to the request named `request_name` (e.g. `posts`).
    pub fn ok(request_name: &str) -> Self {
        let mut doc = Self::frame(false);
        doc.text("request_name", request_name);
        doc
    }

    fn frame(has_error: bool) -> Self {
        let mut doc = Doc {
            writer: Writer::new(Vec::with_capacity(1024)),
            open: Vec::new(),
        };
        doc.event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
        doc.open("result");
        doc.text("has_error", if has_error { "1" } else { "0" });
        doc.text("version", VERSION);
        doc
    }

    /// Writing into a `Vec` cannot fail (quick-xml's I/O errors come only from the sink).
    fn event(&mut self, event: Event<'_>) {
        let _infallible = self.writer.write_event(event);
    }

    /// Opens an element; [`Doc::close`] closes the latest one.
    pub fn open(&mut self, name: &'static str) {
        self.event(Event::Start(BytesStart::new(name)));
        self.open.push(name);
    }

    /// Closes the element opened last.
    pub fn close(&mut self) {
        if let Some(name) = self.open.pop() {
            self.event(Event::End(BytesEnd::new(name)));
        }
    }

    /// `<name>value</name>`, the value escaped; characters XML 1.0 cannot carry at all (most
    /// control characters) become U+FFFD.
    pub fn text(&mut self, name: &'static str, value: impl std::fmt::Display) {
        let value = value.to_string();
        let value: String = value
            .chars()
            .map(|c| {
                if matches!(c, '\t' | '\n' | '\r') || !c.is_control() {
                    c
                } else {
                    '\u{FFFD}'
                }
            })
            .collect();
        self.event(Event::Start(BytesStart::new(name)));
        self.event(Event::Text(BytesText::new(&value)));
        self.event(Event::End(BytesEnd::new(name)));
    }

    /// `<name/>`: a field with no value.
    pub fn empty(&mut self, name: &'static str) {
        self.event(Event::Empty(BytesStart::new(name)));
    }

    /// `<name>value</name>`, or `<name/>` when there is no value.
    pub fn text_or_empty(&mut self, name: &'static str, value: Option<impl std::fmt::Display>) {
        match value {
            Some(value) => self.text(name, value),
            None => self.empty(name),
        }
    }

    /// `<name>1</name>` or `<name>0</name>`, as consoles read flags.
    pub fn flag(&mut self, name: &'static str, value: bool) {
        self.text(name, if value { "1" } else { "0" });
    }

    /// The document's bytes, every open element closed.
    pub fn into_bytes(mut self) -> Vec<u8> {
        while !self.open.is_empty() {
            self.close();
        }
        self.writer.into_inner()
    }

    /// The answer with `status`.
    pub fn respond(self, status: StatusCode) -> Response {
        let mut response = (status, self.into_bytes()).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/xml; charset=utf-8"),
        );
        response
    }
}

impl IntoResponse for Doc {
    fn into_response(self) -> Response {
        self.respond(StatusCode::OK)
    }
}

/// An error document: `has_error` 1, the status in `<code>`, the stable code and the message.
pub fn error(status: StatusCode, code: &str, message: &str) -> Doc {
    let mut doc = Doc::frame(true);
    doc.text("code", status.as_u16());
    doc.text("error_code", code);
    doc.text("message", message);
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(doc: Doc) -> String {
        String::from_utf8(doc.into_bytes()).unwrap()
    }

    #[test]
    fn an_answer_has_the_frame_consoles_expect() {
        let mut doc = Doc::ok("posts");
        doc.open("posts");
        doc.open("post");
        doc.text("id", 42);
        doc.flag("is_spoiler", true);
        let xml = text(doc);
        assert_eq!(
            xml,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><result><has_error>0</has_error>\
             <version>1</version><request_name>posts</request_name><posts><post><id>42</id>\
             <is_spoiler>1</is_spoiler></post></posts></result>"
        );
    }

    #[test]
    fn text_is_escaped_and_control_characters_replaced() {
        let mut doc = Doc::ok("posts");
        doc.text("body", "<b>&\"fish\"</b>\u{1}");
        let xml = text(doc);
        assert!(
            xml.contains("<body>&lt;b&gt;&amp;&quot;fish&quot;&lt;/b&gt;\u{FFFD}</body>"),
            "{xml}"
        );
    }

    #[test]
    fn an_error_names_status_code_and_message() {
        let xml = text(error(
            StatusCode::BAD_REQUEST,
            "parampack_odd_fields",
            "Odd.",
        ));
        assert!(xml.contains(
            "<has_error>1</has_error><version>1</version><code>400</code>\
             <error_code>parampack_odd_fields</error_code><message>Odd.</message></result>"
        ));
    }
}
