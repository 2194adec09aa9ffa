//! A Plaza started in this process on a loopback port, with a fresh database, for the SDK's
//! integration tests; a hook can put faults in front of the web service.

use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use plaza::stack::{RouterHook, Service};
use plaza_sdk::types::GamePostInput;
use plaza_sdk::{Client, ClientConfig};
use plaza_test_support::{Api, middleware_on};
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// The title every test registers.
pub const TITLE: &str = "0005000010101E00";

pub struct Plaza {
    pub api: Api,
    pub url: String,
    /// The app key issued for [`TITLE`] by an admin.
    pub key: String,
    running: plaza::Running,
    _dir: tempfile::TempDir,
}

impl Plaza {
    pub async fn start(hook: Option<RouterHook>) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = plaza_storage::testing::fresh_database_url(dir.path()).await;
        let config = plaza::Config::for_tests(dir.path(), Some(url));
        let running = plaza::start(&config, &Service::ALL, hook).await.unwrap();
        let url = format!("http://{}", running.web.unwrap());
        let mut plaza = Plaza {
            api: Api::new(url.clone(), reqwest::Client::new()),
            url,
            key: String::new(),
            running,
            _dir: dir,
        };
        plaza.key = plaza.register_title().await;
        plaza
    }

    /// An admin registers [`TITLE`] and issues an app key, as in the admin API.
    async fn register_title(&self) -> String {
        let admin = self.api.sign_up("admin").await;
        let db = &self.running.db;
        let user = plaza_web::db::users::by_username(db, "admin")
            .await
            .unwrap()
            .unwrap();
        plaza_web::db::users::make_admin(db, user.id, None)
            .await
            .unwrap();
        let (status, body) = self
            .api
            .post(
                "/api/v1/admin/titles",
                Some(&admin),
                json!({"title_id": TITLE, "name": "Plaza Painter", "platform": "pc"}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        let (status, body) = self
            .api
            .post(
                &format!("/api/v1/admin/titles/{TITLE}/app_keys"),
                Some(&admin),
                json!({"label": "tests"}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        body["key"].as_str().unwrap().to_owned()
    }

    /// A client of the title with no player.
    pub fn game(&self) -> Client {
        Client::new(&self.config()).unwrap()
    }

    pub fn config(&self) -> ClientConfig {
        let mut config = ClientConfig::new(&self.url, TITLE, &self.key);
        config.retry.base_delay = Duration::from_millis(50);
        config
    }

    /// Signs `name` up on the site and in through the game API; the player's token.
    pub async fn player_token(&self, name: &str) -> String {
        self.api.sign_up(name).await;
        self.game()
            .sign_in_player(name, "password1")
            .await
            .unwrap()
            .token
    }

    /// A client of the title acting for `name` (who signs up).
    pub async fn player(&self, name: &str) -> Client {
        let token = self.player_token(name).await;
        Client::new(&self.config().with_player_token(token)).unwrap()
    }
}

/// A game's post of `body` alone (no painting, app data or search keys).
pub fn text_input(body: &str) -> GamePostInput {
    GamePostInput {
        body: body.into(),
        ..GamePostInput::default()
    }
}

/// What the fault in front of the web service does to the first `count` writes that reach it.
#[derive(Clone, Copy)]
pub enum Fault {
    /// The write is made, and its answer replaced by a 503 (a process killed after committing).
    LoseAnswer,
    /// The write is refused with a 429 before it reaches Plaza.
    RateLimit,
}

/// A hook that applies `fault` to the first `count` POSTs to the web service whose path ends
/// in `/posts`; `seen` counts every such POST that reached it.
pub fn faulty_writes(fault: Fault, count: usize, seen: Arc<AtomicUsize>) -> RouterHook {
    middleware_on([Service::Web], move |req: Request, next: Next| {
        let seen = seen.clone();
        async move {
            if req.method() != axum::http::Method::POST || !req.uri().path().ends_with("/posts") {
                return next.run(req).await;
            }
            let n = seen.fetch_add(1, Ordering::SeqCst);
            if n >= count {
                return next.run(req).await;
            }
            match fault {
                Fault::LoseAnswer => {
                    let answer = next.run(req).await;
                    assert!(answer.status().is_success(), "the write itself succeeds");
                    failure(StatusCode::SERVICE_UNAVAILABLE, "service_unavailable")
                }
                Fault::RateLimit => failure(StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
            }
        }
    })
}

fn failure(status: StatusCode, code: &str) -> Response {
    let body = plaza_types::ErrorBody {
        error: code.to_owned(),
        message: "Injected by the test.".to_owned(),
    };
    (status, [("retry-after", "1")], axum::Json(body)).into_response()
}
