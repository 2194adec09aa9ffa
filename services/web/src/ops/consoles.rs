//! Consoles linked to accounts for the console API (`crate::console`). There is no console
//! account server behind Plaza, so a console is known by the service token it sends
//! (`X-Nintendo-ServiceToken`, kept only as a SHA-256): the first time Plaza sees a token it
//! answers with a short code; the player signs in to Plaza on any browser and enters that code in
//! Settings → Consoles, which links the token to their account. From then on the console acts as
//! them. Unlinking in settings ends that at once.

use crate::db::console_links::{self, ConsoleLink, MAX_PER_USER};
use crate::db::users::{self, User};
use crate::limits::Action;
use crate::{AppState, Error, Result};
use plaza_types::now_millis;
use plaza_types::validate::Invalid;

/// How long a console's link code can be entered.
pub const CODE_MINUTES: i64 = 15;
/// The letters codes are drawn from: no 0/O or 1/I to confuse.
const CODE_ALPHABET: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
/// The length of a code (40 random bits; entries are rate limited).
pub const CODE_LEN: usize = 8;

/// Who a console's token acts for.
#[derive(Debug)]
pub enum ConsoleAccount {
    /// The token is linked to this account.
    Linked(User),
    /// Not linked yet: the player enters this code (shown as `ABCD-EFGH`) in their settings.
    Unlinked { link_code: String },
}

/// How a code is shown: `ABCD-EFGH`.
pub fn show_code(code: &str) -> String {
    let (a, b) = code.split_at(code.len().min(CODE_LEN / 2));
    format!("{a}-{b}")
}

/// The account a console's service token is linked to, if any; reads only (no link code is
/// made), for deciding where the console's write is made (see `crate::forward`).
pub async fn linked_account(state: &AppState, token: &str) -> Result<Option<User>> {
    let hash = crate::auth::token_hash(token);
    match console_links::by_token(&state.db, &hash, state.config.region).await? {
        Some(link) => Ok(users::by_id(&state.db, plaza_types::Id(link.user_id)).await?),
        None => Ok(None),
    }
}

/// The account a console's (well-formed) service token acts for, or the code that links it.
pub async fn account(state: &AppState, token: &str, platform: &str) -> Result<ConsoleAccount> {
    let hash = crate::auth::token_hash(token);
    if let Some(link) = console_links::by_token(&state.db, &hash, state.config.region).await? {
        return match users::by_id(&state.db, plaza_types::Id(link.user_id)).await? {
            Some(user) => Ok(ConsoleAccount::Linked(user)),
            None => Err(Error::Unauthenticated),
        };
    }
    let now = now_millis();
    if let Some(code) = console_links::code_of(&state.db, &hash, now).await? {
        return Ok(ConsoleAccount::Unlinked {
            link_code: show_code(&code),
        });
    }
    // A new code per unknown token: limited per address so nobody fills the table.
    if let Some(ip) = crate::client::current() {
        super::limit(state, Action::SignIn, &[&format!("console_code:ip:{ip}")]).await?;
    }
    let expires_at = now + CODE_MINUTES * 60_000;
    for _ in 0..5 {
        let code = new_code()?;
        let region = state.config.region;
        if console_links::insert_code(&state.db, &code, region, &hash, platform, expires_at).await?
        {
            return Ok(ConsoleAccount::Unlinked {
                link_code: show_code(&code),
            });
        }
    }
    Err(Error::Internal(anyhow::anyhow!(
        "five random console link codes in a row were taken"
    )))
}

fn new_code() -> Result<String> {
    let mut bytes = [0u8; CODE_LEN];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("random source: {e}"))?;
    Ok(bytes
        .iter()
        .map(|b| char::from(CODE_ALPHABET[usize::from(b % 32)]))
        .collect())
}

/// A code as typed: spaces and dashes dropped, either case. 422 `invalid_link_code` when it
/// cannot be a code at all.
pub fn normalize_code(text: &str) -> Result<String, Invalid> {
    let code: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if code.len() != CODE_LEN || !code.bytes().all(|b| CODE_ALPHABET.contains(&b)) {
        return Err(Invalid {
            code: "invalid_link_code",
            message: "A console's code is 8 letters and digits, like ABCD-2345.".into(),
        });
    }
    Ok(code)
}

/// Links the console showing `code` to `user`. Refusals: 422 `invalid_link_code`, 422
/// `link_code_not_found` (no such code, or it expired), 409 `console_already_linked`, 409
/// `too_many_consoles`, 429 when codes are tried too often.
pub async fn link(state: &AppState, user: &User, code: &str) -> Result<ConsoleLink> {
    let code = normalize_code(code)?;
    super::limit(
        state,
        Action::SignIn,
        &[&format!("console_link:user:{}", user.id)],
    )
    .await?;
    let Some(pending) = console_links::code(&state.db, &code, now_millis()).await? else {
        return Err(Error::Invalid(Invalid {
            code: "link_code_not_found",
            message: "No console shows that code, or it expired. Open Plaza on the console again \
                      for a new one."
                .into(),
        }));
    };
    if console_links::count(&state.db, user.id).await? >= MAX_PER_USER {
        return Err(Error::conflict(
            "too_many_consoles",
            "You have linked as many consoles as an account can. Unlink one first.",
        ));
    }
    let id = state.ids.next_id();
    let region = state.config.region;
    if !console_links::insert(
        &state.db,
        id,
        region,
        user.id,
        &pending.token_hash,
        &pending.platform,
    )
    .await?
    {
        return Err(Error::conflict(
            "console_already_linked",
            "That console is already linked to an account.",
        ));
    }
    console_links::list(&state.db, user.id)
        .await?
        .into_iter()
        .find(|l| l.id == id.0)
        .ok_or(Error::NotFound("console"))
}

