//! The job loop and what each kind of job does.

use crate::{AppState, Error, Result};
use plaza_http::RequestContext;
use plaza_storage::queue::{self, Claimed};
use plaza_types::Id;
use plaza_types::jobs::{CommentCreated, CommentDeleted, Job};
use plaza_types::notification::{Event, Kind, Withdrawal};
use tokio::sync::watch;
use tracing::Instrument;

/// How many commenters of a thread are told of a new comment at most.
const THREAD_FAN_OUT: u32 = 200;

/// Claims and runs jobs until `shutdown` turns true; a job in progress is finished first.
pub async fn run_loop(state: AppState, mut shutdown: watch::Receiver<bool>) {
    let lease_ms = i64::try_from(state.config.lease.as_millis()).unwrap_or(60_000);
    loop {
        if *shutdown.borrow() {
            break;
        }
        let claimed = match queue::claim(&state.db, state.config.batch, lease_ms).await {
            Ok(jobs) => jobs,
            Err(err) => {
                tracing::error!(error = %err, "claiming jobs failed");
                Vec::new()
            }
        };
        let idle = claimed.is_empty();
        for job in claimed {
            run_one(&state, job).await;
        }
        if idle {
            tokio::select! {
                _ = shutdown.changed() => {},
                () = tokio::time::sleep(state.config.poll_interval) => {},
            }
        }
    }
}

async fn run_one(state: &AppState, job: Claimed) {
    let ctx = RequestContext::background();
    let span = tracing::info_span!("job", job_id = %job.id, kind = %job.kind, attempt = job.attempts, request_id = %ctx.request_id);
    async {
        // A job that cannot be read fails like any other: a newer release's job may be read by
        // a newer worker during a rolling upgrade; otherwise it ends dead-lettered with the
        // reason as its `last_error`.
        let outcome = match &job.job {
            Ok(j) => ctx.scope(execute(state, j)).await,
            Err(err) => Err(Error::Unreadable(err.to_string())),
        };
        let finished = match outcome {
            Ok(()) => {
                if let Err(err) = queue::complete(&state.db, job.id).await {
                    tracing::error!(error = %err, "marking a job done failed");
                }
                "done"
            }
            Err(err) => match queue::fail(&state.db, &job, &err.to_string()).await {
                Ok(true) => {
                    tracing::error!(error = %err, "job dead-lettered");
                    "dead_lettered"
                }
                Ok(false) => {
                    tracing::warn!(error = %err, "job failed; will retry");
                    "retried"
                }
                Err(db_err) => {
                    tracing::error!(error = %db_err, job_error = %err, "recording a job failure failed");
                    "retried"
                }
            },
        };
        metrics::counter!("plaza_jobs_finished_total", "outcome" => finished).increment(1);
    }
    .instrument(span)
    .await;
}

/// Runs one job. Every kind is idempotent: notifications carry dedupe keys.
pub async fn execute(state: &AppState, job: &Job) -> Result<()> {
    match job {
        Job::Notify(event) => {
            state.notification.deliver(event).await?;
            Ok(())
        }
        Job::WithdrawNotification(w) => {
            state.notification.withdraw(w).await?;
            Ok(())
        }
        Job::CommentCreated(c) => comment_created(state, c).await,
        Job::CommentDeleted(c) => comment_deleted(state, c).await,
        Job::EraseAccount(e) => crate::erasure::erase_account(state, e).await,
        Job::PurgeMedia(p) => crate::erasure::purge_media(state, p).await,
    }
}

async fn comment_created(state: &AppState, c: &CommentCreated) -> Result<()> {
    let event = |recipient, kind| Event {
        recipient_id: recipient,
        kind,
        target_id: c.post_id,
        actor_id: c.commenter_id,
        dedupe_key: format!("comment:{}:{}", c.comment_id, recipient),
        at: c.at,
    };
    // Nobody hears of a comment by someone they block or are blocked by.
    let excluded = |id: &Id| c.exclude_recipient_ids.contains(id);
    if c.post_author_id != c.commenter_id && !excluded(&c.post_author_id) {
        state
            .notification
            .deliver(&event(c.post_author_id, Kind::PostComment))
            .await?;
    }
    for other in earlier_commenters(state, c.post_id, c.comment_id).await? {
        if other != c.commenter_id && other != c.post_author_id && !excluded(&other) {
            state
                .notification
                .deliver(&event(other, Kind::ThreadComment))
                .await?;
        }
    }
    Ok(())
}

/// Who commented on post `post` before comment `comment` (at most [`THREAD_FAN_OUT`]): the
/// people a comment notifies, and the ones its deletion must withdraw from.
async fn earlier_commenters(state: &AppState, post: Id, comment: Id) -> Result<Vec<Id>> {
    Ok(state
        .timeline
        .commenters(post, comment, THREAD_FAN_OUT)
        .await?)
}

/// A comment was deleted: the Yeahs on it leave its author's notifications, and unless the
/// commenter has another comment on the post, they leave the "commented on" notifications of
/// everyone the comment notified.
async fn comment_deleted(state: &AppState, c: &CommentDeleted) -> Result<()> {
    state
        .notification
        .withdraw(&Withdrawal {
            recipient_id: c.commenter_id,
            kind: Some(Kind::CommentYeah),
            target_id: Some(c.comment_id),
            actor_id: None,
        })
        .await?;
    if c.commenter_remains {
        return Ok(());
    }
    let withdraw = |recipient, kind| Withdrawal {
        recipient_id: recipient,
        kind: Some(kind),
        target_id: Some(c.post_id),
        actor_id: Some(c.commenter_id),
    };
    state
        .notification
        .withdraw(&withdraw(c.post_author_id, Kind::PostComment))
        .await?;
    for other in earlier_commenters(state, c.post_id, c.comment_id).await? {
        if other != c.commenter_id {
            state
                .notification
                .withdraw(&withdraw(other, Kind::ThreadComment))
                .await?;
        }
    }
    Ok(())
}
