//! The HTML pages: server-rendered with askama, readable without JavaScript, every form carrying
//! a CSRF token. Errors render as friendly pages with the right status ([`errors`]).
//!
//! A page handler uses only extractors (who is asking, the form), `ops` (what can be done, and
//! the data to show) and `views` (how it is shown): no SQL, no service client here.

pub mod admin;
pub mod auth;
mod cards;
pub mod community;
pub mod consoles;
pub mod errors;
pub mod filters;
pub mod home;
mod layout;
pub mod me;
pub mod moderation;
pub mod own_data;
pub mod post;
pub mod release;
pub mod titles;
pub mod user;

use crate::error::{Error, PageError, error_page};
use askama::Template;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
pub use layout::{Layout, LayoutUser};
use plaza_http::ErrorResponse;
use serde::de::DeserializeOwned;

/// Page results.
pub type PageResult<T = Response> = Result<T, PageError>;

/// Renders a template as a 200 page.
pub fn render<T: Template>(page: &T) -> PageResult {
    render_status(StatusCode::OK, page)
}

/// A page every signed-out reader sees alike, rendered once and kept for a few seconds under
/// `key` (which changes whenever anything the page shows does; see
/// `ops::feeds::anyones_page_key`). Each answer carries the reader's own CSRF token.
pub struct ForAnyone {
    key: String,
    /// The reader as the page is rendered for them: the CSRF token left as a hole.
    viewer: crate::auth::Viewer,
}

impl ForAnyone {
    /// The kept page under `key` for `viewer`, answered at once (`Err`); else how to render
    /// and keep it. `None` when the page is not shared: a signed-in or stale viewer, or no key.
    pub async fn find(
        state: &crate::AppState,
        viewer: &crate::auth::Viewer,
        key: Option<String>,
    ) -> Result<Option<ForAnyone>, Response> {
        let Some(key) = key.filter(|_| Self::shares(viewer)) else {
            return Ok(None);
        };
        match crate::ops::feeds::rendered(state, &key) {
            Some(page) => Err(Self::answer(&page, viewer)),
            None => Ok(Some(ForAnyone {
                key,
                viewer: crate::auth::Viewer {
                    // Where the CSRF token goes: each answer gets the reader's own token there.
                    csrf: crate::holes::Hole::Csrf.mark().to_owned(),
                    ..viewer.clone()
                },
            })),
        }
    }

    /// Whether `viewer` gets shared pages: signed out, and not waiting for a write of theirs.
    pub fn shares(viewer: &crate::auth::Viewer) -> bool {
        viewer.user.is_none() && !viewer.stale
    }

    /// The viewer to render the page for: `viewer`, or the shared page's reader.
    pub fn viewer<'a>(
        shared: &'a Option<ForAnyone>,
        viewer: &'a crate::auth::Viewer,
    ) -> &'a crate::auth::Viewer {
        shared.as_ref().map_or(viewer, |s| &s.viewer)
    }

    /// Answers `viewer` with `page` (rendered for [`ForAnyone::viewer`]): kept for every
    /// signed-out reader when `shared`, else rendered for this request alone with `status`.
    pub async fn render<T: Template>(
        shared: Option<ForAnyone>,
        state: &crate::AppState,
        viewer: &crate::auth::Viewer,
        status: StatusCode,
        page: &T,
    ) -> PageResult {
        let Some(shared) = shared else {
            return render_status(status, page);
        };
        let page = std::sync::Arc::new(crate::holes::Holed::cut(&html_of(page)?));
        crate::ops::feeds::keep_rendered(state, shared.key, page.clone());
        Ok(Self::answer(&page, viewer))
    }

    fn answer(page: &crate::holes::Holed, viewer: &crate::auth::Viewer) -> Response {
        Html(page.with_csrf(&viewer.csrf)).into_response()
    }
}

/// Renders a template with a status (422 for a form sent back with an error).
pub fn render_status<T: Template>(status: StatusCode, page: &T) -> PageResult {
    Ok((status, Html(html_of(page)?)).into_response())
}

