//! The job loop and what each kind of job does.

use crate::{AppState, Error, Result};
use plaza_http::RequestContext;
use plaza_storage::outbox;
use plaza_storage::queue::{self, Claimed};
use plaza_types::Id;
use plaza_types::jobs::{CommentCreated, CommentDeleted, Job, ModerateContent};
use plaza_types::moderation::TargetKind;
use plaza_types::notification::{Event, Kind, Withdrawal};
use tokio::sync::watch;
use tracing::Instrument;

/// How many commenters of a thread are told of a new comment at most.
const THREAD_FAN_OUT: u32 = 200;

/// Claims and runs jobs until `shutdown` turns true. On shutdown the job running gets
/// [`crate::Config::shutdown_grace`] to finish; if it has not by then it is stopped, and it and
/// the claimed jobs not started yet go back to the queue for another worker (every job is
/// idempotent), so none waits for its lease to run out and none is lost.
pub async fn run_loop(state: AppState, mut shutdown: watch::Receiver<bool>) {
    let lease_ms = i64::try_from(state.config.lease.as_millis()).unwrap_or(60_000);
    let deadline = stop_deadline(shutdown.clone(), state.config.shutdown_grace);
    let mut deadline = std::pin::pin!(deadline);
    loop {
        if *shutdown.borrow() {
            break;
        }
        let applied = apply_outbox(&state).await;
        let claimed = match queue::claim(&state.db, state.config.batch, lease_ms).await {
            Ok(jobs) => jobs,
            Err(err) => {
                tracing::error!(error = %err, "claiming jobs failed");
                Vec::new()
            }
        };
        let idle = claimed.is_empty() && applied == 0;
        let mut cut = false;
        for job in claimed {
            let id = job.id;
            if !cut && !*shutdown.borrow() {
                tokio::select! {
                    () = run_one(&state, job) => continue,
                    () = &mut deadline => {
                        tracing::warn!(job_id = %id, "a job still running at the end of the shutdown grace period was stopped");
                        cut = true;
                    }
                }
            }
            release(&state, id).await;
        }
        if idle {
            tokio::select! {
                _ = shutdown.changed() => {},
                () = tokio::time::sleep(state.config.poll_interval) => {},
            }
        }
    }
}

/// Completes `grace` after `shutdown` turns true (never if it cannot).
async fn stop_deadline(mut shutdown: watch::Receiver<bool>, grace: std::time::Duration) {
    if shutdown.wait_for(|stop| *stop).await.is_err() {
        std::future::pending::<()>().await;
    }
    tokio::time::sleep(grace).await;
}

/// Hands a claimed job this worker will not finish back to the queue; if that fails too, its
/// lease running out hands it over instead.
async fn release(state: &AppState, id: Id) {
    match queue::release(&state.db, id).await {
        Ok(()) => tracing::info!(job_id = %id, "job handed back to the queue on shutdown"),
        Err(err) => {
            tracing::warn!(job_id = %id, error = %err, "handing a job back failed; its lease will expire");
        }
    }
}

/// Applies the outbox rows other regions addressed to this one (each becomes a job in the
/// local queue, recorded as applied in the same transaction); returns how many it applied.
async fn apply_outbox(state: &AppState) -> usize {
    let region = state.config.region;
    let rows = match outbox::pending(&state.db, region, state.config.batch).await {
        Ok(rows) => rows,
        Err(err) => {
            tracing::error!(error = %err, "reading the outbox failed");
            return 0;
        }
    };
    let mut applied = 0;
    for row in rows {
        match outbox::apply(&state.db, region, &row).await {
            Ok(true) => {
                applied += 1;
                tracing::info!(outbox_id = %row.id, origin = row.origin_region, kind = %row.kind, "outbox row applied");
            }
            // Another worker of this region applied it first.
            Ok(false) => {}
            Err(err) => {
                tracing::error!(error = %err, outbox_id = %row.id, "applying an outbox row failed");
            }
        }
    }
    applied
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
        Job::Notify(event) => deliver(state, event).await,
        Job::WithdrawNotification(w) => withdraw(state, w).await,
        Job::CommentCreated(c) => comment_created(state, c).await,
        Job::CommentDeleted(c) => comment_deleted(state, c).await,
        Job::EraseAccount(e) => crate::erasure::erase_account(state, e).await,
        Job::PurgeMedia(p) => crate::erasure::purge_media(state, p).await,
        Job::ModerateContent(m) => moderate_content(state, m).await,
        Job::ModerateAuthor(m) => {
            state.timeline.moderate_author(&m.moderation).await?;
            Ok(())
        }
    }
}

