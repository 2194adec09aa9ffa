//! Drawings through the API and the pages: stored once, served as 1-bit PNGs, shown with their
//! size; bad paintings refused with their own codes, storing nothing.

use crate::helpers::{Browser, TestApp, ids};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use image::ExtendedColorType;
use image::codecs::tga::TgaEncoder;
use plaza_test_support::{assert_error, assert_status, has_gps, header, phone_photo, retry_after};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::io::Write;

/// A Wii U style painting: a zlib-compressed 32-bit TGA, base64. Ink where `ink(x, y)`.
pub(crate) fn painting(w: u32, h: u32, ink: impl Fn(u32, u32) -> bool) -> String {
    let mut raw = Vec::new();
    for y in 0..h {
        for x in 0..w {
            let v = if ink(x, y) { 0 } else { 255 };
            raw.extend_from_slice(&[v, v, v, 255]);
        }
    }
    let mut tga = Vec::new();
    TgaEncoder::new(&mut tga)
        .encode(&raw, w, h, ExtendedColorType::Rgba8)
        .unwrap();
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(&tga).unwrap();
    STANDARD.encode(z.finish().unwrap())
}

pub(crate) fn stripes(x: u32, y: u32) -> bool {
    (x / 10 + y / 10).is_multiple_of(2)
}

async fn media_files(app: &TestApp) -> usize {
    app.media_keys("drawings/").await.len()
}

