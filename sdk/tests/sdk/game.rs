//! The SDK against a real Plaza's game API: posting with every game field, reading back,
//! filters, Yeahs, comments, and Plaza's refusals as typed errors.

use crate::plaza::{Plaza, TITLE, text_input};
use plaza_sdk::types::{GameCommentInput, GamePostInput, GamePostsQuery};
use plaza_sdk::{
    Client, ClientConfig, Error, PAINTING_RGBA_LEN, app_data, encode_bytes, painting_from_rgba,
};

/// 320×120 RGBA: white paper with a black band.
fn band() -> Vec<u8> {
    let mut rgba = vec![255u8; PAINTING_RGBA_LEN];
    for (i, px) in rgba.chunks_exact_mut(4).enumerate() {
        let y = i / 320;
        if (50..70).contains(&y) {
            px[..3].copy_from_slice(&[0, 0, 0]);
        }
    }
    rgba
}

/// Every byte value, then some: 300 bytes.
fn every_byte() -> Vec<u8> {
    (0..300u32).map(|i| (i * 7 % 256) as u8).collect()
}

#[tokio::test]
async fn a_painting_with_app_data_is_posted_and_read_back_byte_for_byte() {
    let plaza = Plaza::start(None).await;
    let player = plaza.player("painter").await;
    let painting = painting_from_rgba(&band()).unwrap();
    let input = GamePostInput {
        body: "My drawing".into(),
        feeling: 2,
        topic_tag: Some("Level 7".into()),
        painting: Some(encode_bytes(&painting)),
        app_data: Some(encode_bytes(&every_byte())),
        search_keys: vec!["level7".into(), "boss".into()],
        is_app_jumpable: true,
        ..GamePostInput::default()
    };
    let post = player.create_post(&input).await.unwrap();
    assert_eq!(app_data(&post).unwrap(), Some(every_byte()));
    assert_eq!(post.title_id.as_deref(), Some(TITLE));
    assert!(post.drawing_url.is_some(), "{post:?}");
    assert!(post.is_app_jumpable && !post.is_autopost);
    assert_eq!(post.author.username, "painter");

    // Read back by a client without a player, as a game's title screen would.
    let thread = plaza.game().post(post.id, None).await.unwrap();
    assert_eq!(app_data(&thread.post).unwrap(), Some(every_byte()));
    let mut keys = thread.post.search_keys.clone();
    keys.sort();
    assert_eq!(keys, ["boss", "level7"]);
    let drawing = plaza
        .api
        .get_raw(thread.post.drawing_url.as_deref().unwrap())
        .await;
    assert_eq!(drawing.status(), 200, "the drawing is served");

    let mine = player.my_posts(None).await.unwrap();
    assert_eq!(mine.posts.len(), 1);
    let theirs = plaza.game().player_posts("painter", None).await.unwrap();
    assert_eq!(theirs.posts[0].id, post.id);
}

#[tokio::test]
async fn the_titles_posts_are_filtered_by_search_key_and_drawing() {
    let plaza = Plaza::start(None).await;
    let player = plaza.player("filterer").await;
    let painting = encode_bytes(&painting_from_rgba(&band()).unwrap());
    for (body, key, drawn) in [
        ("a", "red", true),
        ("b", "blue", false),
        ("c", "red", false),
    ] {
        let input = GamePostInput {
            body: body.into(),
            painting: drawn.then(|| painting.clone()),
            search_keys: vec![key.into()],
            ..GamePostInput::default()
        };
        player.create_post(&input).await.unwrap();
    }
    let bodies = |list: plaza_sdk::types::GamePostList| {
        list.posts.into_iter().map(|p| p.body).collect::<Vec<_>>()
    };
    let red = GamePostsQuery {
        search_key: Some("red".into()),
        ..GamePostsQuery::default()
    };
    assert_eq!(bodies(plaza.game().posts(&red).await.unwrap()), ["c", "a"]);
    let drawn = GamePostsQuery {
        only_drawings: Some(true),
        ..GamePostsQuery::default()
    };
    assert_eq!(bodies(plaza.game().posts(&drawn).await.unwrap()), ["a"]);
    let title = plaza.game().title().await.unwrap();
    assert_eq!(title.title_id, TITLE);
    assert_eq!(title.communities[0].id, title.main_community_id);
}

#[tokio::test]
async fn a_player_gives_and_takes_back_a_yeah_and_comments() {
    let plaza = Plaza::start(None).await;
    let ann = plaza.player("ann").await;
    let bob = plaza.player("bob").await;
    let post = ann.create_post(&text_input("Yeah me")).await.unwrap();
    let yeah = bob.yeah(post.id).await.unwrap();
    assert!(yeah.yeahed && yeah.yeah_count == 1, "{yeah:?}");
    let own = ann.yeah(post.id).await.unwrap_err();
    assert_eq!(own.status(), Some(403), "{own}");
    let comment = bob
        .comment(
            post.id,
            &GameCommentInput {
                body: "Nice".into(),
                ..GameCommentInput::default()
            },
        )
        .await
        .unwrap();
    let thread = ann.post(post.id, None).await.unwrap();
    assert_eq!(thread.post.yeah_count, 1);
    assert_eq!(thread.comments.len(), 1);
    assert_eq!(thread.comments[0].id, comment.id);
    let yeah = bob.unyeah(post.id).await.unwrap();
    assert!(!yeah.yeahed && yeah.yeah_count == 0, "{yeah:?}");
}

#[tokio::test]
async fn plazas_refusals_come_back_with_their_codes_and_post_nothing() {
    let plaza = Plaza::start(None).await;
    let player = plaza.player("refused").await;
    let too_much = GamePostInput {
        body: "x".into(),
        app_data: Some(encode_bytes(&[7u8; 1025])),
        ..GamePostInput::default()
    };
    let e = player.create_post(&too_much).await.unwrap_err();
    assert_eq!(
        (e.status(), e.code()),
        (Some(422), Some("app_data_too_large"))
    );
    let keys = GamePostInput {
        body: "x".into(),
        search_keys: (0..6).map(|i| format!("k{i}")).collect(),
        ..GamePostInput::default()
    };
    let e = player.create_post(&keys).await.unwrap_err();
    assert_eq!(e.code(), Some("too_many_search_keys"));
    assert!(
        player
            .posts(&Default::default())
            .await
            .unwrap()
            .posts
            .is_empty()
    );

    let wrong_key = Client::new(&ClientConfig::new(&plaza.url, TITLE, "nope.nope")).unwrap();
    let e = wrong_key.title().await.unwrap_err();
    assert_eq!((e.status(), e.code()), (Some(401), Some("invalid_app_key")));
    let no_player = plaza.game().create_post(&too_much).await.unwrap_err();
    assert!(
        matches!(no_player, Error::Api { status: 401, .. }),
        "{no_player}"
    );
}
