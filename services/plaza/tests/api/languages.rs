//! The pages in English and Japanese: chosen by the account's setting, else the footer's
//! language cookie, else `Accept-Language`; form errors and error pages in the same language.

use crate::helpers::{Browser, TestApp, assert_page, assert_shows, token_in};
use plaza_test_support::{assert_status, header};
use reqwest::StatusCode;
use reqwest::header::ACCEPT_LANGUAGE;

/// Interface words that must not be left in a Japanese page.
const ENGLISH: [&str; 8] = [
    "Sign in",
    "Sign up",
    "Communities",
    "Welcome to Plaza",
    "Skip to content",
    "Language:",
    "Load more",
    "comments",
];

fn assert_japanese(page: &str, what: &str) {
    assert!(
        page.contains("<html lang=\"ja\">"),
        "{what}: <html lang=\"ja\">"
    );
    for word in ENGLISH {
        assert!(!page.contains(word), "{what} still says {word:?}");
    }
}

#[tokio::test]
async fn a_browser_that_prefers_japanese_gets_the_pages_in_japanese() {
    let app = TestApp::start().await;
    let browser = Browser::new(&app);
    let (status, home) = browser.get_in("/", "ja-JP,ja;q=0.9,en;q=0.8").await;
    assert_eq!(status, StatusCode::OK);
    assert_japanese(&home, "home");
    assert!(home.contains("Plaza へようこそ"));
    assert!(home.contains(">ログイン</a>"));
    assert!(home.contains(">新規登録</a>"));
    let (_, signin) = browser.get_in("/signin", "ja").await;
    assert_japanese(&signin, "sign-in");
    assert!(signin.contains("<label for=\"password\">パスワード</label>"));

    // English stays the default, and a preference for English wins over a lesser one for Japanese.
    let (_, english) = browser.get("/").await;
    assert!(english.contains("<html lang=\"en\">"));
    assert!(english.contains("Welcome to Plaza"));
    let (_, preferred) = browser.get_in("/", "ja;q=0.3, en;q=0.9").await;
    assert!(preferred.contains("<html lang=\"en\">"));
    let (_, unknown) = browser.get_in("/", "fr-FR, de;q=0.5").await;
    assert!(unknown.contains("<html lang=\"en\">"));
}

#[tokio::test]
async fn error_pages_and_form_errors_are_in_the_readers_language() {
    let app = TestApp::start().await;
    let browser = Browser::new(&app);
    let missing = assert_page(browser.get_in("/no/such/page", "ja").await, 404);
    assert_japanese(&missing, "404 page");
    assert!(missing.contains("見つかりません"));
    assert!(missing.contains("このページはありません。"));
    let missing_post = assert_page(browser.get_in("/posts/12345", "ja").await, 404);
    assert!(missing_post.contains("<html lang=\"ja\">"));

    // A sign-up with too short a password comes back with the reason in Japanese.
    let (_, form) = browser.get_in("/signup", "ja").await;
    let csrf = token_in(&form);
    let fields = [
        ("csrf", csrf.as_str()),
        ("username", "kenji"),
        ("password", "short"),
    ];
    let r = browser
        .submit_with_headers("/signup", &[(ACCEPT_LANGUAGE.as_str(), "ja")], &fields)
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(page.contains("パスワードは8文字以上にしてください。"));
    assert!(!page.contains("A password needs"));
}

#[tokio::test]
async fn the_account_setting_wins_over_the_browser_and_persists() {
    let app = TestApp::start().await;
    let browser = Browser::signed_up(&app, "hana").await;
    let (_, settings) = browser.get("/settings").await;
    assert!(
        settings.contains("<option value=\"\" selected>"),
        "follows the browser at first"
    );
    let csrf = token_in(&settings);

    // Choosing Japanese: the settings page comes back in Japanese, saying it saved.
    let r = browser.save_settings(&csrf, "Hana", "", "ja").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let location = header(&r, "location").to_owned();
    let (_, saved) = browser.get_in(&location, "en-US,en").await;
    assert_japanese(&saved, "settings after saving");
    assert!(saved.contains("保存しました。"));
    assert!(saved.contains("<option value=\"ja\" lang=\"ja\" selected>日本語</option>"));

    // A browser asking for English still gets Japanese, on every page, in a new session too.
    let (_, home) = browser.get_in("/", "en").await;
    assert_japanese(&home, "home with the setting");
    let (fresh, _) = Browser::signed_in(&app, "hana").await;
    let (_, notifications) = fresh.get_in("/notifications", "en").await;
    assert_japanese(&notifications, "notifications in a new session");
    assert!(notifications.contains("まだ通知はありません。"));

    // Switching back to English wins over a browser that asks for Japanese.
    let csrf = token_in(&notifications);
    let r = fresh.save_settings(&csrf, "Hana", "", "en").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, home) = fresh.get_in("/", "ja").await;
    assert!(home.contains("<html lang=\"en\">"));
    assert!(home.contains("Communities"));

    // A language that is not offered is refused and changes nothing.
    let r = fresh.save_settings(&csrf, "Hana", "", "xx").await;
    assert_shows(
        r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "Choose one of the languages offered.",
    )
    .await;
    let (_, home) = fresh.get_in("/", "ja").await;
    assert!(home.contains("<html lang=\"en\">"));
}

#[tokio::test]
async fn the_footer_switch_remembers_a_signed_out_visitors_choice() {
    let app = TestApp::start().await;
    let browser = Browser::new(&app);
    let (_, home) = browser.get("/communities").await;
    assert!(home.contains("<button type=\"submit\" name=\"lang\" value=\"ja\" lang=\"ja\""));
    let csrf = token_in(&home);
    let r = browser
        .submit(
            "/language",
            &[("csrf", &csrf), ("lang", "ja"), ("back", "/communities")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/communities");
    let cookie = header(&r, "set-cookie").to_owned();
    assert!(cookie.starts_with("plaza_lang=ja;"), "{cookie}");
    let (_, page) = browser.get_in("/communities", "en").await;
    assert_japanese(&page, "communities after switching");

    // The switch needs the form's token like every other form.
    let other = Browser::new(&app);
    other.get("/").await;
    let r = other
        .submit("/language", &[("csrf", &"x".repeat(43)), ("lang", "ja")])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let (_, page) = other.get("/").await;
    assert!(page.contains("<html lang=\"en\">"));
}

#[tokio::test]
async fn notifications_and_counts_are_written_the_japanese_way() {
    let app = TestApp::start().await;
    let (author, _, post) = app.sign_up_and_post("author", "Yeah me").await;
    for name in ["ann", "ben", "cat", "dan"] {
        let token = app.sign_up(name).await;
        assert_status(app.yeah(&token, &post).await, 200);
    }
    app.wait_unread(&author, 1).await;
    let (browser, _) = Browser::signed_in(&app, "author").await;
    // The four Yeahs land in one group as the worker delivers them.
    let mut page = String::new();
    for _ in 0..200 {
        page = browser.get_in("/notifications", "ja").await.1;
        if page.contains("ほか2人") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert_japanese(&page, "notifications");
    assert!(
        page.contains("danさん、catさんほか2人があなたの投稿に「そうだね」しました。"),
        "{page}"
    );
    let (_, post_page) = browser.get_in(&format!("/posts/{post}"), "ja").await;
    assert!(post_page.contains("コメント0件"));
    assert!(post_page.contains("たった今"));
    let (_, english) = browser.get("/notifications").await;
    assert!(english.contains("dan, cat and 2 others gave your post a Yeah."));
}
