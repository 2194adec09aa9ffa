//! Home regions picked at sign-up, sign-in anywhere, and console writes: a person signs up for
//! one region through another, signs in through a second and writes through a third; every
//! account and session row is written by the account's home region, and a console linked to the
//! account has its writes made there too.

use crate::edge_common::unique;
use crate::forwarding::{row_region, user_id, wait_row, wait_session};
use crate::helpers::{Region, regions};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use plaza_storage::sqlx;
use reqwest::{Method, StatusCode};
use serde_json::json;

/// The regions whose rows of `user`'s sessions `at` holds.
async fn session_regions(at: &Region, user: &str) -> Vec<i64> {
    let db = at.db().await;
    let found: Vec<(i64,)> = sqlx::query_as(
        "SELECT DISTINCT CAST(region AS SIGNED) FROM sessions WHERE user_id = ? ORDER BY 1",
    )
    .bind(user.parse::<i64>().expect("a numeric id"))
    .fetch_all(&db.pool)
    .await
    .unwrap();
    db.pool.close().await;
    found.into_iter().map(|(r,)| r).collect()
}

#[tokio::test]
async fn a_person_signs_up_for_r1_through_r2_signs_in_through_r2_and_writes_through_r3() {
    let [r1, r2, r3] = regions().await;
    let community = r1.community().await;
    let name = unique("far");
    let (status, body) = r2
        .post(
            "/api/v1/accounts",
            None,
            json!({"username": name, "password": "password1", "home_region": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["user"]["home_region"], 1, "{body}");
    let signed_up = body["token"].as_str().unwrap().to_owned();
    let id = body["user"]["id"].as_str().unwrap().to_owned();
    for region in [&r1, &r2, &r3] {
        assert_eq!(
            wait_row(region, "users", "id", &id).await,
            Some(1),
            "the account is a row of r1, in {}",
            region.name
        );
    }
    // The token of the sign-up works where the person is.
    wait_session(&r2, &signed_up).await;

    // Signing in through r2 makes the session in r1; it then works through r3.
    let (status, body) = r2.create_session(&name, "password1").await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let token = body["token"].as_str().unwrap().to_owned();
    wait_session(&r3, &token).await;
    let post = r3.post_text(&token, &community, "signed in at r2").await;
    r1.wait_for(&format!("/api/v1/posts/{post}")).await;
    assert_eq!(row_region(&r1, "posts", "id", &post).await, Some(1));
    for region in [&r1, &r2, &r3] {
        assert_eq!(
            session_regions(region, &id).await,
            [1],
            "every session is a row of r1, in {}",
            region.name
        );
    }

    // A wrong password through r2 is answered by r1 like any wrong password; an unknown region
    // is refused where the request arrives.
    let (status, body) = r2.create_session(&name, "password2").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    let (status, body) = r3
        .post(
            "/api/v1/accounts",
            None,
            json!({"username": unique("nowhere"), "password": "password1", "home_region": 9}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"], "unknown_region");
}

/// A Wii U ParamPack for the title `title_decimal` (the fields a console sends).
fn wii_u_pack(title_decimal: &str) -> String {
    let text = format!(
        "\\title_id\\{title_decimal}\\access_key\\1094921432\\platform_id\\1\\region_id\\2\\\
         language_id\\1\\country_id\\49\\area_id\\6\\network_restriction\\0\\friend_restriction\\0\\\
         rating_restriction\\17\\rating_organization\\1\\transferable_id\\12385812304658014210\\\
         tz_name\\America/New_York\\utc_offset\\-18000\\"
    );
    STANDARD.encode(text)
}

/// One console request through `region`'s edge: the status and the XML text.
async fn console(
    region: &Region,
    pack: &str,
    token: &str,
    method: Method,
    path: &str,
) -> (StatusCode, String) {
    let response = region
        .client
        .request(method, format!("{}{path}", region.url))
        .header("x-nintendo-parampack", pack)
        .header("x-nintendo-servicetoken", token)
        .send()
        .await
        .unwrap();
    (response.status(), response.text().await.unwrap())
}

/// The text of the first `<tag>` in `xml`.
fn xml_text<'a>(xml: &'a str, tag: &str) -> &'a str {
    let open = format!("<{tag}>");
    let start = xml
        .find(&open)
        .unwrap_or_else(|| panic!("no <{tag}> in {xml}"))
        + open.len();
    let end = xml[start..].find('<').unwrap() + start;
    &xml[start..end]
}

#[tokio::test]
async fn a_console_write_through_another_region_is_made_in_the_players_home_region() {
    let [r1, _r2, r3] = regions().await;
    // An admin of r1 registers a title no earlier run used.
    let (admin, admin_token) = r1.sign_up("tadm").await;
    let db = r1.db().await;
    let admin_id = user_id(&r1, &admin).await;
    plaza_web::db::users::make_admin(&db, plaza_types::Id(admin_id.parse().unwrap()), None)
        .await
        .unwrap();
    db.pool.close().await;
    let title = 0x0005_0000_1000_0000u64 + (plaza_types::now_millis() as u64 % 0x0fff_ffff);
    let (status, body) = r1
        .post(
            "/api/v1/admin/titles",
            Some(&admin_token),
            json!({"title_id": format!("{title:016X}"), "name": format!("Game {title}"), "platform": "wiiu", "description": "A game."}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let main = body["title"]["main_community_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let pack = wii_u_pack(&title.to_string());

    // A player homed in r1 links a console there, then uses it through r3.
    let (_, player) = r1.sign_up("cons").await;
    let console_token = unique("wiiu-service-token-");
    let (status, shown) = console(&r1, &pack, &console_token, Method::GET, "/v1/communities").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{shown}");
    let code = xml_text(&shown, "link_code").to_owned();
    let (status, body) = r1
        .post("/api/v1/me/consoles", Some(&player), json!({"code": code}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let theirs = r1
        .post_text(&admin_token, &main, "Yeah me from a console")
        .await;
    r3.wait_for(&format!("/api/v1/posts/{theirs}")).await;
    // The link has reached r3 when a console read there answers.
    for _ in 0..150 {
        if console(&r3, &pack, &console_token, Method::GET, "/v1/communities")
            .await
            .0
            == StatusCode::OK
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let path = format!("/v1/posts/{theirs}/empathies");
    let (status, answer) = console(&r3, &pack, &console_token, Method::POST, &path).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(xml_text(&answer, "empathy_count"), "1", "{answer}");
    // The Yeah is a row of r1, the player's home region.
    let db = r1.db().await;
    let (region,): (i64,) =
        sqlx::query_as("SELECT CAST(region AS SIGNED) FROM yeahs WHERE target_id = ?")
            .bind(theirs.parse::<i64>().unwrap())
            .fetch_one(&db.pool)
            .await
            .unwrap();
    db.pool.close().await;
    assert_eq!(region, 1);
}
