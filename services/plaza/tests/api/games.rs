//! Games end to end through HTTP: an admin registers a title and issues app keys, a player
//! links the game, the game posts (painting, app_data, search keys, flags) and reads the title's
//! posts with every filter; every refusal has its own code and changes nothing; limits per app
//! key; cacheable reads.

use crate::helpers::{TestApp, assert_page, ids};
use crate::media::painting;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use plaza_test_support::{assert_error, assert_status};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const TITLE: &str = "0005000010101E00";
const OTHER_TITLE: &str = "000400000F700E00";

fn checkers(x: u32, y: u32) -> bool {
    (x / 8 + y / 8).is_multiple_of(2)
}

/// One game API call being built: an app key goes as `X-Plaza-App-Key`, a player's token as
/// the bearer token.
struct Call(reqwest::RequestBuilder);

fn call(app: &TestApp, method: Method, path: &str) -> Call {
    Call(app.client.request(method, format!("{}{path}", app.url)))
}

impl Call {
    fn key(self, key: &str) -> Self {
        Self(self.0.header("x-plaza-app-key", key))
    }

    fn player(self, token: &str) -> Self {
        Self(self.0.bearer_auth(token))
    }

    fn header(self, name: &str, value: &str) -> Self {
        Self(self.0.header(name, value))
    }

    fn json(self, body: Value) -> Self {
        Self(self.0.json(&body))
    }

    async fn send(self) -> reqwest::Response {
        self.0.send().await.unwrap()
    }

    /// The status and the JSON body.
    async fn reply(self) -> (StatusCode, Value) {
        let response = self.send().await;
        let status = response.status();
        let text = response.text().await.unwrap();
        (status, plaza_test_support::parse_body(&text))
    }
}

/// A registered title with a key, an admin's token and a linked player.
struct Game {
    admin: String,
    key: String,
    player: String,
    main: String,
}

/// Asks for a new app key of `title_id` as `token`'s owner; `fields` may give it a label.
async fn issue_key(
    app: &TestApp,
    token: &str,
    title_id: &str,
    fields: Value,
) -> (StatusCode, Value) {
    let path = format!("/api/v1/admin/titles/{title_id}/app_keys");
    app.post(&path, Some(token), fields).await
}

