//! Blue/green releases as staff see them: which release answered each service for a request,
//! and opting into (or out of) the preview track with a signed cookie.

use super::review::require_moderator;
use crate::db::users::User;
use crate::{AppState, Error, Result};
use plaza_http::{RequestContext, Track};
use plaza_types::api::release::{PreviewChoice, ReleaseReport, ServiceRelease, TrackName};
use std::time::SystemTime;

fn track_name(track: Track) -> TrackName {
    match track {
        Track::Stable => TrackName::Stable,
        Track::Preview => TrackName::Preview,
    }
}

/// Which release answered this request in each service (staff only): the web process itself,
/// then the process of each service it calls, reached on this request's track as every call is.
pub async fn report(state: &AppState, user: &User) -> Result<ReleaseReport> {
    require_moderator(state, user).await?;
    let ctx = RequestContext::current().unwrap_or_else(RequestContext::background);
    let own = &state.config.release;
    let mut services = vec![ServiceRelease {
        service: "web".into(),
        track: Some(own.track.as_str().to_owned()),
        build: (!own.build.is_empty()).then(|| own.build.clone()),
    }];
    let clients = [&state.timeline.0, &state.empathy.0, &state.notification.0];
    let answers = futures_util::future::join_all(clients.iter().map(|c| c.release())).await;
    for (client, answer) in clients.iter().zip(answers) {
        let (track, build) = answer.map_or((None, None), |(t, b)| (Some(t), b));
        services.push(ServiceRelease {
            service: client.service().into(),
            track,
            build,
        });
    }
    Ok(ReleaseReport {
        request_track: track_name(ctx.track),
        services,
    })
}

/// Staff's choice of track: for `preview`, a signed cookie value and the choice (with its
/// expiry); for `stable`, no value (the cookie is cleared).
pub async fn choose(
    state: &AppState,
    user: &User,
    track: TrackName,
) -> Result<(PreviewChoice, Option<String>)> {
    require_moderator(state, user).await?;
    match track {
        TrackName::Stable => Ok((
            PreviewChoice {
                track,
                expires_at: None,
            },
            None,
        )),
        TrackName::Preview => {
            let key = state.config.preview.as_ref().ok_or(Error::conflict(
                "preview_off",
                "This region has no preview cookie secret configured.",
            ))?;
            let (value, expires) = key.sign(SystemTime::now());
            let expires_at =
                plaza_types::to_datetime(i64::try_from(expires * 1000).unwrap_or(i64::MAX));
            Ok((
                PreviewChoice {
                    track,
                    expires_at: Some(expires_at),
                },
                Some(value),
            ))
        }
    }
}