fn html_of<T: Template>(page: &T) -> Result<String, Error> {
    // Rendered straight into the string that is sent, sized from the last page of the same
    // template this thread rendered (with room to spare): grown from the template's own size
    // hint, a page of 50 kB reallocated (and copied) itself several times, and rendering into a
    // kept buffer cost a copy of the whole page instead.
    thread_local! {
        static SIZES: std::cell::RefCell<Vec<(&'static str, usize)>> =
            const { std::cell::RefCell::new(Vec::new()) };
    }
    let template = std::any::type_name::<T>();
    let last = SIZES.with_borrow(|sizes| {
        sizes
            .iter()
            .find(|(name, _)| *name == template)
            .map_or(T::SIZE_HINT, |&(_, size)| size + size / 8)
    });
    let mut html = String::with_capacity(last);
    page.render_into(&mut html)
        .map_err(|e| Error::Internal(anyhow::anyhow!("rendering a page: {e}")))?;
    SIZES.with_borrow_mut(
        |sizes| match sizes.iter_mut().find(|(name, _)| *name == template) {
            Some(entry) => entry.1 = html.len(),
            None => sizes.push((template, html.len())),
        },
    );
    Ok(html)
}

/// The status of a page that may carry a form's error: 422 when it does (the form is sent back
/// to be corrected), else 200.
pub fn form_status(form_error: Option<&str>) -> StatusCode {
    if form_error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    }
}

/// The message shown above a form that `e` refused, in the viewer's language.
pub fn form_message(viewer: &crate::auth::Viewer, e: &Error) -> String {
    let body = e.to_response();
    viewer.locale.error(&body.code, &body.message)
}

/// The page for a URL no route matches.
pub async fn not_found() -> Response {
    error_page(ErrorResponse::new(
        StatusCode::NOT_FOUND,
        "no_route",
        "There is no page here.",
    ))
}

/// A URL-encoded form; a malformed one is answered with a friendly 400 page.
#[derive(Debug)]
pub struct Form<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Form<T> {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Form::<T>::from_request(req, state).await {
            Ok(axum::Form(value)) => Ok(Form(value)),
            Err(rejection) => Err(PageError(Error::Invalid(plaza_types::validate::Invalid {
                code: "malformed_form",
                message: rejection.body_text(),
            }))),
        }
    }
}

/// A list page's query: where the page starts.
#[derive(Debug, Default, serde::Deserialize)]
pub struct CursorQuery {
    pub cursor: Option<String>,
}

/// A same-site path to go back to after a form, or `fallback`.
pub fn back_to(back: Option<&str>, fallback: &str) -> Redirect {
    Redirect::to(&same_origin_path(back).unwrap_or_else(|| fallback.to_owned()))
}

/// `back` as a path on this site, or `None` when it could lead anywhere else. It is resolved the
/// way a browser resolves a `Location` (the WHATWG URL parser drops tabs and newlines and reads `\`
/// as `/`, so `/\t/evil.example` means `//evil.example`) and kept only when it stays on this origin;
/// control characters are refused outright. The answer is the parser's own serialisation, so it
/// is always a valid header value.
fn same_origin_path(back: Option<&str>) -> Option<String> {
    let back = back?;
    if !back.starts_with('/') || back.chars().any(char::is_control) {
        return None;
    }
    let base = url::Url::parse("http://plaza.invalid/").ok()?;
    let target = base.join(back).ok()?;
    if target.origin() != base.origin() {
        return None;
    }
    Some(target[url::Position::BeforePath..].to_owned())
}

/// Whether the request asked for JSON (the progressive JavaScript does, for Yeahs).
pub fn wants_json(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"))
}

/// The "Load more" link for a page with a next cursor.
pub fn next_url(base: &str, cursor: Option<&str>) -> Option<String> {
    let cursor = cursor?;
    let sep = if base.contains('?') { '&' } else { '?' };
    Some(format!("{base}{sep}cursor={cursor}"))
}

/// A post form, sent URL-encoded or, with a screenshot file, as multipart.
#[derive(Debug)]
pub struct PostForm(pub WriteForm);

impl<S: Send + Sync> FromRequest<S> for PostForm {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let multipart = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("multipart/form-data"));
        if !multipart {
            return Form::<WriteForm>::from_request(req, state)
                .await
                .map(|Form(f)| PostForm(f));
        }
        let malformed = |message: String| {
            PageError(Error::Invalid(plaza_types::validate::Invalid {
                code: "malformed_form",
                message,
            }))
        };
        let mut parts = axum::extract::Multipart::from_request(req, state)
            .await
            .map_err(|e| malformed(e.body_text()))?;
        let mut form = WriteForm::default();
        while let Some(field) = parts
            .next_field()
            .await
            .map_err(|e| malformed(e.body_text()))?
        {
            let name = field.name().unwrap_or_default().to_owned();
            if name == "screenshot" {
                let declared = field.content_type().map(str::to_owned);
                let bytes = field.bytes().await.map_err(|e| malformed(e.body_text()))?;
                if !bytes.is_empty() {
                    use base64::Engine;
                    form.screenshot =
                        Some(base64::engine::general_purpose::STANDARD.encode(&bytes));
                    form.screenshot_type = declared;
                }
                continue;
            }
            let text = field.text().await.map_err(|e| malformed(e.body_text()))?;
            match name.as_str() {
                "csrf" => form.csrf = text,
                "body" => form.body = text,
                "feeling" => form.feeling = Some(text),
                "spoiler" => form.spoiler = Some(text),
                "topic_tag" => form.topic_tag = Some(text),
                "painting" => form.painting = Some(text),
                "drawing_alt" => form.drawing_alt = Some(text),
                _ => {}
            }
        }
        Ok(PostForm(form))
    }
}

