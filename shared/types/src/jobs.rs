//! The jobs that services leave for the worker: one [`Job`] variant per kind, each with its
//! typed payload, and how a job is written to and read from the queue's `kind` and `payload`
//! columns.
//!
//! The stored form: `kind` is the variant's stable name ([`Job::kind`]); `payload` is a JSON
//! object of the payload's fields plus `"v"`, the format version ([`VERSION`]). Rows written
//! before the version existed (format 1: the same kind names, the same fields, no `"v"`) decode
//! as version 1, so jobs queued by the previous release still run after an upgrade. Format 1
//! readers ignore the extra `"v"`, so a worker not yet upgraded also runs jobs queued by a newer
//! web or timeline process, as long as the version's fields are the same.
//!
//! When a payload changes so that an older reader would misread it (a field renamed, removed or
//! given another meaning), [`VERSION`] goes up and [`Job::decode`] keeps a branch that reads
//! every older version still possibly queued. Adding a field with a serde default needs no new
//! version. A kind is never renamed: a new meaning gets a new kind.

use crate::moderation::{AuthorModeration, ModerationChange, Target};
use crate::notification::{Event, Withdrawal};
use crate::{Id, Millis};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// The format version this build writes (and the newest it reads).
pub const VERSION: u32 = 2;

/// The payload field that carries the format version.
const VERSION_FIELD: &str = "v";

/// Work queued beside a write, run later by the worker.
#[derive(Debug, Clone)]
pub enum Job {
    /// Deliver one notification event to the notification service.
    Notify(Event),
    /// Withdraw notifications.
    WithdrawNotification(Withdrawal),
    /// A comment was made: notify the post's author and the post's other commenters.
    CommentCreated(CommentCreated),
    /// A comment was deleted: its notifications go away.
    CommentDeleted(CommentDeleted),
    /// An account was deleted: erase what it wrote, its Yeahs and its notifications in this
    /// region (each service deletes only rows its region wrote).
    EraseAccount(EraseAccount),
    /// Delete media objects that a deleted account's content used, unless something else still
    /// refers to them (objects are content-addressed). Queued to run after a grace period.
    PurgeMedia(PurgeMedia),
    /// A moderator's decision on a post or comment homed in another region: that region's
    /// worker applies the change to its own row (ARCHITECTURE §3, cross-region commands).
    ModerateContent(ModerateContent),
    /// A ban that hides an account's content, or lifting it, for the content that the account's
    /// home region wrote: that region's worker applies it.
    ModerateAuthor(ModerateAuthor),
}

/// The payload of [`Job::ModerateContent`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModerateContent {
    /// The region that wrote the post or comment (the one that must change it).
    pub region: u8,
    /// A post or a comment.
    pub target: Target,
    pub change: ModerationChange,
}

/// The payload of [`Job::ModerateAuthor`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModerateAuthor {
    /// The account's home region (where its posts and comments were written).
    pub region: u8,
    pub moderation: AuthorModeration,
}

/// The payload of [`Job::EraseAccount`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EraseAccount {
    pub user_id: Id,
    /// The account's posts and comments when it was deleted (their Yeahs go too).
    #[serde(default)]
    pub post_ids: Vec<Id>,
    #[serde(default)]
    pub comment_ids: Vec<Id>,
}

/// The payload of [`Job::PurgeMedia`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PurgeMedia {
    /// Original object keys (their renditions go with them).
    pub keys: Vec<String>,
}

/// The payload of [`Job::CommentCreated`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommentCreated {
    pub post_id: Id,
    pub comment_id: Id,
    pub post_author_id: Id,
    pub commenter_id: Id,
    pub at: Millis,
    /// People the commenter blocks or is blocked by: they are not told of the comment.
    #[serde(default)]
    pub exclude_recipient_ids: Vec<Id>,
}

/// The payload of [`Job::CommentDeleted`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommentDeleted {
    pub post_id: Id,
    pub comment_id: Id,
    pub post_author_id: Id,
    pub commenter_id: Id,
    /// Whether the commenter still has another comment on the post (then the "commented on"
    /// notifications that name them stay).
    pub commenter_remains: bool,
}

/// A job as it is stored: the queue's `kind` and `payload` columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encoded {
    pub kind: &'static str,
    pub payload: String,
}

/// Why a stored job could not be read. The worker records it as the job's error.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("unknown job kind {0:?}")]
    UnknownKind(String),
    #[error("job format version {found} is newer than this build reads (up to {VERSION})")]
    NewerVersion { found: u64 },
    #[error("bad {kind} payload, not a JSON object with a numeric `v`: {source}")]
    Malformed {
        kind: String,
        source: serde_json::Error,
    },
    #[error("bad {kind} payload (format version {version}): {source}")]
    Payload {
        kind: String,
        version: u64,
        source: serde_json::Error,
    },
}