#[tokio::test]
async fn a_game_painting_is_stored_once_and_served_as_the_same_pixels() {
    let app = TestApp::start().await;
    let (token, c) = app.sign_up_with_community("artist").await;
    let p = painting(320, 120, stripes);
    let (status, body) = app
        .post_in(&token, &c, json!({"body": "", "painting": p}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let url = body["post"]["drawing_url"].as_str().unwrap().to_owned();
    assert!(url.starts_with("/media/drawings/") && url.ends_with(".png"));
    assert_eq!(body["post"]["body"], "");

    let response = app.get_raw(&url).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "image/png");
    assert!(header(&response, "cache-control").contains("immutable"));
    let png = response.bytes().await.unwrap();
    let img = image::load_from_memory(&png).unwrap().to_luma8();
    assert_eq!(img.dimensions(), (320, 120));
    for (x, y, p) in img.enumerate_pixels() {
        assert_eq!(p.0[0] == 0, stripes(x, y), "pixel {x},{y}");
    }
    let url2 = body["post"]["drawing_url_2x"].as_str().unwrap();
    let double = app.fetch(url2).await.1;
    assert_eq!(image::load_from_memory(&double).unwrap().width(), 640);

    // The same picture again is stored once.
    assert_eq!(media_files(&app).await, 2);
    let (_, again) = app
        .post_in(&token, &c, json!({"body": "again", "painting": p}))
        .await;
    assert_eq!(again["post"]["drawing_url"], url.as_str());
    assert_eq!(media_files(&app).await, 2);
}

#[tokio::test]
async fn bad_paintings_are_refused_with_their_codes_and_store_nothing() {
    let app = TestApp::start().await;
    let (token, c) = app.sign_up_with_community("smudge").await;
    let bomb = {
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        z.write_all(&vec![0u8; 20 * 1024 * 1024]).unwrap();
        STANDARD.encode(z.finish().unwrap())
    };
    let cases: Vec<(Value, StatusCode, &str)> = vec![
        (
            json!("%%% not base64"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_base64",
        ),
        (
            json!(STANDARD.encode(b"just some text")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "not_an_image",
        ),
        (
            json!(painting(100, 100, stripes)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "wrong_drawing_size",
        ),
        (
            json!(painting(320, 120, |_, _| false)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "not_an_image",
        ),
        (
            json!(bomb),
            StatusCode::PAYLOAD_TOO_LARGE,
            "decompression_bomb",
        ),
        (
            json!(STANDARD.encode(vec![7u8; 41_000])),
            StatusCode::PAYLOAD_TOO_LARGE,
            "painting_too_large",
        ),
    ];
    for (p, status, code) in cases {
        let (got, body) = app
            .post_in(&token, &c, json!({"body": "x", "painting": p}))
            .await;
        assert_eq!(got, status, "{code}: {body}");
        assert_eq!(body["error"], code);
    }
    assert_eq!(app.community_post_count(&c).await, 0);
    assert_eq!(media_files(&app).await, 0);
    // Text is still required without a drawing.
    let (status, body) = app.post_in(&token, &c, json!({"body": ""})).await;
    assert_error((status, &body), 422, "body_empty");
    // Media keys cannot escape the store.
    for path in [
        "/media/../plaza.db",
        "/media/drawings/..%2F..%2Fplaza.db",
        "/media/drawings/nothing.png",
    ] {
        let r = app.get_raw(path).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn drawings_show_in_pages_with_their_size_and_in_the_drawings_tab() {
    let app = TestApp::start().await;
    let (token, c) = app.sign_up_with_community("sketch").await;
    let (_, drawn) = app
        .post_in(
            &token,
            &c,
            json!({"body": "look", "painting": painting(320, 120, stripes)}),
        )
        .await;
    let drawn_id = drawn["post"]["id"].as_str().unwrap().to_owned();
    let text_id = app.post_text(&token, &c, "words only").await;
    let url = app.community_url(&c).await;

    let page = app.page(&url).await;
    assert!(page.contains("class=\"drawing\""));
    assert!(
        page.contains("width=\"320\" height=\"120\" loading=\"lazy\" alt=\"A drawing by sketch\"")
    );
    let tab = app.page(&format!("{url}?tab=drawings")).await;
    assert!(tab.contains(&format!("id=\"post-{drawn_id}\"")));
    assert!(!tab.contains(&format!("id=\"post-{text_id}\"")));
    let (_, user_posts) = app.get("/api/v1/users/sketch/posts", None).await;
    assert!(ids(&user_posts, "posts").contains(&drawn_id));
    // The compose form offers the canvas (revealed by the script) and keeps a text-only fallback.
    let (browser, _) = Browser::signed_in(&app, "sketch").await;
    let (_, own) = browser.get(&url).await;
    assert!(own.contains("data-canvas hidden"));
    assert!(own.contains("name=\"painting\""));
}

#[tokio::test]
async fn a_canvas_png_posted_from_the_page_form_becomes_a_drawing() {
    let app = TestApp::start().await;
    app.sign_up("penny").await;
    let c = app.community().await;
    let url = app.community_url(&c).await;
    // What the canvas script sends: a 320x120 PNG, base64 without the data: prefix.
    let mut rgba = image::RgbaImage::from_pixel(320, 120, image::Rgba([255, 255, 255, 255]));
    for x in 10..300 {
        rgba.put_pixel(x, 60, image::Rgba([0, 0, 0, 255]));
    }
    let mut png = Vec::new();
    image::DynamicImage::ImageRgba8(rgba)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let (browser, csrf) = Browser::signed_in(&app, "penny").await;
    let painting = STANDARD.encode(&png);
    let r = browser
        .submit(
            &format!("{url}/posts"),
            &[("csrf", &csrf), ("body", ""), ("painting", &painting)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, posts) = app.get("/api/v1/users/penny/posts", None).await;
    let src = posts["posts"][0]["drawing_url"].as_str().unwrap();
    let stored = app.fetch(src).await.1;
    let img = image::load_from_memory(&stored).unwrap().to_luma8();
    assert_eq!(img.get_pixel(150, 60).0[0], 0);
    assert_eq!(img.get_pixel(150, 61).0[0], 255);
}

#[tokio::test]
async fn a_phone_screenshot_is_scaled_stripped_of_gps_and_shown_with_a_thumbnail() {
    let app = TestApp::start().await;
    let (token, c) = app.sign_up_with_community("snapper").await;
    let photo = phone_photo(2560, 1440);
    let (status, body) = app
        .post_in(&token, &c, json!({"body": "", "screenshot": STANDARD.encode(&photo), "screenshot_type": "image/jpeg"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let post = &body["post"];
    assert_eq!(post["screenshot_width"], 1920);
    assert_eq!(post["screenshot_height"], 1080);
    let full = app.get_raw(post["screenshot_url"].as_str().unwrap()).await;
    assert_eq!(full.headers()["content-type"], "image/jpeg");
    let stored = full.bytes().await.unwrap();
    assert!(!has_gps(&stored), "no GPS in the stored file");
    assert!(!stored.windows(4).any(|w| w == b"Exif"));
    assert_eq!(image::load_from_memory(&stored).unwrap().width(), 1920);
    let thumb = app
        .get_raw(post["screenshot_thumb_url"].as_str().unwrap())
        .await
        .bytes()
        .await
        .unwrap();
    assert!(image::load_from_memory(&thumb).unwrap().width() <= 320);

    let url = app.community_url(&c).await;
    let page = app.page(&url).await;
    assert!(page.contains(
        "width=\"1920\" height=\"1080\" loading=\"lazy\" alt=\"A screenshot shared by snapper\""
    ));
}

#[tokio::test]
async fn bad_screenshots_are_refused_and_store_nothing() {
    let app = TestApp::start().await;
    let (token, c) = app.sign_up_with_community("blurry").await;
    let photo = phone_photo(64, 64);
    let cases = [
        (
            json!({"body": "x", "screenshot": STANDARD.encode(&photo), "screenshot_type": "image/png"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "content_type_mismatch",
        ),
        (
            json!({"body": "x", "screenshot": STANDARD.encode(&photo[..photo.len() / 2])}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "truncated_image",
        ),
        (
            json!({"body": "x", "screenshot": STANDARD.encode(b"GIF89a nope")}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "not_an_image",
        ),
        (
            json!({"body": "x", "screenshot": STANDARD.encode(vec![0xFFu8; 8 * 1024 * 1024 + 1])}),
            StatusCode::PAYLOAD_TOO_LARGE,
            "screenshot_too_large",
        ),
    ];
    for (input, status, code) in cases {
        let (got, body) = app.post_in(&token, &c, input).await;
        assert_eq!(got, status, "{code}: {body}");
        assert_eq!(body["error"], code);
    }
    assert_eq!(app.community_post_count(&c).await, 0);
    assert!(app.media_keys("screenshots/").await.is_empty());
}

/// Posts `photo` as a screenshot with no text through the community page's form at `url`.
async fn post_screenshot_form(
    browser: &Browser,
    url: &str,
    csrf: &str,
    photo: Vec<u8>,
) -> reqwest::Response {
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf.to_owned())
        .text("body", "")
        .text("feeling", "1")
        .part(
            "screenshot",
            reqwest::multipart::Part::bytes(photo)
                .file_name("IMG_0001.jpg")
                .mime_str("image/jpeg")
                .unwrap(),
        );
    browser
        .submit_multipart(&format!("{url}/posts"), form)
        .await
}

#[tokio::test]
async fn a_screenshot_uploaded_from_the_page_form_is_attached_to_the_post() {
    let app = TestApp::start().await;
    app.sign_up("uploader").await;
    let c = app.community().await;
    let url = app.community_url(&c).await;
    let (browser, csrf) = Browser::signed_in(&app, "uploader").await;
    let r = post_screenshot_form(&browser, &url, &csrf, phone_photo(800, 600)).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, posts) = app.get("/api/v1/users/uploader/posts", None).await;
    assert_eq!(posts["posts"][0]["screenshot_width"], 800);
    let src = posts["posts"][0]["screenshot_url"].as_str().unwrap();
    let stored = app.fetch(src).await.1;
    assert!(!has_gps(&stored));
}

#[tokio::test]
async fn media_no_post_refers_to_is_removed_after_the_grace_period_and_the_rest_stays() {
    let app = TestApp::start_configured(None, |c| {
        c.worker.media_gc_interval_secs = 1;
        c.worker.media_gc_grace_secs = 1;
    })
    .await;
    let (token, c) = app.sign_up_with_community("tidy").await;
    let post_with = |p: String| {
        let app = &app;
        let token = token.clone();
        let c = c.clone();
        async move {
            let (_, body) = app
                .post_in(&token, &c, json!({"body": "", "painting": p}))
                .await;
            body["post"].clone()
        }
    };
    let kept = post_with(painting(320, 120, stripes)).await;
    let gone = post_with(painting(320, 120, |x, _| x < 100)).await;
    app.delete(
        &format!("/api/v1/posts/{}", gone["id"].as_str().unwrap()),
        &token,
    )
    .await;
    let gone_url = gone["drawing_url"].as_str().unwrap().to_owned();
    let kept_url = kept["drawing_url"].as_str().unwrap().to_owned();
    let status = |url: String| {
        let app = &app;
        async move { app.get_raw(&url).await.status() }
    };
    // The clean-up deletes a drawing's objects one after another: wait until both are gone.
    let mut removed = false;
    for _ in 0..100 {
        if status(gone_url.clone()).await == StatusCode::NOT_FOUND
            && status(gone_url.replace(".png", "@2x.png")).await == StatusCode::NOT_FOUND
        {
            removed = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        removed,
        "the deleted post's drawing and its 2x rendition were cleaned up"
    );
    assert_eq!(status(kept_url.clone()).await, StatusCode::OK);
    assert_eq!(
        status(kept_url.replace(".png", "@2x.png")).await,
        StatusCode::OK
    );
}

#[tokio::test]
async fn comments_carry_drawings_which_the_clean_up_keeps() {
    let app = TestApp::start_configured(None, |c| {
        c.worker.media_gc_interval_secs = 1;
        c.worker.media_gc_grace_secs = 1;
    })
    .await;
    let (_, _, post) = app.sign_up_and_post("poster", "draw me something").await;
    let replier = app.sign_up("replier").await;
    let (status, body) = app
        .comment_on(
            &replier,
            &post,
            json!({"body": "", "painting": painting(320, 120, stripes)}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let url = body["comment"]["drawing_url"].as_str().unwrap().to_owned();
    let (_, comments) = app.comments_of(&post).await;
    assert_eq!(comments["comments"][0]["drawing_url"], url.as_str());
    let page = app.page(&format!("/posts/{post}")).await;
    assert!(page.contains("alt=\"A drawing by replier\""));
    // Two clean-up passes later the comment's drawing is still there.
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    let r = app.get_raw(&url).await;
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_drawing_described_by_its_author_carries_the_description_as_its_alt_text() {
    let app = TestApp::start().await;
    let (token, c) = app.sign_up_with_community("describer").await;
    let (status, drawn) = app
        .post_in(
            &token,
            &c,
            json!({"body": "", "painting": painting(320, 120, stripes),
                   "drawing_alt": "  A cat <waving> at the moon  "}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(drawn["post"]["drawing_alt"], "A cat <waving> at the moon");
    let post_id = drawn["post"]["id"].as_str().unwrap().to_owned();
    let page = app.page(&format!("/posts/{post_id}")).await;
    assert!(
        page.contains("alt=\"A cat &#60;waving&#62; at the moon\"")
            || page.contains("alt=\"A cat &lt;waving&gt; at the moon\""),
        "the description is the image's alt, escaped"
    );

    // A comment's drawing keeps its description too; without a drawing a description is dropped.
    let (_, comment) = app
        .comment_on(
            &token,
            &post_id,
            json!({"body": "", "painting": painting(320, 120, |x, _| x < 50),
                   "drawing_alt": "A black bar on the left"}),
        )
        .await;
    assert_eq!(comment["comment"]["drawing_alt"], "A black bar on the left");
    let (_, text_only) = app
        .post_in(
            &token,
            &c,
            json!({"body": "words", "drawing_alt": "nothing to describe"}),
        )
        .await;
    assert_eq!(text_only["post"]["drawing_alt"], Value::Null);
    let page = app.page(&format!("/posts/{post_id}")).await;
    assert!(page.contains("alt=\"A black bar on the left\""));

    // Too long a description is refused with its own code, and nothing is posted.
    assert_error(
        app.post_in(
            &token,
            &c,
            json!({"body": "", "painting": painting(320, 120, stripes),
                   "drawing_alt": "x".repeat(301)}),
        )
        .await,
        422,
        "drawing_alt_too_long",
    );
}

#[tokio::test]
async fn the_page_form_posts_a_drawing_with_its_description() {
    let app = TestApp::start().await;
    app.sign_up("alty").await;
    let c = app.community().await;
    let url = app.community_url(&c).await;
    let (browser, csrf) = Browser::signed_in(&app, "alty").await;
    let (_, form) = browser.get(&url).await;
    assert!(form.contains("<label for=\"drawing_alt\">Describe your drawing</label>"));
    let r = browser
        .submit(
            &format!("{url}/posts"),
            &[
                ("csrf", &csrf),
                ("body", ""),
                ("painting", &painting(320, 120, stripes)),
                ("drawing_alt", "Stripes, like a chessboard"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = app.page(&url).await;
    assert!(page.contains("alt=\"Stripes, like a chessboard\""));
}

#[tokio::test]
async fn uploads_have_their_own_rate_limit_and_text_posts_do_not_count() {
    let app = TestApp::start_configured(None, |c| c.rate_limits.upload_per_minute = 2).await;
    let (token, c) = app.sign_up_with_community("uploader").await;
    let path = format!("/api/v1/communities/{c}/posts");
    for i in 0..2 {
        let p = painting(320, 120, |x, y| (x + y + i) % 7 == 0);
        let (status, body) = app
            .post(&path, Some(&token), json!({"body": "", "painting": p}))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let p = painting(320, 120, stripes);
    assert_error(
        app.post(&path, Some(&token), json!({"body": "", "painting": p}))
            .await,
        429,
        "rate_limited",
    );
    // Nothing of the refused drawing was stored, and text still goes through.
    assert_eq!(
        media_files(&app).await,
        4,
        "two drawings and their 2x renditions"
    );
    app.post_text(&token, &c, "words still work").await;
}

#[tokio::test]
async fn media_urls_point_at_the_configured_media_base() {
    let app = TestApp::start_configured(None, |c| {
        c.media_url = "https://media.plaza.example/m/".into();
    })
    .await;
    let (token, c) = app.sign_up_with_community("cdnuser").await;
    let p = painting(320, 120, stripes);
    let (status, body) = app
        .post_in(&token, &c, json!({"body": "", "painting": p}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let url = body["post"]["drawing_url"].as_str().unwrap();
    assert!(
        url.starts_with("https://media.plaza.example/m/drawings/"),
        "{url}"
    );
    let page = app
        .page(&format!("/posts/{}", body["post"]["id"].as_str().unwrap()))
        .await;
    assert!(page.contains("https://media.plaza.example/m/drawings/"));
}

#[tokio::test]
async fn uploads_get_503_with_retry_after_while_every_image_worker_is_busy_and_store_nothing() {
    let app = TestApp::start_configured(None, |c| {
        c.images.decoders = 1;
        c.images.queue_wait_ms = 100;
    })
    .await;
    let (token, c) = app.sign_up_with_community("patient").await;
    let path = format!("/api/v1/communities/{c}/posts");
    let shot = json!({"body": "x", "screenshot": STANDARD.encode(phone_photo(64, 64))});
    let painted = json!({"body": "", "painting": painting(320, 120, stripes)});

    let busy = app.images().unwrap().occupy_all().unwrap();
    for input in [&shot, &painted] {
        let r = app
            .client
            .post(format!("{}{path}", app.url))
            .bearer_auth(&token)
            .json(input)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
        let wait = retry_after(&r);
        assert!(wait >= 1);
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["error"], "media_busy");
    }
    // The page form gets a friendly page with the same status.
    let url = app.community_url(&c).await;
    let (browser, csrf) = Browser::signed_in(&app, "patient").await;
    let r = post_screenshot_form(&browser, &url, &csrf, phone_photo(64, 64)).await;
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(r.headers().contains_key("retry-after"));
    assert!(r.text().await.unwrap().contains("Wait a moment"));

    let (_, feed) = app.get(&path, None).await;
    assert!(feed["posts"].as_array().unwrap().is_empty());
    assert!(app.media_keys("screenshots/").await.is_empty());
    assert!(app.media_keys("drawings/").await.is_empty());

    // Once a worker is free the same upload goes through.
    drop(busy);
    assert_status(app.post(&path, Some(&token), shot).await, 201);
}

#[tokio::test]
async fn sixteen_simultaneous_posts_of_the_same_new_drawing_all_succeed() {
    let app = TestApp::start().await;
    let (token, c) = app.sign_up_with_community("crowd").await;
    let path = format!("{}/api/v1/communities/{c}/posts", app.url);
    let p = painting(320, 120, |x, y| (x * 3 + y) % 11 == 0);
    let mut posts = tokio::task::JoinSet::new();
    for i in 0..16 {
        let request = app
            .client
            .post(&path)
            .bearer_auth(&token)
            .json(&json!({"body": format!("same {i}"), "painting": p}));
        posts.spawn(async move {
            let r = request.send().await.unwrap();
            (r.status(), r.json::<Value>().await.unwrap())
        });
    }
    let mut urls = std::collections::BTreeSet::new();
    while let Some(result) = posts.join_next().await {
        let (status, body) = result.unwrap();
        assert_eq!(status, StatusCode::CREATED, "{body}");
        urls.insert(body["post"]["drawing_url"].as_str().unwrap().to_owned());
    }
    assert_eq!(urls.len(), 1, "one picture: {urls:?}");
    assert_eq!(
        media_files(&app).await,
        2,
        "the drawing and its 2x rendition"
    );
    let url = urls.into_iter().next().unwrap();
    let (status, png) = app.fetch(&url).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(image::load_from_memory(&png).unwrap().width(), 320);
}

/// The status of `GET path` sent exactly as written (an HTTP client would resolve `.` parts
/// first); through the edge's TLS, the path as the client resolves it.
async fn raw_status(app: &TestApp, path: &str) -> StatusCode {
    use tokio::io::AsyncWriteExt;
    if !app.url.starts_with("http://") {
        return app.fetch(path).await.0;
    }
    let mut stream = app.raw_connection().await;
    let request = format!("GET {path} HTTP/1.1\r\nHost: plaza\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let line = crate::helpers::read_to_close(&mut stream, std::time::Duration::from_secs(30))
        .await
        .expect("the server answers and closes");
    let code = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    StatusCode::from_u16(code).unwrap()
}

#[tokio::test]
async fn folders_and_dot_paths_under_media_are_not_found() {
    let app = TestApp::start().await;
    let (token, c) = app.sign_up_with_community("prober").await;
    // Something stored first, so that the folders exist.
    let (status, _) = app
        .post_in(
            &token,
            &c,
            json!({"body": "", "painting": painting(320, 120, stripes),
                   "screenshot": STANDARD.encode(phone_photo(64, 64))}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    for path in [
        "/media/drawings",
        "/media/drawings/",
        "/media/.",
        "/media/./drawings",
        "/media/screenshots",
        "/media/screenshots/",
        "/media/drawings//x.png",
    ] {
        assert_eq!(
            raw_status(&app, path).await,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let body = assert_status(app.get("/media/drawings", None).await, 404);
    if body.is_object() {
        assert_eq!(body["error"], "not_found");
    }
}
