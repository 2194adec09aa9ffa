//! Posts across the boundary: a new post from C's fields, posts and lists of posts handed to C
//! (each freed by its `plaza_*_free`), the title's posts, Yeahs and comments.

use super::client::{PlazaClient, client_call};
use super::error::{Failure, PlazaStatus, quietly};
use super::strings::{
    bytes_arg, free_bytes, free_string, opt_c_string, opt_str_arg, out_arg, str_arg, to_c_bytes,
    to_c_string,
};
use crate::game::{app_data, encode_bytes};
use crate::types::{GameCommentInput, GameOrder, GamePost, GamePostInput, GamePostsQuery};
use plaza_types::Id;
use std::ffi::c_char;

/// A post to make. Zeroed fields mean "none" (or the default); `body` may be NULL when a
/// painting or screenshot is given.
#[repr(C)]
#[derive(Debug)]
pub struct PlazaNewPost {
    /// One of the title's communities; 0 = its main community.
    pub community_id: i64,
    /// The text (UTF-8, at most 1000 characters), or NULL.
    pub body: *const c_char,
    /// 0 normal, 1 happy, 2 like, 3 surprised, 4 frustrated, 5 puzzled.
    pub feeling: i32,
    pub spoiler: bool,
    /// A topic tag, or NULL.
    pub topic_tag: *const c_char,
    /// A 320×120 painting: a zlib-compressed 32-bit TGA (Wii U) or BMP (3DS), or a PNG.
    pub painting: *const u8,
    pub painting_len: usize,
    /// A screenshot, JPEG or PNG (at most 8 MiB), and its content type ("image/jpeg").
    pub screenshot: *const u8,
    pub screenshot_len: usize,
    pub screenshot_type: *const c_char,
    /// The game's own bytes, at most 1024, given back exactly with the post.
    pub app_data: *const u8,
    pub app_data_len: usize,
    /// Up to 5 search keys of at most 32 characters each.
    pub search_keys: *const *const c_char,
    pub search_keys_len: usize,
    /// Posted by the game on the player's behalf.
    pub is_autopost: bool,
    /// The post offers "open in game" with its app_data.
    pub is_app_jumpable: bool,
}

/// A post as the game API gives it. Every pointer is owned by the post: free it with
/// `plaza_post_free` (or the list it is in with `plaza_post_list_free`). Optional strings are
/// NULL when absent.
#[repr(C)]
#[derive(Debug)]
pub struct PlazaPost {
    pub id: i64,
    pub community_id: i64,
    /// The title that posted it (16 hex digits), or NULL for a post made on the site.
    pub title_id: *mut c_char,
    pub author_id: i64,
    pub author_username: *mut c_char,
    pub author_display_name: *mut c_char,
    pub body: *mut c_char,
    pub feeling: u8,
    pub spoiler: bool,
    pub topic_tag: *mut c_char,
    /// The drawing as a 1-bit PNG (320×120), or NULL.
    pub drawing_url: *mut c_char,
    pub screenshot_url: *mut c_char,
    /// The game's bytes exactly as posted (NULL and 0 when none).
    pub app_data: *mut u8,
    pub app_data_len: usize,
    pub search_keys: *mut *mut c_char,
    pub search_keys_len: usize,
    pub is_autopost: bool,
    pub is_app_jumpable: bool,
    pub yeah_count: i64,
    /// Whether the client's player gave it a Yeah.
    pub yeahed_by_me: bool,
    pub comment_count: i64,
    /// RFC 3339, UTC.
    pub created_at: *mut c_char,
    /// The post's page on the site.
    pub url: *mut c_char,
}

/// A page of posts: `len` posts at `posts`, and the cursor of the next page (NULL on the last
/// page). Freed whole by `plaza_post_list_free`.
#[repr(C)]
#[derive(Debug)]
pub struct PlazaPostList {
    pub posts: *mut PlazaPost,
    pub len: usize,
    pub next_cursor: *mut c_char,
}