impl Job {
    /// The stable name stored in the `kind` column (the same names as before the enum).
    pub fn kind(&self) -> &'static str {
        match self {
            Job::Notify(_) => "notify",
            Job::WithdrawNotification(_) => "withdraw_notification",
            Job::CommentCreated(_) => "comment_created",
            Job::CommentDeleted(_) => "comment_deleted",
            Job::EraseAccount(_) => "erase_account",
            Job::PurgeMedia(_) => "purge_media",
            Job::ModerateContent(_) => "moderate_content",
            Job::ModerateAuthor(_) => "moderate_author",
        }
    }

    /// The region that must carry this job out, when that is not simply the region that queues
    /// it: a notification, or its withdrawal, is written in its recipient's home region (where
    /// notifications belong), the region that made the recipient's account and so its id
    /// ([`Id::region`]); a moderation command runs in the region that wrote the content.
    /// `None`: the job runs where it was queued. An id that no generator made (region 0, as
    /// small ids in tests) also runs where it was queued.
    pub fn home_region(&self) -> Option<u8> {
        let recipient = match self {
            Job::Notify(e) => e.recipient_id,
            Job::WithdrawNotification(w) => w.recipient_id,
            Job::ModerateContent(m) => return Some(m.region).filter(|r| *r != 0),
            Job::ModerateAuthor(m) => return Some(m.region).filter(|r| *r != 0),
            Job::CommentCreated(_)
            | Job::CommentDeleted(_)
            | Job::EraseAccount(_)
            | Job::PurgeMedia(_) => return None,
        };
        Some(recipient.region()).filter(|r| *r != 0)
    }

    /// The stored form, in the current format [`VERSION`].
    pub fn encode(&self) -> Result<Encoded, serde_json::Error> {
        let fields = match self {
            Job::Notify(e) => serde_json::to_value(e)?,
            Job::WithdrawNotification(w) => serde_json::to_value(w)?,
            Job::CommentCreated(c) => serde_json::to_value(c)?,
            Job::CommentDeleted(c) => serde_json::to_value(c)?,
            Job::EraseAccount(e) => serde_json::to_value(e)?,
            Job::PurgeMedia(p) => serde_json::to_value(p)?,
            Job::ModerateContent(m) => serde_json::to_value(m)?,
            Job::ModerateAuthor(m) => serde_json::to_value(m)?,
        };
        let serde_json::Value::Object(mut fields) = fields else {
            // Every payload is a struct, so it serialises as an object.
            return Err(serde::ser::Error::custom("a job payload must be an object"));
        };
        fields.insert(VERSION_FIELD.to_owned(), VERSION.into());
        Ok(Encoded {
            kind: self.kind(),
            payload: serde_json::Value::Object(fields).to_string(),
        })
    }

    /// Reads a stored job of any version this build knows: format 1 (no `"v"`, the release
    /// before the enum) or format 2.
    pub fn decode(kind: &str, payload: &str) -> Result<Job, DecodeError> {
        let malformed = |source| DecodeError::Malformed {
            kind: kind.to_owned(),
            source,
        };
        let mut value: serde_json::Value = serde_json::from_str(payload).map_err(malformed)?;
        let version = match value.as_object_mut().and_then(|o| o.remove(VERSION_FIELD)) {
            None => 1,
            Some(v) => v
                .as_u64()
                .ok_or_else(|| malformed(serde::de::Error::custom("`v` is not a number")))?,
        };
        if version > u64::from(VERSION) {
            return Err(DecodeError::NewerVersion { found: version });
        }
        // Versions 1 and 2 have the same fields; a later version adds its branches here.
        fn read<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, serde_json::Error> {
            serde_json::from_value(value)
        }
        let job = match kind {
            "notify" => read(value).map(Job::Notify),
            "withdraw_notification" => read(value).map(Job::WithdrawNotification),
            "comment_created" => read(value).map(Job::CommentCreated),
            "comment_deleted" => read(value).map(Job::CommentDeleted),
            "erase_account" => read(value).map(Job::EraseAccount),
            "purge_media" => read(value).map(Job::PurgeMedia),
            "moderate_content" => read(value).map(Job::ModerateContent),
            "moderate_author" => read(value).map(Job::ModerateAuthor),
            other => return Err(DecodeError::UnknownKind(other.to_owned())),
        };
        job.map_err(|source| DecodeError::Payload {
            kind: kind.to_owned(),
            version,
            source,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notification::Kind;

    fn samples() -> Vec<Job> {
        vec![
            Job::Notify(Event {
                recipient_id: Id(1),
                kind: Kind::Follow,
                target_id: Id(1),
                actor_id: Id(2),
                dedupe_key: "follow:2:1".into(),
                at: 1_700_000_000_000,
            }),
            Job::WithdrawNotification(Withdrawal {
                recipient_id: Id(1),
                kind: None,
                target_id: None,
                actor_id: Some(Id(2)),
                at: Some(1_700_000_000_500),
            }),
            Job::CommentCreated(CommentCreated {
                post_id: Id(10),
                comment_id: Id(11),
                post_author_id: Id(1),
                commenter_id: Id(2),
                at: 5,
                exclude_recipient_ids: vec![Id(3)],
            }),
            Job::CommentDeleted(CommentDeleted {
                post_id: Id(10),
                comment_id: Id(11),
                post_author_id: Id(1),
                commenter_id: Id(2),
                commenter_remains: true,
            }),
            Job::EraseAccount(EraseAccount {
                user_id: Id(2),
                post_ids: vec![Id(10)],
                comment_ids: vec![Id(11)],
            }),
            Job::PurgeMedia(PurgeMedia {
                keys: vec!["drawings/ab.png".into()],
            }),
            Job::ModerateContent(ModerateContent {
                region: 2,
                target: Target {
                    kind: crate::moderation::TargetKind::Post,
                    id: Id(10),
                },
                change: ModerationChange {
                    state: Some(crate::moderation::ModerationState::Removed),
                    reason: Some("spam".into()),
                    ..ModerationChange::default()
                },
            }),
            Job::ModerateAuthor(ModerateAuthor {
                region: 3,
                moderation: AuthorModeration {
                    author_id: Id(2),
                    state: crate::moderation::ModerationState::HiddenWithAccount,
                    reason: Some("banned".into()),
                },
            }),
        ]
    }

    #[test]
    fn every_kind_survives_an_encode_decode_round_trip() {
        for job in samples() {
            let stored = job.encode().unwrap();
            assert_eq!(stored.kind, job.kind());
            let decoded = Job::decode(stored.kind, &stored.payload).unwrap();
            assert_eq!(decoded.encode().unwrap(), stored);
        }
    }

    #[test]
    fn the_stored_payload_carries_the_format_version() {
        let stored = samples()[0].encode().unwrap();
        let value: serde_json::Value = serde_json::from_str(&stored.payload).unwrap();
        assert_eq!(value["v"], VERSION);
    }

    #[test]
    fn a_job_written_by_the_release_before_the_enum_still_decodes() {
        // Exactly what that release wrote: the payload struct's JSON, no version.
        for job in samples() {
            let old = match &job {
                Job::Notify(e) => serde_json::to_string(e),
                Job::WithdrawNotification(w) => serde_json::to_string(w),
                Job::CommentCreated(c) => serde_json::to_string(c),
                Job::CommentDeleted(c) => serde_json::to_string(c),
                Job::EraseAccount(e) => serde_json::to_string(e),
                Job::PurgeMedia(p) => serde_json::to_string(p),
                Job::ModerateContent(m) => serde_json::to_string(m),
                Job::ModerateAuthor(m) => serde_json::to_string(m),
            }
            .unwrap();
            assert!(!old.contains("\"v\""));
            let decoded = Job::decode(job.kind(), &old).unwrap();
            assert_eq!(decoded.encode().unwrap(), job.encode().unwrap());
        }
        // A comment job from before `exclude_recipient_ids` existed.
        let old =
            r#"{"post_id":"10","comment_id":"11","post_author_id":"1","commenter_id":"2","at":5}"#;
        let Job::CommentCreated(c) = Job::decode("comment_created", old).unwrap() else {
            panic!("not a comment job");
        };
        assert!(c.exclude_recipient_ids.is_empty());
        // A withdrawal from before `at` existed takes the actor out whatever the time.
        let old = r#"{"v":2,"recipient_id":"1","kind":"post_yeah","target_id":"5","actor_id":"2"}"#;
        let Job::WithdrawNotification(w) = Job::decode("withdraw_notification", old).unwrap()
        else {
            panic!("not a withdrawal");
        };
        assert_eq!((w.actor_id, w.at), (Some(Id(2)), None));
    }

    #[test]
    fn a_notification_belongs_to_its_recipients_home_region() {
        let homed_in_2 = crate::IdGenerator::new(2, 0).unwrap().next_id();
        let mut jobs = samples();
        let Job::Notify(event) = &mut jobs[0] else {
            panic!("the first sample is a notification");
        };
        event.recipient_id = homed_in_2;
        assert_eq!(jobs[0].home_region(), Some(2));
        // Small ids carry no region: the job runs where it was queued, as do the other kinds
        // but moderation commands, which run where the content was written.
        assert_eq!(jobs[1].home_region(), None);
        assert!(jobs[2..6].iter().all(|j| j.home_region().is_none()));
        assert_eq!(jobs[6].home_region(), Some(2));
        assert_eq!(jobs[7].home_region(), Some(3));
    }

    #[test]
    fn an_unreadable_job_is_an_error_that_says_why() {
        let err = Job::decode("notify", r#"{"nonsense":true}"#).unwrap_err();
        assert!(err.to_string().contains("missing field"), "{err}");
        assert!(err.to_string().contains("notify"), "{err}");
        let err = Job::decode("notify", "not json").unwrap_err();
        assert!(err.to_string().starts_with("bad notify payload"), "{err}");
        let err = Job::decode("launch_rockets", "{}").unwrap_err();
        assert!(matches!(err, DecodeError::UnknownKind(_)), "{err}");
        let err = Job::decode("notify", r#"{"v":99}"#).unwrap_err();
        assert!(err.to_string().contains("version 99"), "{err}");
    }
}
