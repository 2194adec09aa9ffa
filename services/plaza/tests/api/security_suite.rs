//! Plaza's own security regression suite: an authorization matrix generated from the OpenAPI
//! document (every operation signed out, as another user and as a non-admin), an XSS corpus
//! through every page that shows what people write, and a corpus of bad input that may never
//! produce a server error. (Slow clients and shutdown with open streams are in `security`.)

use crate::helpers::{Browser, TestApp};
use plaza_test_support::assert_status;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Who may call an operation, as the document declares it (`x-plaza-access`; operations with
/// a bearer requirement and no declaration are for anyone signed in).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    Public,
    SignedIn,
    Owner,
    Admin,
}

struct Operation {
    method: Method,
    /// The path template under `/api/v1`.
    template: String,
    access: Access,
}

fn operations(spec: &Value) -> Vec<Operation> {
    let mut out = Vec::new();
    for (template, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let Ok(method) = method.to_uppercase().parse::<Method>() else {
                continue;
            };
            let secured = op
                .get("security")
                .is_some_and(|s| !s.as_array().unwrap().is_empty());
            let access = match op.get("x-plaza-access").and_then(Value::as_str) {
                // Moderators are refused to a plain member just as admins' operations are.
                Some("admin" | "moderator") => Access::Admin,
                Some("owner") => Access::Owner,
                Some("signed_in") => Access::SignedIn,
                Some(other) => panic!("{method} {template}: unknown x-plaza-access {other}"),
                None if secured => Access::SignedIn,
                None => Access::Public,
            };
            assert!(
                secured == (access != Access::Public),
                "{method} {template}: x-plaza-access and security disagree"
            );
            out.push(Operation {
                method,
                template: template.clone(),
                access,
            });
        }
    }
    out
}

/// What the path parameters stand for in one run: things made by `owner`.
struct Fixtures {
    community: String,
    post: String,
    comment: String,
    owner: String,
}

impl Fixtures {
    fn path(&self, template: &str) -> String {
        let id = if template.starts_with("/communities/") {
            &self.community
        } else if template.starts_with("/comments/") {
            &self.comment
        } else {
            &self.post
        };
        format!(
            "/api/v1{}",
            template.replace("{id}", id).replace("{name}", &self.owner)
        )
    }
}

/// A body that passes validation for each write, so that only who calls decides the answer.
fn body_for(method: &Method, template: &str) -> Option<Value> {
    match (method.as_str(), template) {
        ("POST", "/communities") => Some(json!({"title_id": "ABC123", "name": "Taken over"})),
        ("PATCH", "/communities/{id}") => {
            Some(json!({"title_id": "ABC123", "name": "Renamed by someone"}))
        }
        ("POST", "/communities/{id}/posts") | ("POST", "/posts/{id}/comments") => {
            Some(json!({"body": "hello"}))
        }
        ("PATCH", "/me") => Some(json!({"bio": "changed"})),
        ("POST", "/admin/word_filters") => Some(json!({"pattern": "word", "action": "refuse"})),
        ("POST", "/admin/banned_ranges") => Some(json!({"cidr": "192.0.2.0/24", "reason": "test"})),
        ("POST", t) if t.starts_with("/moderation/") && t.ends_with("/actions") => {
            Some(json!({"action": "remove", "reason": "taken over"}))
        }
        ("POST", "/moderation/moderators") => Some(json!({"username": "stranger"})),
        ("POST", "/admin/preview") => Some(json!({"track": "preview"})),
        ("POST", "/reports") => {
            Some(json!({"target_kind": "post", "target_id": "1", "reason": "spam"}))
        }
        ("POST", "/notifications/read") => Some(json!({})),
        ("POST", "/accounts") | ("POST", "/sessions") => {
            Some(json!({"username": "matrixuser", "password": "password1"}))
        }
        _ if matches!(method.as_str(), "POST" | "PATCH" | "PUT") => Some(json!({})),
        _ => None,
    }
}

async fn fixtures(app: &TestApp, owner_token: &str) -> Fixtures {
    let community = app.community().await;
    let post = app.post_text(owner_token, &community, "Owned post").await;
    let comment = app.comment(owner_token, &post, "Owned comment").await;
    Fixtures {
        community,
        post,
        comment,
        owner: "owner".into(),
    }
}

