//! Rows a test writes straight into the database, behind the services' back (an old post, a
//! post a cache has not seen).

use plaza_types::Id;
use plaza_types::timeline::Post;

/// A visible text post of `author` in `community`, as the timeline stores it: written by
/// `region` at the time in its `id`, from the web, nothing attached.
pub fn text_post(id: Id, region: u8, community: Id, author: Id, body: &str) -> Post {
    Post {
        id,
        region,
        community_id: community,
        author_id: author,
        body: body.to_owned(),
        feeling: 0,
        spoiler: false,
        topic_tag: None,
        platform: "web".into(),
        comment_count: 0,
        deleted: false,
        created_at: id.millis(),
        drawing: None,
        drawing_alt: None,
        screenshot: None,
        game: None,
        moderation: Default::default(),
        moderation_reason: None,
    }
}