/// Which of the title's posts to list. Zeroed fields mean "no filter" / the default.
#[repr(C)]
#[derive(Debug)]
pub struct PlazaPostsQuery {
    /// One of the title's communities; 0 = its main community.
    pub community_id: i64,
    /// 0 newest first, 1 popular (most Yeahs in the last 7 days).
    pub popular: bool,
    /// Only posts with this search key, or NULL.
    pub search_key: *const c_char,
    /// Only posts with this topic tag, or NULL.
    pub topic_tag: *const c_char,
    /// Only posts with `feeling` (0 normal … 5 puzzled) when true.
    pub filter_feeling: bool,
    pub feeling: i32,
    /// Leave out spoilers.
    pub no_spoilers: bool,
    /// Only posts with a drawing.
    pub only_drawings: bool,
    /// Posts per page, 1–100; 0 = 20.
    pub limit: u32,
    /// The `next_cursor` of a previous page, or NULL for the first page.
    pub cursor: *const c_char,
}

impl PlazaNewPost {
    /// The post's JSON input.
    ///
    /// # Safety
    /// Every pointer is NULL or valid for its length (strings NUL-terminated) for the call.
    unsafe fn input(&self) -> Result<GamePostInput, Failure> {
        // SAFETY: the caller's promise on every field.
        unsafe {
            let painting = bytes_arg(self.painting, self.painting_len, "painting")?;
            let screenshot = bytes_arg(self.screenshot, self.screenshot_len, "screenshot")?;
            let app_data = bytes_arg(self.app_data, self.app_data_len, "app_data")?;
            let keys = if self.search_keys_len == 0 {
                &[][..]
            } else if self.search_keys.is_null() {
                return Err(Failure::invalid("search_keys is NULL with a length"));
            } else {
                std::slice::from_raw_parts(self.search_keys, self.search_keys_len)
            };
            let search_keys = keys
                .iter()
                .map(|k| str_arg(*k, "a search key").map(str::to_owned))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(GamePostInput {
                community_id: (self.community_id != 0).then_some(Id(self.community_id)),
                body: opt_str_arg(self.body, "body")?.unwrap_or("").to_owned(),
                feeling: i64::from(self.feeling),
                spoiler: self.spoiler,
                topic_tag: opt_str_arg(self.topic_tag, "topic_tag")?.map(str::to_owned),
                painting: (!painting.is_empty()).then(|| encode_bytes(painting)),
                screenshot: (!screenshot.is_empty()).then(|| encode_bytes(screenshot)),
                screenshot_type: opt_str_arg(self.screenshot_type, "screenshot_type")?
                    .map(str::to_owned),
                // An empty app_data is sent as none: the server keeps no empty value apart.
                app_data: (!app_data.is_empty()).then(|| encode_bytes(app_data)),
                search_keys,
                is_autopost: self.is_autopost,
                is_app_jumpable: self.is_app_jumpable,
            })
        }
    }
}

impl PlazaPostsQuery {
    /// # Safety
    /// Its strings are NULL or NUL-terminated for the call.
    unsafe fn query(&self) -> Result<GamePostsQuery, Failure> {
        // SAFETY: the caller's promise on the strings.
        unsafe {
            Ok(GamePostsQuery {
                community_id: (self.community_id != 0).then_some(Id(self.community_id)),
                order: self.popular.then_some(GameOrder::Popular),
                search_key: opt_str_arg(self.search_key, "search_key")?.map(str::to_owned),
                topic_tag: opt_str_arg(self.topic_tag, "topic_tag")?.map(str::to_owned),
                feeling: self.filter_feeling.then_some(i64::from(self.feeling)),
                spoilers: self.no_spoilers.then_some(false),
                only_drawings: self.only_drawings.then_some(true),
                limit: (self.limit != 0).then_some(self.limit),
                cursor: opt_str_arg(self.cursor, "cursor")?.map(str::to_owned),
            })
        }
    }
}