/// The consoles linked to `user`, newest first.
pub async fn list(state: &AppState, user: &User) -> Result<Vec<ConsoleLink>> {
    Ok(console_links::list(&state.db, user.id).await?)
}

/// Unlinks one of `user`'s consoles: it stops acting for them at once. 404 when not theirs.
pub async fn unlink(state: &AppState, user: &User, id: i64) -> Result<()> {
    if console_links::delete(&state.db, user.id, id).await? {
        Ok(())
    } else {
        Err(Error::NotFound("console"))
    }
}

/// A linked console as its owner sees it.
pub fn view(link: ConsoleLink) -> plaza_types::api::consoles::LinkedConsole {
    let time = |ms: i64| chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default();
    plaza_types::api::consoles::LinkedConsole {
        id: plaza_types::Id(link.id),
        platform: link.platform,
        created_at: time(link.created_at),
        last_used_at: time(link.last_used_at),
    }
}

/// The player `id` (for `GET /v1/people?pid=`): 404 `not_found` when there is none.
pub async fn player(state: &AppState, id: plaza_types::Id) -> Result<User> {
    users::by_id(&state.db, id)
        .await?
        .ok_or(Error::NotFound("person"))
}

/// A post's drawing as a console reads it: a zlib-compressed 32-bit TGA, 320×120, black ink on
/// white, top row first; none when the post has no drawing or its object is gone.
pub async fn painting_tga(state: &AppState, drawing_url: Option<&str>) -> Result<Option<Vec<u8>>> {
    let Some(key) = drawing_url
        .and_then(|u| u.find("drawings/").map(|i| &u[i..]))
        .filter(|k| plaza_media::store::valid_key(k))
    else {
        return Ok(None);
    };
    let png = state.media.get(key).await.map_err(Error::MediaStore)?;
    let Some(png) = png else { return Ok(None) };
    let drawing = plaza_media::Drawing::from_png(&png)?;
    Ok(Some(zlib_tga(&drawing)))
}

/// Encodes a drawing as consoles send one (the inverse of `Drawing::from_game_bytes`).
pub fn zlib_tga(drawing: &plaza_media::Drawing) -> Vec<u8> {
    use plaza_media::drawing::{HEIGHT, WIDTH};
    use std::io::Write;
    let mut tga = Vec::with_capacity(18 + (WIDTH * HEIGHT * 4) as usize);
    // Header: no id, no colour map, type 2 (true colour), 32 bits a pixel, origin top left
    // (descriptor bit 5) with 8 alpha bits.
    tga.extend_from_slice(&[0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    tga.extend_from_slice(&u16::try_from(WIDTH).unwrap_or(u16::MAX).to_le_bytes());
    tga.extend_from_slice(&u16::try_from(HEIGHT).unwrap_or(u16::MAX).to_le_bytes());
    tga.extend_from_slice(&[32, 0x28]);
    for y in 0..HEIGHT {
        for x in 0..WIDTH {
            let v = if drawing.ink(x, y) { 0 } else { 255 };
            tga.extend_from_slice(&[v, v, v, 255]);
        }
    }
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing into a Vec cannot fail.
    let _infallible = z.write_all(&tga);
    z.finish().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_read_as_typed_and_shown_with_a_dash() {
        assert_eq!(normalize_code(" abcd-2345 ").unwrap(), "ABCD2345");
        assert_eq!(show_code("ABCD2345"), "ABCD-2345");
        assert_eq!(new_code().unwrap().len(), CODE_LEN);
        assert_eq!(
            normalize_code(&new_code().unwrap()).unwrap().len(),
            CODE_LEN
        );
    }

    #[test]
    fn a_drawing_encoded_for_consoles_decodes_to_the_same_pixels() {
        let mut drawing = plaza_media::Drawing::blank();
        for x in 10..200 {
            drawing.set(x, 7, true);
            drawing.set(x / 2, 100, true);
        }
        let bytes = zlib_tga(&drawing);
        assert!(bytes.len() <= plaza_media::drawing::MAX_COMPRESSED);
        assert_eq!(
            plaza_media::Drawing::from_game_bytes(&bytes).unwrap(),
            drawing
        );
    }

    #[test]
    fn text_that_cannot_be_a_code_is_refused() {
        for text in [
            "",
            "ABCD-234",
            "ABCD-23456",
            "ABCD-0000",
            "ABCD-2I45",
            "ABCD_2345",
        ] {
            assert_eq!(
                normalize_code(text).unwrap_err().code,
                "invalid_link_code",
                "{text}"
            );
        }
    }
}
