//! A post's page with its comments, and the forms that act on posts and comments.

use super::{
    Draft, FEELINGS, ForAnyone, Form, Layout, PageResult, SwitchForm, WriteForm, back_to, next_url,
    wants_json,
};
use crate::auth::Viewer;
use crate::ops::{feeds, posts};
use crate::views::{CommentView, PostView, UserRef};
use crate::{AppState, Error};
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use plaza_http::{Json, Path, Query};
use plaza_types::Id;
use plaza_types::empathy::TargetKind;
use plaza_types::pages::YeahState;

#[derive(Template)]
#[template(path = "post.html")]
struct PostPage {
    layout: Layout,
    post: PostView,
    comments: Vec<CommentView>,
    yeahers: Vec<UserRef>,
    next_url: Option<String>,
    form_error: Option<String>,
    draft: Draft,
    feelings: [&'static str; 6],
}

#[derive(Debug, serde::Deserialize)]
pub struct PostQuery {
    cursor: Option<String>,
}

async fn show_page(
    state: &AppState,
    viewer: &Viewer,
    id: Id,
    cursor: Option<String>,
    status: StatusCode,
    form: Option<(&WriteForm, String)>,
) -> PageResult {
    let base = format!("/posts/{id}");
    let path = next_url(&base, cursor.as_deref()).unwrap_or_else(|| base.clone());
    // A first page with no form on it is the same for every signed-out reader.
    let key = match (&cursor, &form, status) {
        (None, None, StatusCode::OK) if ForAnyone::shares(viewer) => {
            feeds::anyones_post_page_key(state, id, (viewer.locale.lang().code(), &path)).await
        }
        _ => None,
    };
    let shared = match ForAnyone::find(state, viewer, key).await {
        Ok(shared) => shared,
        Err(kept) => return Ok(kept),
    };
    let viewer_shown = ForAnyone::viewer(&shared, viewer);
    let feeds::PostPage {
        post,
        comments,
        yeahers,
    } = feeds::post_with_comments(state, viewer.user.as_ref(), id, cursor.clone()).await?;
    let title = if post.deleted {
        viewer.locale.t("title.deleted_post").to_owned()
    } else {
        viewer
            .locale
            .tv("title.post", "name", &post.author.display_name)
    };
    let (form_error, draft) = Draft::of(form);
    let page = PostPage {
        layout: Layout::new(state, viewer_shown, title, path).await,
        next_url: next_url(&base, comments.next_cursor.as_deref()),
        post,
        comments: comments.items,
        yeahers,
        form_error,
        draft,
        feelings: FEELINGS,
    };
    ForAnyone::render(shared, state, viewer, status, &page).await
}

/// `GET /posts/{id}`.
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<Id>,
    Query(q): Query<PostQuery>,
) -> PageResult {
    show_page(&state, &viewer, id, q.cursor, StatusCode::OK, None).await
}

/// `POST /posts/{id}/comments`.
pub async fn comment(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<Id>,
    Form(form): Form<WriteForm>,
) -> PageResult {
    let user = viewer.require_form(&form.csrf)?;
    match posts::comment(&state, user, id, &form.input(), "web").await {
        Ok(c) => Ok(Redirect::to(&format!("/posts/{id}#c{}", c.id)).into_response()),
        Err(Error::Invalid(invalid)) => {
            show_page(
                &state,
                &viewer,
                id,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some((&form, viewer.locale.error(invalid.code, &invalid.message))),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /posts/{id}/delete` and (`COMMENT`) `POST /comments/{id}/delete`: the author, or an
/// admin, deletes a post or a comment, then sees the post again.
pub async fn delete<const COMMENT: bool>(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<Id>,
    Form(form): Form<SwitchForm>,
) -> PageResult {
    let user = viewer.require_form(&form.csrf)?;
    let back = if COMMENT {
        let comment = posts::delete_comment(&state, user, id).await?;
        format!("/posts/{}#comments", comment.post_id)
    } else {
        posts::delete_post(&state, user, id).await?;
        format!("/posts/{id}")
    };
    Ok(Redirect::to(&back).into_response())
}

/// `POST /posts/{id}/yeah` and (`COMMENT`) `POST /comments/{id}/yeah`: gives or takes back a
/// Yeah; answers JSON to the page's script, or goes back to the page.
pub async fn yeah<const COMMENT: bool>(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<Id>,
    Form(form): Form<SwitchForm>,
) -> Response {
    let (kind, fallback) = if COMMENT {
        (TargetKind::Comment, format!("/comments/{id}"))
    } else {
        (TargetKind::Post, format!("/posts/{id}"))
    };
    let json = wants_json(&headers);
    let result = async {
        let user = viewer.require_form(&form.csrf)?;
        posts::yeah(&state, user, kind, id, form.on()).await
    }
    .await;
    match (result, json) {
        (Ok(outcome), true) => Json(YeahState {
            yeahed: form.on(),
            yeah_count: outcome.count,
        })
        .into_response(),
        (Ok(_), false) => back_to(form.back.as_deref(), &fallback).into_response(),
        (Err(e), true) => e.into_response(),
        (Err(e), false) => crate::error::PageError(e).into_response(),
    }
}

/// `GET /comments/{id}`: the comment in its post.
pub async fn comment_link(State(state): State<AppState>, Path(id): Path<Id>) -> PageResult {
    let comment = posts::find_comment(&state, id).await?;
    Ok(Redirect::to(&format!("/posts/{}#c{}", comment.post_id, comment.id)).into_response())
}