impl PlazaPost {
    fn from_post(post: &GamePost) -> Result<Self, Failure> {
        let bytes = app_data(post)?.unwrap_or_default();
        let (app_data, app_data_len) = to_c_bytes(&bytes);
        let keys: Box<[*mut c_char]> = post.search_keys.iter().map(|k| to_c_string(k)).collect();
        let search_keys_len = keys.len();
        let search_keys = if keys.is_empty() {
            std::ptr::null_mut()
        } else {
            Box::into_raw(keys).cast::<*mut c_char>()
        };
        Ok(PlazaPost {
            id: post.id.0,
            community_id: post.community_id.0,
            title_id: opt_c_string(post.title_id.as_deref()),
            author_id: post.author.id.0,
            author_username: to_c_string(&post.author.username),
            author_display_name: to_c_string(&post.author.display_name),
            body: to_c_string(&post.body),
            feeling: post.feeling,
            spoiler: post.spoiler,
            topic_tag: opt_c_string(post.topic_tag.as_deref()),
            drawing_url: opt_c_string(post.drawing_url.as_deref()),
            screenshot_url: opt_c_string(post.screenshot_url.as_deref()),
            app_data,
            app_data_len,
            search_keys,
            search_keys_len,
            is_autopost: post.is_autopost,
            is_app_jumpable: post.is_app_jumpable,
            yeah_count: post.yeah_count,
            yeahed_by_me: post.yeahed_by_me,
            comment_count: post.comment_count,
            created_at: to_c_string(&post.created_at.to_rfc3339()),
            url: to_c_string(&post.url),
        })
    }

    /// Frees what the post owns (not the post itself).
    ///
    /// # Safety
    /// Made by [`PlazaPost::from_post`] and not freed before.
    unsafe fn free_fields(&mut self) {
        // SAFETY: every pointer was made by to_c_string / to_c_bytes / a boxed slice here.
        unsafe {
            for s in [
                self.title_id,
                self.author_username,
                self.author_display_name,
                self.body,
                self.topic_tag,
                self.drawing_url,
                self.screenshot_url,
                self.created_at,
                self.url,
            ] {
                free_string(s);
            }
            free_bytes(self.app_data, self.app_data_len);
            if !self.search_keys.is_null() {
                let keys = Box::from_raw(std::ptr::slice_from_raw_parts_mut(
                    self.search_keys,
                    self.search_keys_len,
                ));
                for k in keys.iter() {
                    free_string(*k);
                }
            }
        }
    }
}

/// Posts for the client's player; the new post goes into `*out` (free it with
/// `plaza_post_free`). The post is sent with one idempotency key on all its retries, so it is
/// made at most once.
///
/// # Safety
/// `client` is a live handle, `post` a valid `PlazaNewPost`, `out` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn plaza_post_create(
    client: *const PlazaClient,
    post: *const PlazaNewPost,
    out: *mut *mut PlazaPost,
) -> PlazaStatus {
    // SAFETY: forwarded with the caller's promises; no key means a new one.
    unsafe { plaza_post_create_with_key(client, post, std::ptr::null(), out) }
}

/// The same under the game's own `idempotency_key` (1–255 visible ASCII characters), kept by a
/// game that must send a post again after a restart without making it twice; NULL = a new key.
///
/// # Safety
/// As `plaza_post_create`; `idempotency_key` is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn plaza_post_create_with_key(
    client: *const PlazaClient,
    post: *const PlazaNewPost,
    idempotency_key: *const c_char,
    out: *mut *mut PlazaPost,
) -> PlazaStatus {
    // SAFETY: the caller's promises, each pointer checked for null.
    unsafe {
        client_call(client, |handle| {
            let post = post
                .as_ref()
                .ok_or_else(|| Failure::invalid("post is NULL"))?;
            let out = out_arg(out, "out")?;
            let input = post.input()?;
            let key = match opt_str_arg(idempotency_key, "idempotency_key")? {
                Some(k) => k.to_owned(),
                None => crate::new_idempotency_key()?,
            };
            let made = handle.wait(handle.client.create_post_with_key(&input, key))?;
            out.write(Box::into_raw(Box::new(PlazaPost::from_post(&made)?)));
            Ok(())
        })
    }
}

/// One post by id into `*out` (free it with `plaza_post_free`).
///
/// # Safety
/// `client` is a live handle, `out` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn plaza_post_get(
    client: *const PlazaClient,
    post_id: i64,
    out: *mut *mut PlazaPost,
) -> PlazaStatus {
    // SAFETY: the caller's promises, each pointer checked for null.
    unsafe {
        client_call(client, |handle| {
            let out = out_arg(out, "out")?;
            let thread = handle.wait(handle.client.post(Id(post_id), None))?;
            out.write(Box::into_raw(Box::new(PlazaPost::from_post(&thread.post)?)));
            Ok(())
        })
    }
}

