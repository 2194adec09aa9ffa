//! Word filters and banned sign-up ranges: checking text and addresses against them, and the
//! admins' edits of both lists.

use super::admin_only;
use crate::db::users::User;
use crate::db::{admin_list, banned_ranges, word_filters};
use crate::filters::{FilterAction, Lists, normalise};
use crate::{AppState, Error, Result};
use ipnet::IpNet;
use plaza_types::api::filters::{
    BannedRangeInput, BannedRangeView, FilterActionName, WordFilterInput, WordFilterView,
};
use plaza_types::moderation::{Target, TargetKind};
use plaza_types::validate::Invalid;
use plaza_types::{Id, to_datetime};
use std::net::IpAddr;
use std::sync::Arc;

/// The longest entry, in characters.
pub const PATTERN_MAX: usize = 100;
/// The longest reason for a banned range, in characters.
pub const REASON_MAX: usize = 200;

/// The error of a text holding a restricted word.
pub fn restricted_words() -> Error {
    Error::Invalid(Invalid {
        code: "restricted_words",
        message: "This contains words that are not allowed here. Change the text and try again."
            .into(),
    })
}

/// The lists as they are now: compiled again only when an entry was added or removed since
/// (by any process or region), so every edit applies to the next check everywhere.
async fn lists(state: &AppState) -> Result<Arc<Lists>> {
    let now = state.word_filters_now.read().await?;
    let build = async || -> Result<Lists> {
        let entries: Vec<_> = word_filters::all(&state.db)
            .await?
            .iter()
            .map(word_filters::WordFilterRow::entry)
            .collect();
        Ok(Lists::build(&entries))
    };
    state.word_lists.current_or_build(now, build).await
}

/// Checks `texts` (written in `community`, or none for profile text) against the global list and
/// the community's: refused with `restricted_words` when a refusing entry is in any of them;
/// `true` when they are to be held for review.
pub async fn check(state: &AppState, community: Option<Id>, texts: &[&str]) -> Result<bool> {
    match lists(state).await?.check(community, texts) {
        Some(FilterAction::Refuse) => Err(restricted_words()),
        Some(FilterAction::Hold) => Ok(true),
        None => Ok(false),
    }
}

/// Content a holding entry matched, once written: hidden and queued for a moderator's review.
pub async fn hold(state: &AppState, target: HeldTarget) -> Result<()> {
    let (kind, id) = match target {
        HeldTarget::Post(id) => (TargetKind::Post, id),
        HeldTarget::Comment(id) => (TargetKind::Comment, id),
        HeldTarget::Account(id) => (TargetKind::Account, id),
    };
    super::moderation::hold_for_review(
        state,
        Target { kind, id },
        "Held by a word filter: it contains a word on a restricted list.",
    )
    .await
}

/// What a word filter held.
#[derive(Debug, Clone, Copy)]
pub enum HeldTarget {
    Post(Id),
    Comment(Id),
    Account(Id),
}

fn action_name(a: FilterAction) -> FilterActionName {
    match a {
        FilterAction::Hold => FilterActionName::Hold,
        FilterAction::Refuse => FilterActionName::Refuse,
    }
}

fn filter_view(row: &word_filters::WordFilterRow) -> WordFilterView {
    let entry = row.entry();
    WordFilterView {
        id: Id(row.id),
        community_id: row.community(),
        pattern: row.pattern.clone(),
        action: action_name(entry.action),
        created_at: to_datetime(row.created_at),
    }
}

/// One list's entries (admins only): the global list, or `community`'s.
pub async fn word_list(
    state: &AppState,
    user: &User,
    community: Option<Id>,
) -> Result<Vec<WordFilterView>> {
    admin_only(user)?;
    Ok(word_filters::list(&state.db, community)
        .await?
        .iter()
        .map(filter_view)
        .collect())
}

/// Adds an entry to a list (admins only).
pub async fn add_word(
    state: &AppState,
    user: &User,
    input: &WordFilterInput,
) -> Result<WordFilterView> {
    admin_only(user)?;
    let pattern = input.pattern.trim();
    let key = normalise(pattern);
    if key.trim().is_empty() || pattern.chars().count() > PATTERN_MAX {
        return Err(Error::Invalid(Invalid {
            code: "invalid_pattern",
            message: format!("Write a word or phrase of 1 to {PATTERN_MAX} characters."),
        }));
    }
    if let Some(c) = input.community_id {
        crate::cache::community(state, c)
            .await?
            .ok_or(Error::NotFound("community"))?;
    }
    let action = match input.action {
        FilterActionName::Hold => FilterAction::Hold,
        FilterActionName::Refuse => FilterAction::Refuse,
    };
    let added = word_filters::insert(
        &state.db,
        state.ids.next_id(),
        state.config.region,
        input.community_id,
        pattern,
        &key,
        action,
        user.id,
    )
    .await?;
    AdminList::Words.added(added, filter_view)
}

/// The admins' two capped lists ([`admin_list`]): what is the same in editing either.
#[derive(Debug, Clone, Copy)]
pub enum AdminList {
    /// The word filters (every list of them: the global one and each community's).
    Words,
    /// The banned sign-up ranges.
    Ranges,
}

