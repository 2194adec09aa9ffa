//! The console API end to end through HTTP, as a Wii U or 3DS client speaking the XML protocol
//! would use it: discovery, linking a console by its code, real ParamPacks, multipart posts with
//! a painting and app_data read back exactly, replies, Yeahs, deletes, people and topics, the
//! posts then on the web pages, and each malformed request's own code.

use crate::helpers::{TestApp, assert_page};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use quick_xml::Reader;
use quick_xml::events::Event;
use reqwest::multipart::Form;
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::io::Write;

/// Splatoon (USA): 0005000010176900, 1407375153522944 in decimal.
const TITLE: &str = "0005000010176900";
const TITLE_DECIMAL: &str = "1407375153522944";
/// Mario Kart 7 (USA), registered as a second title.
const OTHER_TITLE: &str = "0004000000030800";

/// What Splatoon on a Wii U in the United States sends as its ParamPack.
const WII_U_PACK: &str = "XHRpdGxlX2lkXDE0MDczNzUxNTM1MjI5NDRcYWNjZXNzX2tleVwxMDk0OTIxNDMyXHBsYXRmb3JtX2lkXDFccmVnaW9uX2lkXDJcbGFuZ3VhZ2VfaWRcMVxjb3VudHJ5X2lkXDQ5XGFyZWFfaWRcNlxuZXR3b3JrX3Jlc3RyaWN0aW9uXDBcZnJpZW5kX3Jlc3RyaWN0aW9uXDBccmF0aW5nX3Jlc3RyaWN0aW9uXDE3XHJhdGluZ19vcmdhbml6YXRpb25cMVx0cmFuc2ZlcmFibGVfaWRcMTIzODU4MTIzMDQ2NTgwMTQyMTBcdHpfbmFtZVxBbWVyaWNhL05ld19Zb3JrXHV0Y19vZmZzZXRcLTE4MDAwXA==";

/// A ParamPack made of `fields`, as a console encodes one.
fn pack(fields: &[(&str, &str)]) -> String {
    let mut text = String::from("\\");
    for (k, v) in fields {
        text.push_str(&format!("{k}\\{v}\\"));
    }
    STANDARD.encode(text)
}

// ---- A small XML tree, read with quick-xml, so answers are checked element by element. ----

#[derive(Debug, Default, Clone)]
struct Node {
    name: String,
    text: String,
    children: Vec<Node>,
}

impl Node {
    fn parse(xml: &str) -> Node {
        let mut reader = Reader::from_str(xml);
        let mut stack: Vec<Node> = vec![Node::default()];
        loop {
            match reader
                .read_event()
                .unwrap_or_else(|e| panic!("not XML ({e}): {xml}"))
            {
                Event::Start(e) => stack.push(Node {
                    name: String::from_utf8(e.name().as_ref().to_vec()).unwrap(),
                    ..Node::default()
                }),
                Event::Empty(e) => stack.last_mut().unwrap().children.push(Node {
                    name: String::from_utf8(e.name().as_ref().to_vec()).unwrap(),
                    ..Node::default()
                }),
                Event::Text(t) => {
                    let text = t.xml_content().unwrap().into_owned();
                    stack.last_mut().unwrap().text.push_str(&text);
                }
                Event::GeneralRef(r) => {
                    let text = match r.resolve_char_ref().unwrap() {
                        Some(c) => c.to_string(),
                        None => match &*r.decode().unwrap() {
                            "lt" => "<".into(),
                            "gt" => ">".into(),
                            "amp" => "&".into(),
                            "quot" => "\"".into(),
                            "apos" => "'".into(),
                            other => panic!("unexpected entity {other}"),
                        },
                    };
                    stack.last_mut().unwrap().text.push_str(&text);
                }
                Event::End(_) => {
                    let done = stack.pop().unwrap();
                    stack.last_mut().unwrap().children.push(done);
                }
                Event::Eof => break,
                _ => {}
            }
        }
        assert_eq!(stack.len(), 1, "unclosed elements in {xml}");
        let mut root = stack.pop().unwrap();
        assert_eq!(root.children.len(), 1, "one root element in {xml}");
        root.children.pop().unwrap()
    }

    fn child(&self, name: &str) -> &Node {
        self.children
            .iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("no <{name}> in <{}>: {self:#?}", self.name))
    }

    fn all(&self, name: &str) -> Vec<&Node> {
        self.children.iter().filter(|c| c.name == name).collect()
    }

    fn text(&self, name: &str) -> &str {
        &self.child(name).text
    }
}

/// A console: its ParamPack and service token.
struct Console {
    pack: String,
    token: String,
}

impl Console {
    fn wii_u(token: &str) -> Self {
        Console {
            pack: WII_U_PACK.to_owned(),
            token: token.to_owned(),
        }
    }
}