/// Frees a post from `plaza_post_create` or `plaza_post_get` (NULL is ignored). Not for a post
/// inside a list.
///
/// # Safety
/// `post` came from this library on its own and is freed once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn plaza_post_free(post: *mut PlazaPost) {
    quietly(|| {
        if !post.is_null() {
            // SAFETY: made by Box::into_raw above, freed once.
            unsafe {
                let mut post = Box::from_raw(post);
                post.free_fields();
            }
        }
    });
}

/// A page of the title's posts into `*out` (free it with `plaza_post_list_free`); `query` may
/// be NULL for the newest posts of the main community.
///
/// # Safety
/// `client` is a live handle, `query` NULL or valid, `out` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn plaza_posts_list(
    client: *const PlazaClient,
    query: *const PlazaPostsQuery,
    out: *mut *mut PlazaPostList,
) -> PlazaStatus {
    // SAFETY: the caller's promises, each pointer checked for null.
    unsafe {
        client_call(client, |handle| {
            let out = out_arg(out, "out")?;
            let query = match query.as_ref() {
                Some(q) => q.query()?,
                None => GamePostsQuery::default(),
            };
            let page = handle.wait(handle.client.posts(&query))?;
            let mut posts = Vec::with_capacity(page.posts.len());
            for p in &page.posts {
                match PlazaPost::from_post(p) {
                    Ok(p) => posts.push(p),
                    Err(e) => {
                        for mut made in posts {
                            made.free_fields();
                        }
                        return Err(e);
                    }
                }
            }
            let posts: Box<[PlazaPost]> = posts.into_boxed_slice();
            let len = posts.len();
            let list = PlazaPostList {
                posts: if len == 0 {
                    std::ptr::null_mut()
                } else {
                    Box::into_raw(posts).cast::<PlazaPost>()
                },
                len,
                next_cursor: opt_c_string(page.next_cursor.as_deref()),
            };
            out.write(Box::into_raw(Box::new(list)));
            Ok(())
        })
    }
}

/// Frees a list from `plaza_posts_list` and every post in it (NULL is ignored).
///
/// # Safety
/// `list` came from `plaza_posts_list` and is freed once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn plaza_post_list_free(list: *mut PlazaPostList) {
    quietly(|| {
        if list.is_null() {
            return;
        }
        // SAFETY: made by Box::into_raw in plaza_posts_list, its posts a boxed slice of `len`.
        unsafe {
            let list = Box::from_raw(list);
            if !list.posts.is_null() {
                let mut posts =
                    Box::from_raw(std::ptr::slice_from_raw_parts_mut(list.posts, list.len));
                for p in posts.iter_mut() {
                    p.free_fields();
                }
            }
            free_string(list.next_cursor);
        }
    });
}

/// Gives (`on` true) or takes back (`on` false) the player's Yeah on a post; the post's Yeah
/// count afterwards goes into `*yeah_count` when it is not NULL.
///
/// # Safety
/// `client` is a live handle; `yeah_count` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn plaza_yeah(
    client: *const PlazaClient,
    post_id: i64,
    on: bool,
    yeah_count: *mut i64,
) -> PlazaStatus {
    // SAFETY: the caller's promises, each pointer checked for null.
    unsafe {
        client_call(client, |handle| {
            let id = Id(post_id);
            let yeah = if on {
                handle.wait(handle.client.yeah(id))?
            } else {
                handle.wait(handle.client.unyeah(id))?
            };
            if !yeah_count.is_null() {
                yeah_count.write(yeah.yeah_count);
            }
            Ok(())
        })
    }
}

/// Comments `body` on a post for the player; the new comment's id goes into `*comment_id` when
/// it is not NULL.
///
/// # Safety
/// `client` is a live handle, `body` NUL-terminated, `comment_id` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn plaza_comment_create(
    client: *const PlazaClient,
    post_id: i64,
    body: *const c_char,
    comment_id: *mut i64,
) -> PlazaStatus {
    // SAFETY: the caller's promises, each pointer checked for null.
    unsafe {
        client_call(client, |handle| {
            let input = GameCommentInput {
                body: str_arg(body, "body")?.to_owned(),
                ..GameCommentInput::default()
            };
            let made = handle.wait(handle.client.comment(Id(post_id), &input))?;
            if !comment_id.is_null() {
                comment_id.write(made.id.0);
            }
            Ok(())
        })
    }
}