#[tokio::test]
async fn every_operation_refuses_whoever_may_not_call_it() {
    let app = TestApp::start().await;
    let spec = assert_status(app.get("/api/v1/openapi.json", None).await, 200);
    let ops = operations(&spec);
    assert!(ops.len() > 30, "the document lists the API");
    let [owner, stranger] = app.sign_ups(["owner", "stranger"]).await;
    let f = fixtures(&app, &owner).await;
    let mut checked = 0;
    for op in &ops {
        let path = f.path(&op.template);
        let body = body_for(&op.method, &op.template);
        if op.access != Access::Public {
            // Signed out: 401 with Plaza's error body, for every secured operation.
            let (status, answer) = app.call(op.method.clone(), &path, None, body.clone()).await;
            assert_eq!(
                status,
                StatusCode::UNAUTHORIZED,
                "{} {} signed out: {answer}",
                op.method,
                op.template
            );
            assert!(answer["error"].is_string(), "{answer}");
            // A token that was never issued is the same as none.
            let (status, _) = app
                .call(op.method.clone(), &path, Some("not-a-token"), body.clone())
                .await;
            assert_eq!(
                status,
                StatusCode::UNAUTHORIZED,
                "{} {}",
                op.method,
                op.template
            );
            checked += 2;
        }
        if matches!(op.access, Access::Owner | Access::Admin) {
            // Another user, who is not an admin: 403, and the thing is unchanged.
            let (status, answer) = app
                .call(op.method.clone(), &path, Some(&stranger), body.clone())
                .await;
            assert_eq!(
                status,
                StatusCode::FORBIDDEN,
                "{} {} as another user: {answer}",
                op.method,
                op.template
            );
            assert!(answer["error"].is_string(), "{answer}");
            checked += 1;
        }
    }
    assert!(checked > 40, "only {checked} cases were checked");
    // Nothing the refused calls aimed at changed.
    let (status, post) = app.get(&format!("/api/v1/posts/{}", f.post), None).await;
    assert_eq!(status, StatusCode::OK, "{post}");
    assert_eq!(post["post"]["body"], "Owned post");
    let (_, community) = app
        .get(&format!("/api/v1/communities/{}", f.community), None)
        .await;
    assert_ne!(community["community"]["name"], "Renamed by someone");
    let (_, list) = app.get("/api/v1/communities", None).await;
    assert!(!list.to_string().contains("Taken over"));
}

/// Strings that would run script if any page printed them unescaped.
const XSS: [&str; 6] = [
    "<script>alert('x1')</script>",
    "\"><img src=x onerror=alert('x2')>",
    "'><svg onload=alert('x3')>",
    "</textarea><script>alert('x4')</script>",
    "<a href=\"javascript:alert('x5')\">x</a>",
    "{{7*7}}<iframe srcdoc=\"<script>alert('x6')</script>\">",
];

/// Markup from the corpus that must never appear as markup in a page.
const TELLTALES: [&str; 6] = [
    "<script>alert(",
    "<img src=x onerror",
    "<svg onload",
    "</textarea><script>",
    "href=\"javascript:",
    "<iframe srcdoc",
];

