//! Restricted words: how text and list entries are normalised so that case, full-width and
//! half-width forms and katakana/hiragana do not slip past, the matcher built from a list, and
//! the in-process cache of every list, rebuilt as soon as any process or region edits one.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use plaza_types::Id;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use unicode_normalization::UnicodeNormalization;

/// What a matching entry does to the text that contains it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FilterAction {
    /// The text is published, and held for a moderator's review.
    Hold,
    /// The write is refused with `restricted_words`.
    Refuse,
}

impl FilterAction {
    /// The stored and public name.
    pub fn as_str(self) -> &'static str {
        match self {
            FilterAction::Hold => "hold",
            FilterAction::Refuse => "refuse",
        }
    }

    /// The action named `s`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "hold" => Some(FilterAction::Hold),
            "refuse" => Some(FilterAction::Refuse),
            _ => None,
        }
    }
}

/// The form text and entries are compared in: Unicode NFKC (full-width letters and digits become
/// ASCII, half-width katakana become full-width), lower case, and katakana as hiragana.
pub fn normalise(text: &str) -> String {
    text.nfkc()
        .flat_map(char::to_lowercase)
        .map(katakana_to_hiragana)
        .collect()
}

/// Katakana ァ..ヶ and the iteration marks ヽヾ map to their hiragana; the rest is unchanged.
fn katakana_to_hiragana(c: char) -> char {
    match c {
        '\u{30A1}'..='\u{30F6}' | '\u{30FD}' | '\u{30FE}' => {
            char::from_u32(c as u32 - 0x60).unwrap_or(c)
        }
        _ => c,
    }
}

/// One list entry as the matcher needs it.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The community whose list it is on, or none for the global list.
    pub community_id: Option<Id>,
    pub pattern: String,
    pub action: FilterAction,
}

/// A list compiled for matching: every entry's normalised pattern in one automaton.
#[derive(Debug)]
struct Matcher {
    automaton: AhoCorasick,
    actions: Vec<FilterAction>,
}

impl Matcher {
    fn build(entries: &[&Entry]) -> Option<Self> {
        let patterns: Vec<String> = entries.iter().map(|e| normalise(&e.pattern)).collect();
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(&patterns)
            // Building fails only beyond the automaton's size limits, far past the lists' caps;
            // the list is then ignored and the failure logged, rather than refusing every post.
            .inspect_err(|e| tracing::error!(error = %e, "a word list could not be compiled"))
            .ok()?;
        Some(Matcher {
            automaton,
            actions: entries.iter().map(|e| e.action).collect(),
        })
    }

    /// The strongest action of the entries found in `normalised`.
    fn strongest(&self, normalised: &str) -> Option<FilterAction> {
        self.automaton
            .find_overlapping_iter(normalised)
            .map(|m| self.actions[m.pattern().as_usize()])
            .max()
    }
}

/// Every list, compiled.
#[derive(Debug, Default)]
pub struct Lists {
    global: Option<Matcher>,
    communities: HashMap<Id, Matcher>,
}

impl Lists {
    /// Compiles the global list and each community's list from their entries.
    pub fn build(entries: &[Entry]) -> Self {
        let mut by_community: HashMap<Option<Id>, Vec<&Entry>> = HashMap::new();
        for e in entries {
            by_community.entry(e.community_id).or_default().push(e);
        }
        let mut lists = Lists::default();
        for (community, list) in by_community {
            let Some(matcher) = Matcher::build(&list) else {
                continue;
            };
            match community {
                None => lists.global = Some(matcher),
                Some(id) => {
                    lists.communities.insert(id, matcher);
                }
            }
        }
        lists
    }

    /// What the global list and `community`'s list say of `texts`: the strongest action of any
    /// entry found in any of them, or none.
    pub fn check(&self, community: Option<Id>, texts: &[&str]) -> Option<FilterAction> {
        let community = community.and_then(|id| self.communities.get(&id));
        texts
            .iter()
            .filter(|t| !t.is_empty())
            .flat_map(|t| {
                let normalised = normalise(t);
                [self.global.as_ref(), community]
                    .into_iter()
                    .flatten()
                    .filter_map(|m| m.strongest(&normalised))
                    .max()
            })
            .max()
    }
}

/// What a table's rows were when a value was built from them: the row count, the highest id and
/// a sum of the ids (reduced so it cannot overflow). Any insert or delete changes it, whichever
/// process or region made it: a new set of ids with the same count, highest id and sum would
/// need an added and a removed id that differ by a multiple of 2^31 - 1, below the highest.
/// Entries are never edited in place (an edit is a delete and an insert).
#[derive(Debug, Clone, Copy, PartialEq, Eq, plaza_storage::sqlx::FromRow)]
pub struct Fingerprint {
    pub row_count: i64,
    pub max_id: i64,
    pub id_sum: i64,
}

/// A value built from a table's rows, kept in this process while the table's [`Fingerprint`]
/// stays the same: each use reads the fingerprint (one small indexed query), so an edit made by
/// any process is seen by the next use everywhere, and the value is rebuilt only then.
#[derive(Debug, Default)]
pub struct Cached<T> {
    slot: RwLock<Option<(Fingerprint, Arc<T>)>>,
}

impl<T> Cached<T> {
    /// An empty cache.
    pub fn new() -> Self {
        Cached {
            slot: RwLock::new(None),
        }
    }