/// Registers `title_id` as the admin `admin_name` (who signs up) and issues a key.
async fn register(app: &TestApp, admin: &str, title_id: &str) -> (String, String, String) {
    let token = app.admin_token(admin).await;
    // Sent in lower case: a title id is read in either case.
    let main = app.register_title(&token, &title_id.to_lowercase()).await;
    let (status, body) = issue_key(app, &token, title_id, json!({"label": "release"})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let key = body["key"].as_str().unwrap().to_owned();
    (token, key, main)
}

/// Links `player_token`'s owner to `title_id` through a settings code; the player token.
async fn link(app: &TestApp, title_id: &str, key: &str, player_token: &str) -> String {
    let (status, code) = app
        .post("/api/v1/me/game_link_code", Some(player_token), json!({}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{code}");
    let (status, body) = call(
        app,
        Method::POST,
        &format!("/api/v1/game/titles/{title_id}/link"),
    )
    .key(key)
    .json(json!({"code": code["code"]}))
    .reply()
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["title_id"], title_id);
    body["token"].as_str().unwrap().to_owned()
}

async fn setup(app: &TestApp) -> Game {
    let (admin, key, main) = register(app, "admin", TITLE).await;
    let web = app.sign_up("mario").await;
    let player = link(app, TITLE, &key, &web).await;
    Game {
        admin,
        key,
        player,
        main,
    }
}

async fn game_post(app: &TestApp, g: &Game, body: Value) -> (StatusCode, Value) {
    call(
        app,
        Method::POST,
        &format!("/api/v1/game/titles/{TITLE}/posts"),
    )
    .key(&g.key)
    .player(&g.player)
    .json(body)
    .reply()
    .await
}

async fn list(app: &TestApp, g: &Game, query: &str) -> Vec<String> {
    let (status, body) = call(
        app,
        Method::GET,
        &format!("/api/v1/game/titles/{TITLE}/posts?{query}"),
    )
    .key(&g.key)
    .reply()
    .await;
    assert_eq!(status, StatusCode::OK, "{query}: {body}");
    ids(&body, "posts")
}

#[tokio::test]
async fn an_admin_registers_a_title_and_a_game_posts_a_painting_with_app_data_that_reads_back_exactly()
 {
    let app = TestApp::start().await;
    // Only admins register titles.
    let someone = app.sign_up("luigi").await;
    assert_error(
        app.post(
            "/api/v1/admin/titles",
            Some(&someone),
            json!({"title_id": TITLE, "name": "x", "platform": "wiiu"}),
        )
        .await,
        403,
        "admin_only",
    );
    let g = setup(&app).await;
    // A sub-community; the title lists both, the main one first.
    let (status, body) = app
        .post(
            &format!("/api/v1/admin/titles/{TITLE}/communities"),
            Some(&g.admin),
            json!({"name": "Speedruns", "description": "Fast."}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = call(&app, Method::GET, &format!("/api/v1/game/titles/{TITLE}"))
        .key(&g.key)
        .reply()
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let communities = body["title"]["communities"].as_array().unwrap();
    assert_eq!(communities.len(), 2);
    assert_eq!(communities[0]["id"], g.main.as_str());
    assert_eq!(communities[0]["is_main"], true);
    assert_eq!(communities[1]["name"], "Speedruns");
    let sub = communities[1]["id"].as_str().unwrap().to_owned();

    let app_data: Vec<u8> = (0..1024u32).map(|i| (i * 7 % 256) as u8).collect();
    let (status, body) = game_post(
        &app,
        &g,
        json!({
            "body": "Look at my drawing",
            "painting": painting(320, 120, checkers),
            "app_data": STANDARD.encode(&app_data),
            "search_keys": ["world1", "boss"],
            "topic_tag": "Bosses",
            "feeling": 2,
            "is_autopost": true,
            "is_app_jumpable": true,
        }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let post = &body["post"];
    let id = post["id"].as_str().unwrap().to_owned();
    assert_eq!(post["title_id"], TITLE);
    assert_eq!(post["community_id"], g.main.as_str());
    assert_eq!(post["author"]["username"], "mario");
    assert_eq!(post["search_keys"], json!(["world1", "boss"]));
    assert_eq!(
        (post["is_autopost"].clone(), post["is_app_jumpable"].clone()),
        (json!(true), json!(true))
    );

    // Read back through the list and the thread: app_data byte for byte, the painting's pixels.
    let (_, listed) = call(
        &app,
        Method::GET,
        &format!("/api/v1/game/titles/{TITLE}/posts"),
    )
    .key(&g.key)
    .reply()
    .await;
    let first = &listed["posts"][0];
    assert_eq!(first["id"], id.as_str());
    let back = STANDARD
        .decode(first["app_data"].as_str().unwrap())
        .unwrap();
    assert_eq!(back, app_data);
    assert_eq!(first["topic_tag"], "Bosses");
    assert_eq!(first["feeling"], 2);
    let png = app.fetch(first["drawing_url"].as_str().unwrap()).await.1;
    let img = image::load_from_memory(&png).unwrap().to_luma8();
    assert_eq!(img.dimensions(), (320, 120));
    for (x, y, p) in img.enumerate_pixels() {
        assert_eq!(p.0[0] == 0, checkers(x, y), "pixel {x},{y}");
    }

    // A post in the sub-community, and a text-only post with no app_data.
    let (status, body) = game_post(&app, &g, json!({"community_id": sub, "body": "fast"})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["post"]["community_id"], sub.as_str());
    assert_eq!(body["post"]["app_data"], Value::Null);
    assert_eq!(
        list(&app, &g, &format!("community_id={sub}")).await.len(),
        1
    );
    assert_eq!(list(&app, &g, "").await, vec![id.clone()]);

    // The post's page names the title, says it came from a game (automatically) and offers to
    // open it in the game; the title's page lists its communities.
    let page = app.page(&format!("/posts/{id}")).await;
    assert!(page.contains(&format!("Game {TITLE}")), "{page}");
    assert!(page.contains("Posted automatically from a game"), "{page}");
    assert!(page.contains("Open in game"), "{page}");
    let page = app.page(&format!("/titles/{TITLE}")).await;
    assert!(
        page.contains("Speedruns") && page.contains(&format!("/titles/{TITLE}/{sub}")),
        "{page}"
    );
}

#[tokio::test]
async fn a_post_its_comments_yeahs_and_a_players_posts_are_read_in_game() {
    let app = TestApp::start().await;
    let g = setup(&app).await;
    let (_, body) = game_post(&app, &g, json!({"body": "first"})).await;
    let post = body["post"]["id"].as_str().unwrap().to_owned();
    // A second player comments and gives a Yeah.
    let web = app.sign_up("peach").await;
    let peach = link(&app, TITLE, &g.key, &web).await;
    let base = format!("/api/v1/game/titles/{TITLE}/posts/{post}");
    let (status, body) = call(&app, Method::POST, &format!("{base}/comments"))
        .key(&g.key)
        .player(&peach)
        .json(json!({"body": "nice", "feeling": 1}))
        .reply()
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["comment"]["author"]["username"], "peach");
    let (status, body) = call(&app, Method::PUT, &format!("{base}/yeah"))
        .key(&g.key)
        .player(&peach)
        .reply()
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (body["yeahed"].clone(), body["yeah_count"].clone()),
        (json!(true), json!(1))
    );
    // Not on one's own post.
    assert_error(
        call(&app, Method::PUT, &format!("{base}/yeah"))
            .key(&g.key)
            .player(&g.player)
            .reply()
            .await,
        403,
        "own_content",
    );

    let (status, body) = call(&app, Method::GET, &base)
        .key(&g.key)
        .player(&peach)
        .reply()
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["post"]["yeah_count"], 1);
    assert_eq!(body["post"]["yeahed_by_me"], true);
    assert_eq!(body["post"]["comment_count"], 1);
    assert_eq!(body["comments"][0]["body"], "nice");

    let (_, body) = call(&app, Method::DELETE, &format!("{base}/yeah"))
        .key(&g.key)
        .player(&peach)
        .reply()
        .await;
    assert_eq!(
        (body["yeahed"].clone(), body["yeah_count"].clone()),
        (json!(false), json!(0))
    );

    // A player's posts in this title: not their posts made on the site.
    app.post_text(&web, &g.main, "from the site").await;
    let (_, body) = game_post(&app, &g, json!({"body": "second"})).await;
    let second = body["post"]["id"].as_str().unwrap().to_owned();
    let (status, body) = call(
        &app,
        Method::GET,
        &format!("/api/v1/game/titles/{TITLE}/players/mario/posts"),
    )
    .key(&g.key)
    .reply()
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(ids(&body, "posts"), vec![second.clone(), post.clone()]);
    let (_, body) = call(
        &app,
        Method::GET,
        &format!("/api/v1/game/titles/{TITLE}/players/peach/posts"),
    )
    .key(&g.key)
    .reply()
    .await;
    assert!(ids(&body, "posts").is_empty(), "{body}");
    let (_, body) = call(
        &app,
        Method::GET,
        &format!("/api/v1/game/titles/{TITLE}/me/posts"),
    )
    .key(&g.key)
    .player(&g.player)
    .reply()
    .await;
    assert_eq!(ids(&body, "posts"), vec![second, post]);
}

#[tokio::test]
async fn every_filter_narrows_the_titles_posts() {
    let app = TestApp::start().await;
    let g = setup(&app).await;
    let mut made = Vec::new();
    for body in [
        json!({"body": "a", "search_keys": ["red"], "topic_tag": "Tips", "feeling": 1}),
        json!({"body": "b", "search_keys": ["blue", "red"], "feeling": 3, "spoiler": true}),
        json!({"body": "c", "painting": painting(320, 120, checkers), "topic_tag": "Tips"}),
        json!({"body": "d", "search_keys": ["blue"], "feeling": 1}),
    ] {
        let answer = assert_status(game_post(&app, &g, body).await, 201);
        made.push(answer["post"]["id"].as_str().unwrap().to_owned());
    }
    let [a, b, c, d] = [0, 1, 2, 3].map(|i| made[i].clone());
    assert_eq!(
        list(&app, &g, "").await,
        vec![d.clone(), c.clone(), b.clone(), a.clone()]
    );
    assert_eq!(
        list(&app, &g, "search_key=red").await,
        vec![b.clone(), a.clone()]
    );
    assert_eq!(
        list(&app, &g, "search_key=blue").await,
        vec![d.clone(), b.clone()]
    );
    assert!(list(&app, &g, "search_key=green").await.is_empty());
    assert_eq!(
        list(&app, &g, "topic_tag=Tips").await,
        vec![c.clone(), a.clone()]
    );
    assert_eq!(
        list(&app, &g, "feeling=1").await,
        vec![d.clone(), a.clone()]
    );
    assert_eq!(
        list(&app, &g, "spoilers=false").await,
        vec![d.clone(), c.clone(), a.clone()]
    );
    assert_eq!(list(&app, &g, "only_drawings=true").await, vec![c.clone()]);
    assert_eq!(
        list(&app, &g, "search_key=red&feeling=1").await,
        vec![a.clone()]
    );
    // Pages of one, with a cursor, through a filter.
    let (_, page) = call(
        &app,
        Method::GET,
        &format!("/api/v1/game/titles/{TITLE}/posts?search_key=blue&limit=1"),
    )
    .key(&g.key)
    .reply()
    .await;
    assert_eq!(ids(&page, "posts"), vec![d.clone()]);
    let cursor = page["next_cursor"].as_str().unwrap();
    assert_eq!(
        list(
            &app,
            &g,
            &format!("search_key=blue&limit=1&cursor={cursor}")
        )
        .await,
        vec![b.clone()]
    );
    assert_error(
        call(
            &app,
            Method::GET,
            &format!("/api/v1/game/titles/{TITLE}/posts?feeling=9"),
        )
        .key(&g.key)
        .reply()
        .await,
        422,
        "invalid_feeling",
    );

    // Popular: the posts with Yeahs, filtered the same way.
    let web = app.sign_up("toad").await;
    let toad = link(&app, TITLE, &g.key, &web).await;
    for id in [&a, &b] {
        let (status, body) = call(
            &app,
            Method::PUT,
            &format!("/api/v1/game/titles/{TITLE}/posts/{id}/yeah"),
        )
        .key(&g.key)
        .player(&toad)
        .reply()
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let popular = list(&app, &g, "order=popular").await;
    assert_eq!(popular.len(), 2, "{popular:?}");
    assert!(popular.contains(&a) && popular.contains(&b));
    assert_eq!(
        list(&app, &g, "order=popular&spoilers=false").await,
        vec![a.clone()]
    );
    assert_eq!(
        list(&app, &g, "order=popular&search_key=blue").await,
        vec![b]
    );
}

#[tokio::test]
async fn every_bad_input_has_its_own_code_and_changes_nothing() {
    let app = TestApp::start().await;
    let g = setup(&app).await;
    let (_, other_key, other_main) = register(&app, "admin", OTHER_TITLE).await;
    let posts = format!("/api/v1/game/titles/{TITLE}/posts");
    let ok = json!({"body": "hello"});
    let (key_id, secret) = g.key.split_once('.').unwrap();
    let wrong_secret = format!("{key_id}.wrongsecret");
    let wrong_id = format!("1.{secret}");
    // A web API token is not a player token, nor is a player token of another title.
    let web = app.sign_up("wario").await;
    let other_player = link(&app, OTHER_TITLE, &other_key, &web).await;
    let (key, player) = (Some(g.key.as_str()), Some(g.player.as_str()));
    let attempt = async |key: Option<&str>, player: Option<&str>, body: Value, path: &str| {
        let mut post = call(&app, Method::POST, path).json(body);
        if let Some(key) = key {
            post = post.key(key);
        }
        if let Some(player) = player {
            post = post.player(player);
        }
        post.reply().await
    };
    let titles = [
        ("00050000DEADBEEF", 404, "unknown_title"),
        ("not-a-title", 422, "malformed_title_id"),
    ];
    for (title, status, code) in titles {
        let path = format!("/api/v1/game/titles/{title}/posts");
        assert_error(attempt(key, player, ok.clone(), &path).await, status, code);
    }
    // (app key, player token, status, code)
    let credentials = [
        (None, player, 401, "app_key_required"),
        (Some(wrong_secret.as_str()), player, 401, "invalid_app_key"),
        (Some("garbage"), player, 401, "invalid_app_key"),
        (Some(wrong_id.as_str()), player, 401, "invalid_app_key"),
        (Some(other_key.as_str()), player, 403, "app_key_wrong_title"),
        (key, None, 401, "player_token_required"),
        (key, Some("nonsense"), 401, "invalid_player_token"),
        (key, Some(web.as_str()), 401, "invalid_player_token"),
        (
            key,
            Some(other_player.as_str()),
            403,
            "player_token_wrong_title",
        ),
    ];
    for (key, player, status, code) in credentials {
        assert_error(attempt(key, player, ok.clone(), &posts).await, status, code);
    }
    let bodies = [
        (
            json!({"body": "x", "community_id": other_main}),
            403,
            "community_not_in_title",
        ),
        (
            json!({"body": "x", "app_data": STANDARD.encode([1u8; 1025])}),
            422,
            "app_data_too_large",
        ),
        (
            json!({"body": "x", "app_data": "not base64!"}),
            422,
            "invalid_app_data",
        ),
        (
            json!({"body": "x", "search_keys": ["a", "b", "c", "d", "e", "f"]}),
            422,
            "too_many_search_keys",
        ),
        (
            json!({"body": "x", "search_keys": ["k".repeat(33)]}),
            422,
            "invalid_search_key",
        ),
        (
            json!({"body": "", "painting": painting(300, 120, checkers)}),
            422,
            "wrong_drawing_size",
        ),
    ];
    for (body, status, code) in bodies {
        assert_error(attempt(key, player, body, &posts).await, status, code);
    }
    assert_error(app.me(&g.player).await, 401, "unauthenticated");
    // A used link code.
    let (_, code) = app
        .post("/api/v1/me/game_link_code", Some(&web), json!({}))
        .await;
    let link_path = format!("/api/v1/game/titles/{TITLE}/link");
    let used = || {
        call(&app, Method::POST, &link_path)
            .key(&g.key)
            .json(json!({"code": code["code"]}))
            .reply()
    };
    assert_eq!(used().await.0, StatusCode::CREATED);
    assert_error(used().await, 401, "invalid_link_code");
    // Admin inputs.
    let admin = Some(g.admin.as_str());
    assert_error(
        app.post(
            "/api/v1/admin/titles",
            admin,
            json!({"title_id": TITLE, "name": "again", "platform": "wiiu"}),
        )
        .await,
        409,
        "title_exists",
    );
    assert_error(
        app.post(
            "/api/v1/admin/titles",
            admin,
            json!({"title_id": "12345", "name": "x", "platform": "wiiu"}),
        )
        .await,
        422,
        "malformed_title_id",
    );
    assert_error(
        app.post(
            "/api/v1/admin/titles",
            admin,
            json!({"title_id": "0005000010AAAA00", "name": "x", "platform": "wii u!"}),
        )
        .await,
        422,
        "invalid_platform",
    );

    // Nothing was posted by any of it.
    assert!(list(&app, &g, "").await.is_empty());
}

#[tokio::test]
async fn a_revoked_key_is_refused_and_a_rotated_key_works_until_its_grace_ends() {
    let app = TestApp::start().await;
    let g = setup(&app).await;
    let read = |key: String| {
        let app = &app;
        async move {
            call(
                app,
                Method::GET,
                &format!("/api/v1/game/titles/{TITLE}/posts"),
            )
            .key(&key)
            .reply()
            .await
        }
    };
    let key_id = g.key.split_once('.').unwrap().0.to_owned();
    // Rotating with a grace period: both keys work.
    let (status, body) = app
        .post(
            &format!("/api/v1/admin/app_keys/{key_id}/rotate"),
            Some(&g.admin),
            json!({"grace_hours": 24}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let second = body["key"].as_str().unwrap().to_owned();
    assert_ne!(second, g.key);
    assert_eq!(read(g.key.clone()).await.0, StatusCode::OK);
    assert_eq!(read(second.clone()).await.0, StatusCode::OK);
    // Rotating without grace: the old key stops at once.
    let second_id = second.split_once('.').unwrap().0.to_owned();
    let (_, body) = app
        .post(
            &format!("/api/v1/admin/app_keys/{second_id}/rotate"),
            Some(&g.admin),
            json!({"grace_hours": 0}),
        )
        .await;
    let third = body["key"].as_str().unwrap().to_owned();
    assert_error(read(second).await, 401, "app_key_revoked");
    assert_eq!(read(third.clone()).await.0, StatusCode::OK);
    // Revoking: refused at once; the list shows which keys are active, never a secret.
    let third_id = third.split_once('.').unwrap().0.to_owned();
    let (status, body) = app
        .post(
            &format!("/api/v1/admin/app_keys/{third_id}/revoke"),
            Some(&g.admin),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["app_key"]["active"], false);
    assert_error(read(third).await, 401, "app_key_revoked");
    let (_, body) = app
        .get(
            &format!("/api/v1/admin/titles/{TITLE}/app_keys"),
            Some(&g.admin),
        )
        .await;
    let keys = body["app_keys"].as_array().unwrap();
    assert_eq!(keys.len(), 3);
    assert_eq!(keys.iter().filter(|k| k["active"] == true).count(), 1);
    assert!(!body.to_string().contains(g.key.split_once('.').unwrap().1));
    // Only admins manage keys.
    let someone = app.sign_up("daisy").await;
    assert_error(
        app.post(
            &format!("/api/v1/admin/app_keys/{key_id}/revoke"),
            Some(&someone),
            json!({}),
        )
        .await,
        403,
        "admin_only",
    );
    assert_error(
        issue_key(&app, &someone, TITLE, json!({})).await,
        403,
        "admin_only",
    );
    assert_eq!(read(g.key.clone()).await.0, StatusCode::OK);
}

#[tokio::test]
async fn an_app_key_is_rate_limited_across_all_its_players_and_a_player_on_their_own() {
    let app = TestApp::start_configured(None, |c| {
        c.rate_limits.app_key_per_minute = 6;
        c.rate_limits.post_per_minute = 2;
        c.rate_limits.sign_up_per_minute = 0;
    })
    .await;
    let g = setup(&app).await;
    // setup linked one player (1 request on the key); two posts are this player's limit.
    for _ in 0..2 {
        assert_eq!(
            game_post(&app, &g, json!({"body": "hi"})).await.0,
            StatusCode::CREATED
        );
    }
    assert_error(
        game_post(&app, &g, json!({"body": "hi"})).await,
        429,
        "rate_limited",
    );
    // Requests 5 and 6 on the key pass; the 7th is refused, whoever asks, with Retry-After.
    for _ in 0..2 {
        assert_eq!(
            call(
                &app,
                Method::GET,
                &format!("/api/v1/game/titles/{TITLE}/posts")
            )
            .key(&g.key)
            .reply()
            .await
            .0,
            StatusCode::OK
        );
    }
    let response = call(
        &app,
        Method::GET,
        &format!("/api/v1/game/titles/{TITLE}/posts"),
    )
    .key(&g.key)
    .send()
    .await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(plaza_test_support::retry_after(&response) >= 1);
    // Another key of the same title has its own count.
    let (_, body) = issue_key(&app, &g.admin, TITLE, json!({"label": "beta"})).await;
    let other = body["key"].as_str().unwrap();
    assert_eq!(
        call(
            &app,
            Method::GET,
            &format!("/api/v1/game/titles/{TITLE}/posts")
        )
        .key(other)
        .reply()
        .await
        .0,
        StatusCode::OK
    );
    assert_eq!(
        list(
            &app,
            &Game {
                key: other.to_owned(),
                ..g
            },
            ""
        )
        .await
        .len(),
        2
    );
}

#[tokio::test]
async fn reads_carry_an_etag_and_an_unchanged_read_is_304() {
    let app = TestApp::start().await;
    let g = setup(&app).await;
    game_post(&app, &g, json!({"body": "one"})).await;
    let path = format!("/api/v1/game/titles/{TITLE}/posts");
    let first = call(&app, Method::GET, &path).key(&g.key).send().await;
    assert_eq!(first.status(), StatusCode::OK);
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    assert!(
        first.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age=")
    );
    let again = call(&app, Method::GET, &path)
        .key(&g.key)
        .header("if-none-match", &etag)
        .send()
        .await;
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert!(again.bytes().await.unwrap().is_empty());
    // A new post changes the answer and its tag.
    game_post(&app, &g, json!({"body": "two"})).await;
    let changed = call(&app, Method::GET, &path)
        .key(&g.key)
        .header("if-none-match", &etag)
        .send()
        .await;
    assert_eq!(changed.status(), StatusCode::OK);
    assert_ne!(changed.headers()["etag"].to_str().unwrap(), etag);
}

#[tokio::test]
async fn a_game_post_retried_with_its_idempotency_key_is_posted_once() {
    let app = TestApp::start().await;
    let g = setup(&app).await;
    let path = format!("/api/v1/game/titles/{TITLE}/posts");
    let send = || {
        call(&app, Method::POST, &path)
            .key(&g.key)
            .player(&g.player)
            .header("idempotency-key", "game-try-1")
            .json(json!({"body": "once", "app_data": "AAEC"}))
            .send()
    };
    let first = send().await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await.unwrap();
    let second = send().await;
    assert_eq!(second.status(), StatusCode::CREATED);
    assert_eq!(second.headers()["idempotent-replayed"], "true");
    let second: Value = second.json().await.unwrap();
    assert_eq!(first["post"]["id"], second["post"]["id"]);
    assert_eq!(list(&app, &g, "").await.len(), 1);
}

#[tokio::test]
async fn a_game_signs_a_player_in_with_their_password() {
    let app = TestApp::start().await;
    let g = setup(&app).await;
    let path = format!("/api/v1/game/titles/{TITLE}/sessions");
    let (status, body) = call(&app, Method::POST, &path)
        .key(&g.key)
        .json(json!({"username": "mario", "password": "password1"}))
        .reply()
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["player"]["username"], "mario");
    let token = body["token"].as_str().unwrap().to_owned();
    let (status, body) = game_post(
        &app,
        &Game { player: token, ..g },
        json!({"body": "signed in"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let g = setup_again(&app).await;
    assert_error(
        call(&app, Method::POST, &path)
            .key(&g.key)
            .json(json!({"username": "mario", "password": "wrong-pass"}))
            .reply()
            .await,
        401,
        "invalid_credentials",
    );
}

/// The key of the title registered already (a second key), for a test that used `g`.
async fn setup_again(app: &TestApp) -> Game {
    let admin = app.admin_token("admin").await;
    let (_, body) = issue_key(app, &admin, TITLE, json!({})).await;
    Game {
        admin,
        key: body["key"].as_str().unwrap().to_owned(),
        player: String::new(),
        main: String::new(),
    }
}

/// The text between `start` and the next `end` in `html`.
fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("{start:?} in {html}"))
        + start.len();
    let to = html[from..].find(end).unwrap() + from;
    &html[from..to]
}

#[tokio::test]
async fn an_admin_registers_a_title_and_issues_a_key_in_the_pages_and_a_player_links_with_a_code() {
    let app = TestApp::start().await;
    let admin = crate::helpers::Browser::new(&app);
    admin.sign_up("boss").await;
    app.make_admin("boss").await;
    let csrf = admin.csrf("/admin/titles").await;
    // A bad title id is sent back with its message, registering nothing.
    let r = admin
        .submit(
            "/admin/titles",
            &[
                ("csrf", &csrf),
                ("title_id", "xyz"),
                ("name", "Kart"),
                ("platform", "wiiu"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("16 hexadecimal digits"));
    let r = admin
        .submit(
            "/admin/titles",
            &[
                ("csrf", &csrf),
                ("title_id", TITLE),
                ("name", "Kart <Deluxe>"),
                ("platform", "wiiu"),
                ("description", "Race."),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], format!("/admin/titles/{TITLE}"));
    // Without the form's token nothing happens.
    let r = admin
        .submit(
            &format!("/admin/titles/{TITLE}/app_keys"),
            &[("csrf", "forged"), ("label", "x")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = admin
        .submit(
            &format!("/admin/titles/{TITLE}/app_keys"),
            &[("csrf", &csrf), ("label", "release")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Kart &#60;Deluxe&#62;") && !html.contains("<Deluxe>"),
        "escaped: {html}"
    );
    let key = between(&html, "<code class=\"secret\">", "</code>").to_owned();
    // The key is shown once: the title's page afterwards lists it without its secret.
    let (_, later) = admin.get(&format!("/admin/titles/{TITLE}")).await;
    assert!(!later.contains(key.split_once('.').unwrap().1));
    assert!(later.contains(key.split_once('.').unwrap().0));

    // A player makes a code in their settings and the game exchanges it.
    let player = crate::helpers::Browser::new(&app);
    player.sign_up("kid").await;
    let pcsrf = player.csrf("/settings/games").await;
    let r = player.submit("/settings/games", &[("csrf", &pcsrf)]).await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    let code = between(&html, "<p class=\"link-code\"><code>", "</code>").to_owned();
    assert_eq!(code.len(), 9, "{code}");
    let (status, body) = call(
        &app,
        Method::POST,
        &format!("/api/v1/game/titles/{TITLE}/link"),
    )
    .key(&key)
    .json(json!({"code": code.to_lowercase()}))
    .reply()
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let token = body["token"].as_str().unwrap().to_owned();
    let (status, body) = call(
        &app,
        Method::POST,
        &format!("/api/v1/game/titles/{TITLE}/posts"),
    )
    .key(&key)
    .player(&token)
    .json(json!({"body": "vroom"}))
    .reply()
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // The linked game is among the player's sessions.
    let (_, settings) = player.get("/settings").await;
    assert!(
        settings.contains("Game: Kart &#60;Deluxe&#62;"),
        "{settings}"
    );

    // Revoking in the pages stops the key.
    let key_id = key.split_once('.').unwrap().0;
    let r = admin
        .press(&format!("/admin/app_keys/{key_id}/revoke"), &csrf)
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_error(
        call(
            &app,
            Method::GET,
            &format!("/api/v1/game/titles/{TITLE}/posts"),
        )
        .key(&key)
        .reply()
        .await,
        401,
        "app_key_revoked",
    );
    // Someone who is not an admin gets no admin page.
    assert_page(player.get("/admin/titles").await, 403);
}

#[tokio::test]
async fn a_suspended_player_cannot_post_comment_or_yeah_from_a_game() {
    let app = TestApp::start().await;
    let g = setup(&app).await;
    let body = assert_status(game_post(&app, &g, json!({"body": "before"})).await, 201);
    let post = body["post"]["id"].as_str().unwrap().to_owned();
    let (status, body) = crate::moderation::act(
        &app,
        &g.admin,
        "accounts",
        "mario",
        json!({"action": "suspend", "reason": "Spamming", "duration_hours": 24}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let base = format!("/api/v1/game/titles/{TITLE}/posts");
    let writes = [
        (Method::POST, base.clone(), Some(json!({"body": "after"}))),
        (
            Method::POST,
            format!("{base}/{post}/comments"),
            Some(json!({"body": "a comment"})),
        ),
        (Method::PUT, format!("{base}/{post}/yeah"), None),
    ];
    for (method, path, body) in writes {
        let mut write = call(&app, method, &path).key(&g.key).player(&g.player);
        if let Some(body) = body {
            write = write.json(body);
        }
        assert_error(write.reply().await, 403, "account_suspended");
    }
    // Nothing was written: the title still holds only the post from before.
    assert_eq!(list(&app, &g, "").await, vec![post]);
}