/// The fields of a post or comment form.
#[derive(Debug, Default, serde::Deserialize)]
pub struct WriteForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub body: String,
    pub feeling: Option<String>,
    pub spoiler: Option<String>,
    pub topic_tag: Option<String>,
    /// The canvas drawing as base64 PNG (filled in by the page's script).
    pub painting: Option<String>,
    /// The drawing's description, its text alternative.
    pub drawing_alt: Option<String>,
    /// An uploaded screenshot (base64) and its declared type, from a multipart form.
    #[serde(skip)]
    pub screenshot: Option<String>,
    #[serde(skip)]
    pub screenshot_type: Option<String>,
}

/// What a post or comment form sent back with an error held, shown again for correcting (empty
/// on a page without an error).
#[derive(Debug, Default)]
pub struct Draft {
    pub body: String,
    pub feeling: usize,
    pub spoiler: bool,
    pub drawing_alt: String,
    pub topic: String,
}

impl Draft {
    /// The error `form` was sent back for and its draft; or no error and an empty draft.
    pub fn of(form: Option<(&WriteForm, String)>) -> (Option<String>, Self) {
        let Some((form, error)) = form else {
            return (None, Draft::default());
        };
        let draft = Draft {
            body: form.body.clone(),
            feeling: form
                .feeling
                .as_deref()
                .and_then(|f| f.parse().ok())
                .unwrap_or(0),
            spoiler: form.spoiler.is_some(),
            drawing_alt: form.drawing_alt.clone().unwrap_or_default(),
            topic: form.topic_tag.clone().unwrap_or_default(),
        };
        (Some(error), draft)
    }
}

impl WriteForm {
    /// The form as the shared input (an unreadable feeling is caught by validation).
    pub fn input(&self) -> crate::ops::posts::WriteInput {
        crate::ops::posts::WriteInput {
            body: self.body.clone(),
            feeling: self
                .feeling
                .as_deref()
                .map_or(0, |f| f.trim().parse().unwrap_or(-1)),
            spoiler: self.spoiler.is_some(),
            topic_tag: self.topic_tag.clone(),
            painting: self.painting.clone(),
            drawing_alt: self.drawing_alt.clone(),
            screenshot: self.screenshot.clone(),
            screenshot_type: self.screenshot_type.clone(),
        }
    }
}

/// A form with only a CSRF token and an on/off switch.
#[derive(Debug, Default, serde::Deserialize)]
pub struct SwitchForm {
    #[serde(default)]
    pub csrf: String,
    /// "1" to switch on, "0" to switch off.
    pub on: Option<String>,
    pub give: Option<String>,
    pub back: Option<String>,
}

impl SwitchForm {
    /// Whether the form switches on.
    pub fn on(&self) -> bool {
        self.on.as_deref().or(self.give.as_deref()) != Some("0")
    }
}

/// The six feeling names for the form.
pub const FEELINGS: [&str; 6] = plaza_types::validate::FEELINGS;

#[cfg(test)]
mod tests {
    use super::same_origin_path;

    #[test]
    fn back_keeps_paths_on_this_site() {
        assert_eq!(
            same_origin_path(Some("/posts/12?x=1#c")).as_deref(),
            Some("/posts/12?x=1#c")
        );
        assert_eq!(same_origin_path(Some("/")).as_deref(), Some("/"));
    }

    #[test]
    fn back_refuses_anything_that_could_leave_the_site() {
        for back in [
            "//evil.example/",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "/ok\0",
            "/ok\u{7f}",
            "https://evil.example/",
            "evil.example",
            "javascript:alert(1)",
            "",
        ] {
            assert_eq!(same_origin_path(Some(back)), None, "{back:?}");
        }
        assert_eq!(same_origin_path(None), None);
    }

    #[test]
    fn back_is_always_a_valid_header_value() {
        let path = same_origin_path(Some("/users/ü ser\"<x>")).unwrap_or_default();
        assert!(axum::http::HeaderValue::from_str(&path).is_ok(), "{path}");
    }
}