    /// The value built from rows with fingerprint `now`, if that is the one kept.
    pub fn current(&self, now: Fingerprint) -> Option<Arc<T>> {
        let slot = self.slot.read().unwrap_or_else(|p| p.into_inner());
        slot.as_ref()
            .filter(|(built_from, _)| *built_from == now)
            .map(|(_, v)| v.clone())
    }

    /// Keeps `value`, built from rows read after their fingerprint was `from` (so a later
    /// edit shows as a changed fingerprint and a rebuild, never as a stale value).
    pub fn store(&self, from: Fingerprint, value: T) -> Arc<T> {
        let value = Arc::new(value);
        *self.slot.write().unwrap_or_else(|p| p.into_inner()) = Some((from, value.clone()));
        value
    }

    /// The value built from the rows whose fingerprint is `now`: the one kept, else one that
    /// `build` makes from rows it reads now (after `now` was read), which is then kept.
    pub async fn current_or_build<E>(
        &self,
        now: Fingerprint,
        build: impl AsyncFnOnce() -> Result<T, E>,
    ) -> Result<Arc<T>, E> {
        if let Some(value) = self.current(now) {
            return Ok(value);
        }
        Ok(self.store(now, build().await?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lists(entries: &[(&str, FilterAction, Option<i64>)]) -> Lists {
        Lists::build(
            &entries
                .iter()
                .map(|(p, a, c)| Entry {
                    community_id: c.map(Id),
                    pattern: (*p).into(),
                    action: *a,
                })
                .collect::<Vec<_>>(),
        )
    }

    #[test]
    fn full_width_half_width_case_and_kana_forms_normalise_alike() {
        assert_eq!(normalise("ＳＰＡＭ"), "spam");
        assert_eq!(normalise("SpAm"), "spam");
        assert_eq!(normalise("ｽﾊﾟﾑ"), "すぱむ");
        assert_eq!(normalise("スパム"), "すぱむ");
        assert_eq!(normalise("すぱむ"), "すぱむ");
        assert_eq!(normalise("１２３"), "123");
    }

    #[test]
    fn an_entry_is_found_whatever_form_either_side_is_written_in() {
        let l = lists(&[
            ("Spam", FilterAction::Refuse, None),
            ("ばか", FilterAction::Hold, None),
        ]);
        for text in ["buy ＳＰＡＭ now", "SPAM", "nospamhere", "ｓｐａｍ"] {
            assert_eq!(l.check(None, &[text]), Some(FilterAction::Refuse), "{text}");
        }
        for text in ["バカ", "ﾊﾞｶ", "ばか", "お前はバカだ"] {
            assert_eq!(l.check(None, &[text]), Some(FilterAction::Hold), "{text}");
        }
        assert_eq!(l.check(None, &["a kind word", "はかる"]), None);
    }

    #[test]
    fn refusing_wins_over_holding_and_a_community_list_applies_only_there() {
        let l = lists(&[
            ("spoil", FilterAction::Hold, None),
            ("ending", FilterAction::Refuse, Some(7)),
        ]);
        assert_eq!(
            l.check(Some(Id(7)), &["spoil the ending"]),
            Some(FilterAction::Refuse)
        );
        assert_eq!(
            l.check(Some(Id(8)), &["spoil the ending"]),
            Some(FilterAction::Hold)
        );
        assert_eq!(l.check(None, &["the ending"]), None);
        // Every text given is looked at.
        assert_eq!(
            l.check(Some(Id(7)), &["fine", "", "ENDING"]),
            Some(FilterAction::Refuse)
        );
    }

    #[test]
    fn the_cache_keeps_a_value_only_for_the_fingerprint_it_was_built_from() {
        let print = |row_count, max_id, id_sum| Fingerprint {
            row_count,
            max_id,
            id_sum,
        };
        let c = Cached::new();
        assert!(c.current(print(0, 0, 0)).is_none());
        c.store(print(2, 9, 14), 1);
        assert_eq!(c.current(print(2, 9, 14)).as_deref(), Some(&1));
        // An insert, a delete, and a delete plus an insert below the highest id.
        for changed in [print(3, 11, 25), print(1, 9, 9), print(2, 9, 13)] {
            assert!(c.current(changed).is_none(), "{changed:?}");
        }
        c.store(print(1, 9, 9), 2);
        assert_eq!(c.current(print(1, 9, 9)).as_deref(), Some(&2));
        assert!(c.current(print(2, 9, 14)).is_none());
    }

    #[tokio::test]
    async fn a_value_is_built_once_per_fingerprint_and_a_failed_build_keeps_nothing() {
        let print = |row_count| Fingerprint {
            row_count,
            max_id: row_count,
            id_sum: row_count,
        };
        let c = Cached::new();
        let builds = std::cell::Cell::new(0);
        let build = |value: i32| {
            let builds = &builds;
            async move || -> Result<i32, &'static str> {
                builds.set(builds.get() + 1);
                Ok(value)
            }
        };
        assert_eq!(*c.current_or_build(print(1), build(1)).await.unwrap(), 1);
        assert_eq!(*c.current_or_build(print(1), build(9)).await.unwrap(), 1);
        assert_eq!(builds.get(), 1, "kept while the fingerprint stays");
        assert_eq!(*c.current_or_build(print(2), build(2)).await.unwrap(), 2);
        assert_eq!(builds.get(), 2, "built again when it changed");
        let failed = c.current_or_build(print(3), async || Err("unreachable database"));
        assert_eq!(failed.await.unwrap_err(), "unreachable database");
        assert!(c.current(print(3)).is_none());
        assert_eq!(c.current(print(2)).as_deref(), Some(&2));
    }
}