/// Applies a moderator's decision, made in another region, to a post or comment this region
/// wrote. Setting a state is idempotent, so a run repeated after a killed worker changes
/// nothing more; content deleted meanwhile (404) has nothing left to change.
async fn moderate_content(state: &AppState, m: &ModerateContent) -> Result<()> {
    let outcome = match m.target.kind {
        TargetKind::Post => state
            .timeline
            .moderate_post(m.target.id, &m.change)
            .await
            .map(drop),
        TargetKind::Comment => state
            .timeline
            .moderate_comment(m.target.id, &m.change)
            .await
            .map(drop),
        TargetKind::Account => Ok(()),
    };
    match outcome {
        Err(plaza_clients::ClientError::Api { status: 404, .. }) => Ok(()),
        other => Ok(other?),
    }
}

/// Delivers `event` here when its recipient is homed here, else addresses it to their home
/// region through the outbox (notifications are written in the recipient's home region).
async fn deliver(state: &AppState, event: &Event) -> Result<()> {
    if forward(state, Job::Notify(event.clone())).await? {
        return Ok(());
    }
    state.notification.deliver(event).await?;
    Ok(())
}

/// Withdraws here or through the outbox, as [`deliver`].
async fn withdraw(state: &AppState, w: &Withdrawal) -> Result<()> {
    if forward(state, Job::WithdrawNotification(w.clone())).await? {
        return Ok(());
    }
    state.notification.withdraw(w).await?;
    Ok(())
}

/// Writes `job` to the outbox when it belongs to another region; returns whether it did. A job
/// run again after its worker died writes another row: the notification's dedupe key keeps the
/// recipient from hearing of it twice.
async fn forward(state: &AppState, job: Job) -> Result<bool> {
    let region = state.config.region;
    let Some(target) = job.home_region().filter(|r| *r != region) else {
        return Ok(false);
    };
    let mut tx = state.db.begin_write().await?;
    outbox::send(&mut tx, state.ids.next_id(), region, target, &job).await?;
    tx.commit().await?;
    Ok(true)
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
        deliver(state, &event(c.post_author_id, Kind::PostComment)).await?;
    }
    for other in earlier_commenters(state, c.post_id, c.comment_id).await? {
        if other != c.commenter_id && other != c.post_author_id && !excluded(&other) {
            deliver(state, &event(other, Kind::ThreadComment)).await?;
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
    withdraw(
        state,
        &Withdrawal {
            recipient_id: c.commenter_id,
            kind: Some(Kind::CommentYeah),
            target_id: Some(c.comment_id),
            actor_id: None,
            at: None,
        },
    )
    .await?;
    if c.commenter_remains {
        return Ok(());
    }
    let withdrawal = |recipient, kind| Withdrawal {
        recipient_id: recipient,
        kind: Some(kind),
        target_id: Some(c.post_id),
        actor_id: Some(c.commenter_id),
        at: None,
    };
    withdraw(state, &withdrawal(c.post_author_id, Kind::PostComment)).await?;
    for other in earlier_commenters(state, c.post_id, c.comment_id).await? {
        if other != c.commenter_id {
            withdraw(state, &withdrawal(other, Kind::ThreadComment)).await?;
        }
    }
    Ok(())
}