impl AdminList {
    /// The view of the entry added, or the conflict that refused it.
    fn added<R, V>(self, added: admin_list::Added<R>, view: impl Fn(&R) -> V) -> Result<V> {
        let (duplicate, message, full) = match self {
            AdminList::Words => (
                "duplicate_pattern",
                "That word is already on this list.",
                "This list is full. Remove an entry first.",
            ),
            AdminList::Ranges => (
                "duplicate_range",
                "That range is already banned.",
                "The list of banned ranges is full. Remove one first.",
            ),
        };
        match added {
            admin_list::Added::New(row) => Ok(view(&row)),
            admin_list::Added::Duplicate => Err(Error::conflict(duplicate, message)),
            admin_list::Added::Full => Err(Error::conflict("list_full", full)),
        }
    }
}

/// Removes an entry from a list (admins only): a word filter from whichever list holds it, or
/// a banned range (lifting its ban).
pub async fn remove(state: &AppState, user: &User, list: AdminList, id: Id) -> Result<()> {
    admin_only(user)?;
    let (removed, what) = match list {
        AdminList::Words => (word_filters::delete(&state.db, id).await?, "word filter"),
        AdminList::Ranges => (banned_ranges::delete(&state.db, id).await?, "banned range"),
    };
    if removed {
        Ok(())
    } else {
        Err(Error::NotFound(what))
    }
}

/// The banned ranges as they are now, parsed again only when one was added or lifted since.
async fn ranges(state: &AppState) -> Result<Arc<Vec<IpNet>>> {
    let now = state.banned_ranges_now.read().await?;
    let build = async || -> Result<Vec<IpNet>> {
        let rows = banned_ranges::all(&state.db).await?;
        Ok(rows.iter().filter_map(|r| r.cidr.parse().ok()).collect())
    };
    state.banned_ranges.current_or_build(now, build).await
}

/// Refuses a sign-up from `client` when it is in a banned range, with `signup_banned` (403).
pub async fn check_sign_up(state: &AppState, client: IpAddr) -> Result<()> {
    // An IPv4 client reached over IPv6 (::ffff:a.b.c.d) is matched as the IPv4 address it is.
    let client = match client {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(client, IpAddr::V4),
        v4 => v4,
    };
    if ranges(state).await?.iter().any(|net| net.contains(&client)) {
        return Err(Error::forbidden(
            "signup_banned",
            "Sign-ups from your network are not allowed. Contact the site's staff if you think this is a mistake.",
        ));
    }
    Ok(())
}

fn range_view(row: &banned_ranges::BannedRangeRow) -> BannedRangeView {
    BannedRangeView {
        id: Id(row.id),
        cidr: row.cidr.clone(),
        reason: row.reason.clone(),
        created_at: to_datetime(row.created_at),
    }
}

/// Every banned range (admins only).
pub async fn range_list(state: &AppState, user: &User) -> Result<Vec<BannedRangeView>> {
    admin_only(user)?;
    Ok(banned_ranges::all(&state.db)
        .await?
        .iter()
        .map(range_view)
        .collect())
}

/// A range as an admin wrote it, in canonical form: the network address and prefix
/// (`203.0.113.7/24` becomes `203.0.113.0/24`; a lone address is the range of just it).
pub fn parse_range(text: &str) -> Result<IpNet, Invalid> {
    let text = text.trim();
    let net = text
        .parse::<IpNet>()
        .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| Invalid {
            code: "invalid_cidr",
            message:
                "Write an address range in CIDR notation, such as 203.0.113.0/24 or 2001:db8::/32."
                    .into(),
        })?;
    Ok(net.trunc())
}

/// Bans sign-ups from a range (admins only).
pub async fn add_range(
    state: &AppState,
    user: &User,
    input: &BannedRangeInput,
) -> Result<BannedRangeView> {
    admin_only(user)?;
    let net = parse_range(&input.cidr)?;
    let reason = input.reason.trim();
    if reason.is_empty() || reason.chars().count() > REASON_MAX {
        return Err(Error::Invalid(Invalid {
            code: "invalid_reason",
            message: format!("Write a reason of 1 to {REASON_MAX} characters."),
        }));
    }
    let added = banned_ranges::insert(
        &state.db,
        state.ids.next_id(),
        state.config.region,
        &net.to_string(),
        reason,
        user.id,
    )
    .await?;
    AdminList::Ranges.added(added, range_view)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_kept_in_canonical_form_and_bad_ones_are_refused() {
        assert_eq!(
            parse_range(" 203.0.113.7/24 ").unwrap().to_string(),
            "203.0.113.0/24"
        );
        assert_eq!(
            parse_range("2001:db8::1/32").unwrap().to_string(),
            "2001:db8::/32"
        );
        assert_eq!(
            parse_range("198.51.100.9").unwrap().to_string(),
            "198.51.100.9/32"
        );
        for bad in ["", "10.0.0.0/33", "example.com", "1.2.3/8"] {
            assert_eq!(parse_range(bad).unwrap_err().code, "invalid_cidr", "{bad}");
        }
    }
}