/// One console request; the status and the parsed XML (checked to be XML of the right type).
async fn call(
    app: &TestApp,
    console: &Console,
    method: Method,
    path: &str,
    form: Option<Form>,
) -> (StatusCode, Node) {
    let mut req = app
        .client
        .request(method, format!("{}{path}", app.url))
        .header("x-nintendo-parampack", &console.pack)
        .header("x-nintendo-servicetoken", &console.token);
    if let Some(f) = form {
        req = req.multipart(f);
    }
    answer(req.send().await.unwrap()).await
}

async fn answer(response: reqwest::Response) -> (StatusCode, Node) {
    let status = response.status();
    let kind = response.headers()[reqwest::header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .to_owned();
    let text = response.text().await.unwrap();
    assert!(kind.starts_with("application/xml"), "{kind}: {text}");
    assert!(
        text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"),
        "{text}"
    );
    let root = Node::parse(&text);
    assert_eq!(root.name, "result");
    assert_eq!(root.text("version"), "1");
    (status, root)
}

/// Asserts an XML error: `has_error` 1, the status in `<code>` and the stable code.
#[track_caller]
fn assert_xml_error(answer: &(StatusCode, Node), status: StatusCode, code: &str) {
    let (got, root) = answer;
    assert_eq!(*got, status, "{code}: {root:#?}");
    assert_eq!(root.text("has_error"), "1");
    assert_eq!(root.text("code"), status.as_u16().to_string());
    assert_eq!(root.text("error_code"), code, "{root:#?}");
    assert!(!root.text("message").is_empty());
}

/// Registers `title_id` as an admin; the admin's token and the title's main community id.
async fn register(app: &TestApp, title_id: &str) -> (String, String) {
    let admin = app.admin_token("admin").await;
    let main = app.register_title(&admin, title_id).await;
    (admin, main)
}

/// Links `console` to the account of `player_token` with the code the console shows.
async fn link(app: &TestApp, console: &Console, player_token: &str) {
    let shown = call(app, console, Method::GET, "/v1/communities", None).await;
    assert_xml_error(&shown, StatusCode::UNAUTHORIZED, "console_not_linked");
    let code = shown.1.text("link_code").to_owned();
    let (status, body) = app
        .post(
            "/api/v1/me/consoles",
            Some(player_token),
            json!({"code": code}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

/// A registered title, a player (web token) and their linked Wii U.
struct Setup {
    main: String,
    player: String,
    console: Console,
}

async fn setup(app: &TestApp) -> Setup {
    let (_, main) = register(app, TITLE).await;
    let player = app.sign_up("inkling").await;
    let console = Console::wii_u("wiiu-service-token-of-inkling-0001");
    link(app, &console, &player).await;
    Setup {
        main,
        player,
        console,
    }
}

/// A Wii U painting: 320×120 zlib-compressed 32-bit TGA (bottom-up rows, as the console writes
/// them), inked where `ink(x, y)`.
fn painting_bytes(w: u32, h: u32, ink: impl Fn(u32, u32) -> bool) -> Vec<u8> {
    let mut tga = vec![0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    tga.extend_from_slice(&u16::try_from(w).unwrap().to_le_bytes());
    tga.extend_from_slice(&u16::try_from(h).unwrap().to_le_bytes());
    tga.extend_from_slice(&[32, 8]);
    for y in (0..h).rev() {
        for x in 0..w {
            let v = if ink(x, y) { 0 } else { 255 };
            tga.extend_from_slice(&[v, v, v, 255]);
        }
    }
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(&tga).unwrap();
    z.finish().unwrap()
}

fn stripes(x: u32, y: u32) -> bool {
    (x + 2 * y) % 11 < 3
}

/// 1024 bytes of every value, as a game's save-like blob.
fn app_data() -> Vec<u8> {
    (0..1024u32).map(|i| (i * 7 % 256) as u8).collect()
}

fn post_form(app_data: &[u8]) -> Form {
    Form::new()
        .text("community_id", "0")
        .text("body", "Booyah! <3 & \"friends\"")
        .text(
            "painting",
            STANDARD.encode(painting_bytes(320, 120, stripes)),
        )
        .text("app_data", STANDARD.encode(app_data))
        .text("feeling_id", "2")
        .text("search_key", "ranked")
        .text("search_key", "splat zones")
        .text("topic_tag", "Squad up")
        .text("is_autopost", "1")
        .text("is_spoiler", "0")
        .text("is_app_jumpable", "1")
        .text("language_id", "1")
}

#[tokio::test]
async fn discovery_names_this_site_as_the_api_and_portal_host_and_is_not_in_the_json_openapi() {
    let app = TestApp::start().await;
    let response = app.get_raw("/v1/endpoint").await;
    let (status, root) = answer(response).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(root.text("has_error"), "0");
    assert_eq!(root.text("request_name"), "endpoint");
    let host = app
        .url
        .trim_start_matches("http://")
        .trim_start_matches("https://");
    let endpoint = root.child("endpoint");
    assert_eq!(endpoint.text("api_host"), host);
    assert_eq!(endpoint.text("portal_host"), host);
    assert_eq!(endpoint.text("n3ds_host"), host);

    let (_, openapi) = app.get("/api/v1/openapi.json", None).await;
    let paths = openapi["paths"].as_object().unwrap();
    assert!(
        paths
            .keys()
            .all(|p| !p.starts_with("/v1/") && !p.contains("/endpoint"))
    );
    assert!(paths.contains_key("/me/consoles"));
}

#[tokio::test]
async fn an_unlinked_console_shows_a_code_and_acts_for_the_player_who_enters_it_until_unlinked() {
    let app = TestApp::start().await;
    register(&app, TITLE).await;
    let player = app.sign_up("inkling").await;
    let console = Console::wii_u("a-revival-clients-random-token-0123456789");

    let first = call(&app, &console, Method::GET, "/v1/communities", None).await;
    assert_xml_error(&first, StatusCode::UNAUTHORIZED, "console_not_linked");
    let code = first.1.text("link_code").to_owned();
    assert_eq!(code.len(), 9, "{code}");
    assert!(first.1.text("message").contains(&code));
    // Asking again shows the same code while it lasts.
    let again = call(&app, &console, Method::GET, "/v1/topics", None).await;
    assert_eq!(again.1.text("link_code"), code);

    // A typo is refused; the code as typed (lower case, no dash) links.
    let (status, body) = app
        .post(
            "/api/v1/me/consoles",
            Some(&player),
            json!({"code": "2222-2222"}),
        )
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("link_code_not_found")
        )
    );
    let typed = code.replace('-', "").to_lowercase();
    let (status, body) = app
        .post("/api/v1/me/consoles", Some(&player), json!({"code": typed}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["console"]["platform"], "wiiu");
    let console_id = body["console"]["id"].as_str().unwrap().to_owned();

    // The code cannot link the same console to someone else.
    let other = app.sign_up("octoling").await;
    let (status, body) = app
        .post("/api/v1/me/consoles", Some(&other), json!({"code": code}))
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::CONFLICT, Some("console_already_linked"))
    );

    let (status, root) = call(&app, &console, Method::GET, "/v1/communities", None).await;
    assert_eq!(status, StatusCode::OK, "{root:#?}");
    assert_eq!(root.text("has_error"), "0");
    assert_eq!(root.text("request_name"), "communities");
    let communities = root.child("communities").all("community");
    assert_eq!(communities.len(), 1);
    assert_eq!(communities[0].text("title_id"), TITLE_DECIMAL);
    assert_eq!(communities[0].text("type"), "0");
    assert_eq!(communities[0].text("name"), format!("Game {TITLE}"));

    let (_, list) = app.get("/api/v1/me/consoles", Some(&player)).await;
    assert_eq!(list["consoles"].as_array().unwrap().len(), 1);
    let (_, list) = app.get("/api/v1/me/consoles", Some(&other)).await;
    assert!(list["consoles"].as_array().unwrap().is_empty());

    // Someone else cannot unlink it; its owner can, and the console is unlinked at once.
    let (status, _) = app
        .delete(&format!("/api/v1/me/consoles/{console_id}"), &other)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app
        .delete(&format!("/api/v1/me/consoles/{console_id}"), &player)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let after = call(&app, &console, Method::GET, "/v1/communities", None).await;
    assert_xml_error(&after, StatusCode::UNAUTHORIZED, "console_not_linked");
}

#[tokio::test]
async fn a_console_posts_a_painting_with_app_data_that_reads_back_exactly_and_shows_on_the_web() {
    let app = TestApp::start().await;
    let s = setup(&app).await;
    let data = app_data();

    let (status, root) = call(
        &app,
        &s.console,
        Method::POST,
        "/v1/posts",
        Some(post_form(&data)),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{root:#?}");
    assert_eq!(root.text("has_error"), "0");
    let id = root.child("post").text("id").to_owned();

    let (status, root) = call(
        &app,
        &s.console,
        Method::GET,
        "/v1/communities/0/posts",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{root:#?}");
    assert_eq!(root.text("request_name"), "posts");
    assert_eq!(root.child("topic").text("community_id"), s.main);
    let posts = root.child("posts").all("post");
    assert_eq!(posts.len(), 1);
    let post = posts[0];
    let (_, me) = app.me(&s.player).await;
    assert_eq!(post.text("id"), id);
    assert_eq!(post.text("pid"), me["user"]["id"].as_str().unwrap());
    assert_eq!(
        post.text("screen_name"),
        me["user"]["display_name"].as_str().unwrap()
    );
    assert_eq!(post.text("body"), "Booyah! <3 & \"friends\"");
    assert_eq!(post.text("feeling_id"), "2");
    assert_eq!(post.text("empathy_count"), "0");
    assert_eq!(post.text("reply_count"), "0");
    assert_eq!(post.text("is_spoiler"), "0");
    assert_eq!(post.text("is_autopost"), "1");
    assert_eq!(post.text("is_app_jumpable"), "1");
    assert_eq!(post.text("title_id"), TITLE_DECIMAL);
    assert_eq!(post.text("community_id"), s.main);
    assert_eq!(post.text("platform_id"), "1");
    assert_eq!(post.child("topic_tag").text("name"), "Squad up");
    let keys: Vec<&str> = post
        .all("search_key")
        .iter()
        .map(|k| k.text.as_str())
        .collect();
    assert_eq!(keys, ["ranked", "splat zones"]);
    assert!(post.child("screenshot").text.is_empty());
    let created = post.text("created_at");
    let shape: String = created
        .chars()
        .map(|c| if c.is_ascii_digit() { '9' } else { c })
        .collect();
    assert_eq!(shape, "9999-99-99 99:99:99", "{created}");
    // app_data comes back byte for byte.
    assert_eq!(STANDARD.decode(post.text("app_data")).unwrap(), data);
    // The painting comes back as a zlib TGA with the same pixels.
    let painting = post.child("painting");
    assert_eq!(painting.text("format"), "tga");
    let content = STANDARD.decode(painting.text("content")).unwrap();
    assert_eq!(painting.text("size"), content.len().to_string());
    let back = plaza_media::Drawing::from_game_bytes(&content).unwrap();
    let sent = plaza_media::Drawing::from_game_bytes(&painting_bytes(320, 120, stripes)).unwrap();
    assert_eq!(back, sent);
    let drawing_url = painting.text("url").to_owned();
    assert!(drawing_url.contains("drawings/"), "{drawing_url}");

    // On the web: the post's page shows its text and its drawing.
    let html = app.page(&format!("/posts/{id}")).await;
    assert!(
        html.contains("Booyah! &#60;3 &#38; &#34;friends&#34;"),
        "{html}"
    );
    assert!(html.contains(&drawing_url), "the drawing is on the page");
    let (status, png) = app.fetch(&drawing_url).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(plaza_media::Drawing::from_png(&png).unwrap(), sent);
    // And in the JSON API, from the console's platform.
    let (_, json) = app.read_post(&id).await;
    assert_eq!(json["post"]["platform"], "wiiu");
    assert_eq!(json["post"]["community"]["id"], s.main);
}

#[tokio::test]
async fn replies_yeahs_and_deletes_work_from_a_console() {
    let app = TestApp::start().await;
    let s = setup(&app).await;
    // Someone else posts in the title's main community from the web, and comments.
    let other = app.sign_up("octoling").await;
    let theirs = app.post_text(&other, &s.main, "Anyone for turf war?").await;
    app.comment(&other, &theirs, "Me first").await;

    let path = format!("/v1/posts/{theirs}/replies");
    let (status, root) = call(&app, &s.console, Method::GET, &path, None).await;
    assert_eq!(status, StatusCode::OK, "{root:#?}");
    assert_eq!(root.text("request_name"), "replies");
    assert_eq!(root.child("post").text("id"), theirs);
    assert_eq!(root.child("post").text("reply_count"), "1");
    let replies = root.child("posts").all("post");
    assert_eq!(replies.len(), 1);
    assert_eq!(replies[0].text("body"), "Me first");
    assert_eq!(replies[0].text("in_reply_to_id"), theirs);

    let path = format!("/v1/posts/{theirs}/empathies");
    let (status, root) = call(&app, &s.console, Method::POST, &path, None).await;
    assert_eq!(status, StatusCode::OK, "{root:#?}");
    assert_eq!(root.text("empathy_count"), "1");
    let (_, json) = app.read_post(&theirs).await;
    assert_eq!(json["post"]["yeah_count"], 1);
    let path = format!("/v1/posts/{theirs}/empathies.delete");
    let (_, root) = call(&app, &s.console, Method::POST, &path, None).await;
    assert_eq!(root.text("empathy_count"), "0");

    // Someone else's post cannot be deleted; one's own can.
    let path = format!("/v1/posts/{theirs}.delete");
    let refused = call(&app, &s.console, Method::POST, &path, None).await;
    assert_xml_error(&refused, StatusCode::FORBIDDEN, "not_author");
    let form = Form::new().text("body", "Delete me");
    let (_, root) = call(&app, &s.console, Method::POST, "/v1/posts", Some(form)).await;
    let mine = root.child("post").text("id").to_owned();
    let (status, root) = call(
        &app,
        &s.console,
        Method::POST,
        &format!("/v1/posts/{mine}.delete"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{root:#?}");
    let (_, root) = call(
        &app,
        &s.console,
        Method::GET,
        "/v1/communities/0/posts",
        None,
    )
    .await;
    let ids: Vec<&str> = root
        .child("posts")
        .all("post")
        .iter()
        .map(|p| p.text("id"))
        .collect();
    assert_eq!(ids, [theirs.as_str()]);
}

#[tokio::test]
async fn people_and_topics_show_the_titles_posts() {
    let app = TestApp::start().await;
    let s = setup(&app).await;
    let (_, root) = call(
        &app,
        &s.console,
        Method::POST,
        "/v1/posts",
        Some(Form::new().text("body", "From my Wii U")),
    )
    .await;
    let id = root.child("post").text("id").to_owned();

    let (status, root) = call(&app, &s.console, Method::GET, "/v1/people", None).await;
    assert_eq!(status, StatusCode::OK, "{root:#?}");
    let person = root.child("people").child("person");
    let posts = person.child("posts").all("post");
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].text("id"), id);
    let pid = person.text("pid").to_owned();

    // Another linked player reads the first one's posts by pid.
    let other = app.sign_up("octoling").await;
    let theirs = Console::wii_u("wiiu-service-token-of-octoling-0002");
    link(&app, &theirs, &other).await;
    let (_, root) = call(
        &app,
        &theirs,
        Method::GET,
        &format!("/v1/people?pid={pid}"),
        None,
    )
    .await;
    let posts = root
        .child("people")
        .child("person")
        .child("posts")
        .all("post");
    assert_eq!(posts[0].text("body"), "From my Wii U");

    let (status, root) = call(&app, &s.console, Method::GET, "/v1/topics", None).await;
    assert_eq!(status, StatusCode::OK, "{root:#?}");
    let topics = root.child("topics").all("topic");
    assert_eq!(topics.len(), 1);
    assert_eq!(topics[0].child("community").text("community_id"), s.main);
    assert_eq!(topics[0].child("posts").all("post")[0].text("id"), id);
}

#[tokio::test]
async fn the_list_filters_narrow_a_communitys_posts() {
    let app = TestApp::start().await;
    let s = setup(&app).await;
    let (status, _) = call(
        &app,
        &s.console,
        Method::POST,
        "/v1/posts",
        Some(post_form(&[1, 2, 3])),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let plain = Form::new()
        .text("body", "A spoiler")
        .text("is_spoiler", "1");
    call(&app, &s.console, Method::POST, "/v1/posts", Some(plain)).await;
    let count = |root: &Node| root.child("posts").all("post").len();
    for (query, expected) in [
        ("", 2),
        ("?search_key=ranked", 1),
        ("?search_key=nothing", 0),
        ("?type=memo", 1),
        ("?allow_spoiler=0", 1),
        ("?topic_tag=Squad%20up", 1),
        ("?limit=1", 1),
    ] {
        let path = format!("/v1/communities/{}/posts{query}", s.main);
        let (status, root) = call(&app, &s.console, Method::GET, &path, None).await;
        assert_eq!(status, StatusCode::OK, "{query}");
        assert_eq!(count(&root), expected, "{query}");
    }
}

#[tokio::test]
async fn every_malformed_request_has_its_own_code_and_changes_nothing() {
    let app = TestApp::start().await;
    let s = setup(&app).await;
    let (_, other_main) = register(&app, OTHER_TITLE).await;
    let token = &s.console.token;
    let with_pack = |p: &str| Console {
        pack: p.to_owned(),
        token: token.clone(),
    };
    let get = Method::GET;
    // ParamPack and token cases, on a read.
    for (console, status, code) in [
        (with_pack(""), StatusCode::BAD_REQUEST, "parampack_missing"),
        (
            with_pack("%%% not base64 %%%"),
            StatusCode::BAD_REQUEST,
            "parampack_not_base64",
        ),
        (
            with_pack(&STANDARD.encode("title_id\\1\\platform_id\\1")),
            StatusCode::BAD_REQUEST,
            "parampack_malformed",
        ),
        (
            with_pack(&STANDARD.encode("\\title_id\\1407375153522944\\platform_id\\")),
            StatusCode::BAD_REQUEST,
            "parampack_odd_fields",
        ),
        (
            with_pack(&pack(&[("platform_id", "1"), ("language_id", "1")])),
            StatusCode::BAD_REQUEST,
            "parampack_missing_title_id",
        ),
        (
            with_pack(&pack(&[("title_id", "1407375153522944")])),
            StatusCode::BAD_REQUEST,
            "parampack_missing_platform",
        ),
        (
            with_pack(&pack(&[
                ("title_id", "0x0005000010176900"),
                ("platform_id", "1"),
            ])),
            StatusCode::BAD_REQUEST,
            "parampack_invalid_number",
        ),
        (
            with_pack(&pack(&[
                ("title_id", TITLE_DECIMAL),
                ("platform_id", "1"),
                ("country_id", "US"),
            ])),
            StatusCode::BAD_REQUEST,
            "parampack_invalid_number",
        ),
        (
            with_pack(&pack(&[("title_id", TITLE_DECIMAL), ("platform_id", "7")])),
            StatusCode::BAD_REQUEST,
            "parampack_unknown_platform",
        ),
        (
            with_pack(&pack(&[
                ("title_id", TITLE_DECIMAL),
                ("platform_id", "1"),
                ("platform_id", "1"),
            ])),
            StatusCode::BAD_REQUEST,
            "parampack_duplicate_field",
        ),
        (
            with_pack(&pack(&[("title_id", "1"), ("platform_id", "1")])),
            StatusCode::NOT_FOUND,
            "unknown_title",
        ),
        (
            Console {
                pack: WII_U_PACK.into(),
                token: "short".into(),
            },
            StatusCode::UNAUTHORIZED,
            "service_token_invalid",
        ),
    ] {
        let got = call(&app, &console, get.clone(), "/v1/communities", None).await;
        assert_xml_error(&got, status, code);
    }
    let response = app
        .client
        .get(format!("{}/v1/communities", app.url))
        .header("x-nintendo-parampack", WII_U_PACK)
        .send()
        .await
        .unwrap();
    assert_xml_error(
        &answer(response).await,
        StatusCode::UNAUTHORIZED,
        "service_token_missing",
    );

    // Paths and queries.
    let c = &s.console;
    for (path, status, code) in [
        (
            "/v1/communities/abc/posts".to_owned(),
            StatusCode::BAD_REQUEST,
            "invalid_community_id",
        ),
        (
            format!("/v1/communities/{other_main}/posts"),
            StatusCode::FORBIDDEN,
            "community_not_in_title",
        ),
        (
            "/v1/communities/0/posts?limit=0".to_owned(),
            StatusCode::BAD_REQUEST,
            "invalid_limit",
        ),
        (
            "/v1/communities/0/posts?limit=ten".to_owned(),
            StatusCode::BAD_REQUEST,
            "invalid_limit",
        ),
        (
            "/v1/communities/0/posts?allow_spoiler=maybe".to_owned(),
            StatusCode::BAD_REQUEST,
            "invalid_flag",
        ),
        (
            "/v1/communities/0/posts?type=video".to_owned(),
            StatusCode::BAD_REQUEST,
            "invalid_type",
        ),
        (
            "/v1/communities/0/posts?order=oldest".to_owned(),
            StatusCode::BAD_REQUEST,
            "invalid_order",
        ),
        (
            "/v1/posts/xyz/replies".to_owned(),
            StatusCode::BAD_REQUEST,
            "invalid_post_id",
        ),
        (
            "/v1/people?pid=me".to_owned(),
            StatusCode::BAD_REQUEST,
            "invalid_pid",
        ),
        (
            "/v1/nothing/here".to_owned(),
            StatusCode::NOT_FOUND,
            "no_route",
        ),
    ] {
        let got = call(&app, c, get.clone(), &path, None).await;
        assert_xml_error(&got, status, code);
    }
    let got = call(&app, c, Method::DELETE, "/v1/communities", None).await;
    assert_xml_error(&got, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");

    // Posts.
    let painting = |w, h| STANDARD.encode(painting_bytes(w, h, stripes));
    // Each case's form fields: mostly a body of "x" and the one field that is wrong.
    type Fields = Vec<(&'static str, String)>;
    let with_x =
        |field: &'static str, value: String| vec![("body", "x".to_owned()), (field, value)];
    let six_keys = std::iter::once(("body", "x".to_owned()))
        .chain((0..6).map(|i| ("search_key", format!("key{i}"))))
        .collect();
    let cases: Vec<(Fields, u16, &str)> = vec![
        (with_x("body", "y".into()), 400, "duplicate_field"),
        (with_x("is_spoiler", "yes".into()), 400, "invalid_flag"),
        (
            with_x("community_id", "main".into()),
            400,
            "invalid_community_id",
        ),
        (
            with_x("community_id", other_main.clone()),
            403,
            "community_not_in_title",
        ),
        (with_x("feeling_id", "9".into()), 422, "invalid_feeling"),
        (
            with_x("language_id", "english".into()),
            400,
            "invalid_language_id",
        ),
        (
            with_x("app_data", STANDARD.encode(vec![7u8; 1025])),
            422,
            "app_data_too_large",
        ),
        (
            with_x("app_data", "!!not base64!!".into()),
            422,
            "invalid_app_data",
        ),
        (six_keys, 422, "too_many_search_keys"),
        (
            with_x("search_key", "k".repeat(33)),
            422,
            "invalid_search_key",
        ),
        (
            vec![("painting", painting(300, 120))],
            422,
            "wrong_drawing_size",
        ),
        (vec![("body", String::new())], 422, "body_empty"),
        (vec![("body", "x".repeat(9000))], 413, "field_too_large"),
    ];
    for (fields, status, code) in cases {
        let form = fields
            .into_iter()
            .fold(Form::new(), |form, (name, value)| form.text(name, value));
        let got = call(&app, c, Method::POST, "/v1/posts", Some(form)).await;
        assert_xml_error(&got, StatusCode::from_u16(status).unwrap(), code);
    }
    let not_multipart = app
        .client
        .post(format!("{}/v1/posts", app.url))
        .header("x-nintendo-parampack", WII_U_PACK)
        .header("x-nintendo-servicetoken", token)
        .body("body=hello")
        .header("content-type", "application/x-www-form-urlencoded")
        .send()
        .await
        .unwrap();
    assert_xml_error(
        &answer(not_multipart).await,
        StatusCode::BAD_REQUEST,
        "invalid_multipart",
    );

    // Nothing was posted.
    let (_, root) = call(&app, c, get, "/v1/communities/0/posts", None).await;
    assert!(root.child("posts").all("post").is_empty());
}

#[tokio::test]
async fn console_posts_are_rate_limited_per_player() {
    let app = TestApp::start_configured(None, |c| c.rate_limits.post_per_minute = 2).await;
    let s = setup(&app).await;
    for i in 0..2 {
        let form = Form::new().text("body", format!("Post {i}"));
        let (status, root) = call(&app, &s.console, Method::POST, "/v1/posts", Some(form)).await;
        assert_eq!(status, StatusCode::CREATED, "{root:#?}");
    }
    let response = app
        .client
        .post(format!("{}/v1/posts", app.url))
        .header("x-nintendo-parampack", WII_U_PACK)
        .header("x-nintendo-servicetoken", &s.console.token)
        .multipart(Form::new().text("body", "One too many"))
        .send()
        .await
        .unwrap();
    assert!(response.headers().contains_key("retry-after"));
    assert_xml_error(
        &answer(response).await,
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
    );
    // Another player on their own console still posts.
    let other = app.sign_up("octoling").await;
    let theirs = Console::wii_u("wiiu-service-token-of-octoling-0002");
    link(&app, &theirs, &other).await;
    let (status, _) = call(
        &app,
        &theirs,
        Method::POST,
        "/v1/posts",
        Some(Form::new().text("body", "Mine")),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
}

#[tokio::test]
async fn a_player_links_and_unlinks_a_console_in_the_settings_pages() {
    let app = TestApp::start().await;
    register(&app, TITLE).await;
    let browser = crate::helpers::Browser::new(&app);
    browser.sign_up("inkling").await;
    let console = Console::wii_u("a-3ds-or-wiiu-token-shown-in-settings-01");
    let shown = call(&app, &console, Method::GET, "/v1/topics", None).await;
    let code = shown.1.text("link_code").to_owned();

    let html = assert_page(browser.get("/settings").await, 200);
    assert!(html.contains("href=\"/settings/consoles\""));
    let csrf = browser.csrf("/settings/consoles").await;
    // Without the form's CSRF token nothing is linked.
    let forged = browser
        .submit("/settings/consoles", &[("code", &code)])
        .await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let refused = browser
        .submit(
            "/settings/consoles",
            &[("csrf", &csrf), ("code", "not a code")],
        )
        .await;
    crate::helpers::assert_shows(
        refused,
        StatusCode::UNPROCESSABLE_ENTITY,
        "8 letters and digits",
    )
    .await;
    let linked = browser
        .submit("/settings/consoles", &[("csrf", &csrf), ("code", &code)])
        .await;
    assert_eq!(linked.status(), StatusCode::SEE_OTHER);
    let (_, html) = browser.get("/settings/consoles?done=linked").await;
    assert!(html.contains("The console is linked."));
    assert!(html.contains("Wii U"));
    let (status, _) = call(&app, &console, Method::GET, "/v1/topics", None).await;
    assert_eq!(status, StatusCode::OK);

    let marker = "action=\"/settings/consoles/";
    let start = html.find(marker).unwrap() + marker.len();
    let id: String = html[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let unlinked = browser
        .press(&format!("/settings/consoles/{id}/unlink"), &csrf)
        .await;
    assert_eq!(unlinked.status(), StatusCode::SEE_OTHER);
    let (_, html) = browser.get("/settings/consoles").await;
    assert!(html.contains("No console is linked."));
    let after = call(&app, &console, Method::GET, "/v1/topics", None).await;
    assert_xml_error(&after, StatusCode::UNAUTHORIZED, "console_not_linked");
}

/// What Mario Kart 7 (USA) on a 3DS in France sends as its ParamPack.
const N3DS_PACK: &str = "XHRpdGxlX2lkXDExMjU4OTk5MDcwNDEyODBcYWNjZXNzX2tleVwwXHBsYXRmb3JtX2lkXDBccmVnaW9uX2lkXDRcbGFuZ3VhZ2VfaWRcMlxjb3VudHJ5X2lkXDc3XGFyZWFfaWRcMFxuZXR3b3JrX3Jlc3RyaWN0aW9uXDBcZnJpZW5kX3Jlc3RyaWN0aW9uXDBccmF0aW5nX3Jlc3RyaWN0aW9uXDE4XHJhdGluZ19vcmdhbml6YXRpb25cMlx0cmFuc2ZlcmFibGVfaWRcNDcwNzExNjAwMzQ2ODEzMzY4MVx0el9uYW1lXEV1cm9wZS9QYXJpc1x1dGNfb2Zmc2V0XDM2MDBc";

#[tokio::test]
async fn a_3ds_posts_to_its_own_title_and_each_console_sees_only_its_titles_posts() {
    let app = TestApp::start().await;
    let s = setup(&app).await;
    let (_, kart_main) = register(&app, OTHER_TITLE).await;
    let console = Console {
        pack: N3DS_PACK.to_owned(),
        token: "n3ds-service-token-of-the-same-player".to_owned(),
    };
    link(&app, &console, &s.player).await;
    let form = Form::new()
        .text("body", "Rainbow Road!")
        .text("community_id", "0");
    let (status, root) = call(&app, &console, Method::POST, "/v1/posts", Some(form)).await;
    assert_eq!(status, StatusCode::CREATED, "{root:#?}");
    let post = root.child("post");
    assert_eq!(post.text("platform_id"), "0");
    assert_eq!(post.text("title_id"), "1125899907041280");
    assert_eq!(post.text("community_id"), kart_main);
    let (_, json) = app.read_post(post.text("id")).await;
    assert_eq!(json["post"]["platform"], "3ds");

    // The Wii U running the other title does not see it in its main community.
    let (_, root) = call(
        &app,
        &s.console,
        Method::GET,
        "/v1/communities/0/posts",
        None,
    )
    .await;
    assert!(root.child("posts").all("post").is_empty());
    let (_, root) = call(&app, &console, Method::GET, "/v1/communities/0/posts", None).await;
    assert_eq!(root.child("posts").all("post").len(), 1);
}

#[tokio::test]
async fn a_suspended_player_cannot_post_yeah_or_delete_from_a_console() {
    let app = TestApp::start().await;
    let s = setup(&app).await;
    let form = Form::new().text("body", "before");
    let (status, root) = call(&app, &s.console, Method::POST, "/v1/posts", Some(form)).await;
    assert_eq!(status, StatusCode::CREATED, "{root:#?}");
    let post = root.child("post").text("id").to_owned();
    let admin = app.admin_token("admin").await;
    let (status, body) = crate::moderation::act(
        &app,
        &admin,
        "accounts",
        "inkling",
        json!({"action": "suspend", "reason": "Spamming", "duration_hours": 24}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let writes = [
        (
            "/v1/posts".to_owned(),
            Some(Form::new().text("body", "after")),
        ),
        (format!("/v1/posts/{post}/empathies"), None),
        (format!("/v1/posts/{post}.delete"), None),
    ];
    for (path, form) in writes {
        let answer = call(&app, &s.console, Method::POST, &path, form).await;
        assert_xml_error(&answer, StatusCode::FORBIDDEN, "account_suspended");
    }
    // Reading still works, and nothing changed: the one post, without a Yeah.
    let path = format!("/v1/communities/{}/posts", s.main);
    let (status, root) = call(&app, &s.console, Method::GET, &path, None).await;
    assert_eq!(status, StatusCode::OK, "{root:#?}");
    let posts = root.child("posts").all("post");
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].text("id"), post);
    assert_eq!(posts[0].text("empathy_count"), "0");
}
