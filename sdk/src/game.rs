//! The game API's calls, typed with the server's own shapes (`plaza_types::api::game`), and the
//! byte fields (`app_data`, paintings) as bytes rather than base64.

use crate::client::Client;
use crate::error::{Error, Result};
use crate::transport::{Call, new_idempotency_key};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use plaza_types::Id;
use plaza_types::api::game::{
    GameComment, GameCommentBody, GameCommentInput, GamePost, GamePostBody, GamePostInput,
    GamePostList, GamePostThread, GamePostsQuery, GameTitle, GameTitleBody, GameYeah,
    PlayerLinkRequest, PlayerSignInRequest, PlayerToken,
};
use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The game API's URLs, in one place; all under the client's title,
/// `/api/v1/game/titles/{title_id}`.
mod paths {
    use plaza_types::Id;

    pub const TITLE: &str = "";
    pub const LINK: &str = "/link";
    pub const SIGN_IN: &str = "/sessions";
    pub const POSTS: &str = "/posts";
    pub const MY_POSTS: &str = "/me/posts";

    pub fn post(id: Id) -> String {
        format!("{POSTS}/{id}")
    }

    pub fn yeah(id: Id) -> String {
        format!("{POSTS}/{id}/yeah")
    }

    pub fn comments(id: Id) -> String {
        format!("{POSTS}/{id}/comments")
    }

    pub fn player_posts(username: &str) -> String {
        format!("/players/{}/posts", super::escape(username))
    }
}

/// A path segment with everything but unreserved characters percent-encoded.
pub(crate) fn escape(segment: &str) -> String {
    segment
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The `cursor` of a page.
#[derive(serde::Serialize)]
struct Page<'a> {
    cursor: Option<&'a str>,
}

/// Bytes as the game API carries them (base64, standard alphabet, padded).
pub fn encode_bytes(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// A post's `app_data` as the bytes the game posted (`None` when it has none).
pub fn app_data(post: &GamePost) -> Result<Option<Vec<u8>>> {
    post.app_data
        .as_deref()
        .map(|b64| {
            STANDARD
                .decode(b64)
                .map_err(|e| Error::Decode(format!("app_data is not base64: {e}")))
        })
        .transpose()
}

impl Client {
    /// `path` under the client's title.
    fn at(&self, path: &str) -> String {
        format!("{}{path}", self.transport.title_root)
    }

    /// `GET path` under the client's title, with `query` as its query string.
    async fn read<T: DeserializeOwned>(&self, path: &str, query: &impl Serialize) -> Result<T> {
        let call = Call::get_with(self.at(path), query)?;
        self.transport.send(&call).await
    }

    /// A write to `path` under the client's title, sent under a new idempotency key (the same key
    /// on every retry).
    async fn write<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&impl Serialize>,
    ) -> Result<T> {
        let call = Call::write(method, self.at(path), body, new_idempotency_key()?)?;
        self.transport.send(&call).await
    }

    /// The title of the client's app key, with its communities (the main one first).
    pub async fn title(&self) -> Result<GameTitle> {
        let body: GameTitleBody = self
            .transport
            .send(&Call::get(self.at(paths::TITLE)))
            .await?;
        Ok(body.title)
    }

    /// Links a player with the short code from their settings; the token goes into
    /// [`crate::ClientConfig::with_player_token`]. Not retried by key: a code works once.
    pub async fn link_player(&self, code: &str) -> Result<PlayerToken> {
        let body = PlayerLinkRequest {
            code: code.to_owned(),
        };
        self.write(Method::POST, paths::LINK, Some(&body)).await
    }

    /// Signs a player in with their Plaza username and password.
    pub async fn sign_in_player(&self, username: &str, password: &str) -> Result<PlayerToken> {
        let body = PlayerSignInRequest {
            username: username.to_owned(),
            password: password.to_owned(),
        };
        self.write(Method::POST, paths::SIGN_IN, Some(&body)).await
    }

    /// Posts for the player (a new idempotency key, kept through the retries).
    pub async fn create_post(&self, input: &GamePostInput) -> Result<GamePost> {
        self.create_post_with_key(input, new_idempotency_key()?)
            .await
    }

    /// Posts under the caller's key: a game that kept the key of a post it never saw answered
    /// (it was closed, the console slept) sends it again with that key and gets the same post.
    pub async fn create_post_with_key(
        &self,
        input: &GamePostInput,
        key: String,
    ) -> Result<GamePost> {
        let call = Call::write(Method::POST, self.at(paths::POSTS), Some(input), key)?;
        let body: GamePostBody = self.transport.send(&call).await?;
        Ok(body.post)
    }

    /// A page of the title's posts, filtered and ordered by `query`.
    pub async fn posts(&self, query: &GamePostsQuery) -> Result<GamePostList> {
        self.read(paths::POSTS, query).await
    }

    /// A post with its first page of comments (oldest first); `cursor` for the next page.
    pub async fn post(&self, id: Id, cursor: Option<&str>) -> Result<GamePostThread> {
        self.read(&paths::post(id), &Page { cursor }).await
    }

    /// A page of a player's posts in this title.
    pub async fn player_posts(&self, username: &str, cursor: Option<&str>) -> Result<GamePostList> {
        self.read(&paths::player_posts(username), &Page { cursor })
            .await
    }

    /// A page of the client's player's own posts in this title.
    pub async fn my_posts(&self, cursor: Option<&str>) -> Result<GamePostList> {
        self.read(paths::MY_POSTS, &Page { cursor }).await
    }

    /// Gives the player's Yeah to a post.
    pub async fn yeah(&self, post: Id) -> Result<GameYeah> {
        self.write(Method::PUT, &paths::yeah(post), None::<&()>)
            .await
    }

    /// Takes the player's Yeah back.
    pub async fn unyeah(&self, post: Id) -> Result<GameYeah> {
        self.write(Method::DELETE, &paths::yeah(post), None::<&()>)
            .await
    }

    /// Comments on a post for the player.
    pub async fn comment(&self, post: Id, input: &GameCommentInput) -> Result<GameComment> {
        let body: GameCommentBody = self
            .write(Method::POST, &paths::comments(post), Some(input))
            .await?;
        Ok(body.comment)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_username_is_escaped_in_its_path() {
        assert_eq!(
            paths::player_posts("ann/../x y"),
            "/players/ann%2F..%2Fx%20y/posts"
        );
    }

    #[test]
    fn query_fields_that_are_none_are_left_out() {
        let query = GamePostsQuery {
            search_key: Some("level 3".into()),
            spoilers: Some(false),
            limit: Some(5),
            ..GamePostsQuery::default()
        };
        let call = Call::get_with(paths::POSTS.to_owned(), &query).unwrap();
        let mut pairs = call.query.clone();
        pairs.sort();
        assert_eq!(
            pairs,
            vec![
                ("limit".to_owned(), "5".to_owned()),
                ("search_key".to_owned(), "level 3".to_owned()),
                ("spoilers".to_owned(), "false".to_owned()),
            ]
        );
    }
}