#[tokio::test]
async fn text_from_people_never_becomes_markup_on_any_page() {
    let app = TestApp::start().await;
    let author = app.sign_up("author").await;
    let (reader, c) = app.sign_up_with_community("reader").await;
    let (status, body) = app
        .update_me(
            &author,
            json!({"display_name": "<b>x</b>\"'>", "bio": XSS.join(" ")}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // An admin's community with a hostile name and description, shown on the communities page.
    app.make_admin("author").await;
    let (status, body) = app
        .post(
            "/api/v1/communities",
            Some(&author),
            json!({"title_id": "XSS1", "name": XSS[1], "description": XSS[0]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let mut posts = Vec::new();
    for (i, payload) in XSS.iter().enumerate() {
        let (status, body) = app
            .post_in(&author, &c, json!({"body": payload, "topic_tag": format!("<i>t{i}</i>"), "spoiler": i % 2 == 0}))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let post = body["post"]["id"].as_str().unwrap().to_owned();
        app.comment(&reader, &post, payload).await;
        posts.push(post);
    }
    // The reader follows and Yeahs the author, so the author's notifications and activity show
    // the reader's name, and the reader's activity shows the author's posts.
    assert_status(app.put("/api/v1/users/author/follow", &reader).await, 200);
    let (status, _) = app
        .put(&format!("/api/v1/posts/{}/yeah", posts[0]), &reader)
        .await;
    assert_eq!(status, StatusCode::OK);
    app.drain_jobs().await;

    let (_, list) = app.get("/api/v1/communities", None).await;
    let community_url = list["communities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == c.as_str())
        .and_then(|x| x["url"].as_str())
        .map(str::to_owned)
        .unwrap_or_else(|| format!("/communities/{c}"));
    let mut pages = vec![
        "/".to_owned(),
        "/communities".to_owned(),
        community_url.clone(),
        format!("{community_url}?tab=popular"),
        "/users/author".to_owned(),
        "/users/author/yeahs".to_owned(),
        "/users/author/followers".to_owned(),
        "/users/reader/following".to_owned(),
        "/activity".to_owned(),
        "/notifications".to_owned(),
        "/settings".to_owned(),
    ];
    pages.extend(posts.iter().map(|p| format!("/posts/{p}")));
    for who in ["author", "reader"] {
        let (browser, _) = Browser::signed_in(&app, who).await;
        for page in &pages {
            let (status, html) = browser.get(page).await;
            assert!(status.is_success(), "{page} as {who}: {status}");
            for telltale in TELLTALES {
                assert!(
                    !html.contains(telltale),
                    "{page} as {who} prints {telltale:?} unescaped"
                );
            }
            assert!(
                !html.contains("<b>x</b>"),
                "{page}: a display name as markup"
            );
            assert!(!html.contains("<i>t"), "{page}: a topic tag as markup");
        }
    }
    // The text is there, escaped: it was shown, not dropped.
    let (_, html) = Browser::new(&app)
        .get(&format!("/posts/{}", posts[0]))
        .await;
    assert!(
        html.contains("&#60;script&#62;alert("),
        "the post's text is shown escaped: {html}"
    );
}

/// Inputs a careless or hostile client sends; none may make Plaza answer 5xx.
fn bad_values() -> Vec<Value> {
    vec![
        json!(null),
        json!(-1),
        json!(1e308),
        json!(u64::MAX),
        json!(""),
        json!("\u{0}"),
        json!("\u{202e}evil"),
        json!("x".repeat(5000)),
        json!([1, 2, 3]),
        json!({"nested": {"deep": [null]}}),
        json!(true),
    ]
}

#[tokio::test]
async fn no_bad_input_makes_a_server_error() {
    let app = TestApp::start().await;
    let (_, spec) = app.get("/api/v1/openapi.json", None).await;
    let ops = operations(&spec);
    let owner = app.sign_up("owner").await;
    let f = fixtures(&app, &owner).await;
    let odd_ids = [
        "0",
        "-1",
        "99999999999999999999999",
        "abc",
        "%00",
        "..%2F..%2Fetc",
        "%E2%80%AE",
        "1e5",
    ];
    let mut sent = 0;
    let mut problems = Vec::new();
    let mut check = |what: String, status: StatusCode, answer: &Value| {
        sent += 1;
        if status.is_server_error() || (!status.is_success() && !answer["error"].is_string()) {
            problems.push(format!("{what}: {status} {answer}"));
        }
    };
    for op in &ops {
        if op.template.ends_with("/stream") || op.template == "/openapi.json" {
            continue;
        }
        let token = (op.access != Access::Public).then_some(owner.as_str());
        // Odd path parameters.
        if op.template.contains('{') {
            for odd in odd_ids {
                let path = format!(
                    "/api/v1{}",
                    op.template.replace("{id}", odd).replace("{name}", odd)
                );
                let body = body_for(&op.method, &op.template);
                let (status, answer) = app.call(op.method.clone(), &path, token, body).await;
                check(format!("{} {path}", op.method), status, &answer);
            }
        }
        let path = f.path(&op.template);
        // Odd query values where lists take a cursor or a limit.
        if op.method == Method::GET {
            for query in [
                "?cursor=",
                "?cursor=%FF%FE",
                "?cursor=AAAA",
                "?limit=-5",
                "?limit=abc",
                "?limit=100000",
                "?cursor=a&cursor=b",
            ] {
                let (status, answer) = app
                    .call(Method::GET, &format!("{path}{query}"), token, None)
                    .await;
                check(format!("GET {path}{query}"), status, &answer);
            }
        }
        // Odd bodies: every bad value in every field the operation takes, and bodies that
        // are not objects.
        if matches!(op.method.as_str(), "POST" | "PATCH" | "PUT") {
            let fields = body_for(&op.method, &op.template)
                .and_then(|b| b.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>()))
                .unwrap_or_default();
            let mut bodies: Vec<Value> = bad_values();
            for field in fields.iter().chain(
                ["body", "feeling", "painting", "screenshot"]
                    .iter()
                    .map(|s| (*s).to_owned())
                    .collect::<Vec<_>>()
                    .iter(),
            ) {
                for value in bad_values() {
                    let mut body = body_for(&op.method, &op.template).unwrap_or(json!({}));
                    body[field.as_str()] = value;
                    bodies.push(body);
                }
            }
            for body in bodies {
                let (status, answer) = app
                    .call(op.method.clone(), &path, token, Some(body.clone()))
                    .await;
                check(format!("{} {path} {body}", op.method), status, &answer);
            }
            // Not JSON at all.
            let r = app
                .client
                .request(op.method.clone(), format!("{}{path}", app.url))
                .bearer_auth(&owner)
                .header("content-type", "application/json")
                .body("{\"body\": \"unterminated")
                .send()
                .await
                .unwrap();
            let status = r.status();
            let answer: Value = r.json().await.unwrap_or(Value::Null);
            check(
                format!("{} {path} (broken JSON)", op.method),
                status,
                &answer,
            );
        }
    }
    assert!(sent > 500, "only {sent} requests were sent");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
