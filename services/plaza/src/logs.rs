//! The process's log output and what the logs feed into the metrics: JSON (one object a line) or
//! text on standard output, filtered by `RUST_LOG`; and the time of every database statement,
//! which sqlx reports as a `sqlx::query` event, as the `plaza_db_query_duration_seconds`
//! histogram (those events are not printed unless `RUST_LOG` asks for them).

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::Layer;
use tracing_subscriber::filter::{EnvFilter, Targets};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;

/// The statement-time histogram.
pub const DB_QUERY_DURATION: &str = "plaza_db_query_duration_seconds";

/// Sets up logging: `json` (regions: one object a line, each request's line carrying its
/// `request_id`, `track`, `route`, `status` and `elapsed_ms`) or text.
pub fn init(json: bool) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,hyper=warn"));
    let output = tracing_subscriber::fmt::layer();
    let output = if json {
        output.json().with_span_list(false).boxed()
    } else {
        output.boxed()
    };
    tracing_subscriber::registry()
        .with(output.with_filter(filter))
        .with(QueryTimes.with_filter(Targets::new().with_target("sqlx::query", Level::DEBUG)))
        .init();
}

/// Records the `elapsed_secs` of each `sqlx::query` event in [`DB_QUERY_DURATION`].
#[derive(Debug, Clone, Copy)]
pub struct QueryTimes;

impl<S: Subscriber> Layer<S> for QueryTimes {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        if event.metadata().target() != "sqlx::query" {
            return;
        }
        let mut elapsed = ElapsedSecs(None);
        event.record(&mut elapsed);
        if let Some(secs) = elapsed.0 {
            metrics::histogram!(DB_QUERY_DURATION).record(secs);
        }
    }
}

struct ElapsedSecs(Option<f64>);

impl Visit for ElapsedSecs {
    fn record_f64(&mut self, field: &Field, value: f64) {
        if field.name() == "elapsed_secs" {
            self.0 = Some(value);
        }
    }

    fn record_debug(&mut self, _field: &Field, _value: &dyn std::fmt::Debug) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `_count` sample of the statement-time histogram.
    fn statements_counted() -> u64 {
        let handle = plaza_http::metrics::install().expect("the recorder installs");
        handle
            .render()
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{DB_QUERY_DURATION}_count ")))
            .map_or(0, |n| n.trim().parse().unwrap_or(0))
    }

    #[test]
    fn sqlx_statement_events_are_timed_and_other_events_are_not() {
        let before = statements_counted();
        let subscriber = tracing_subscriber::registry().with(QueryTimes);
        tracing::subscriber::with_default(subscriber, || {
            tracing::debug!(target: "sqlx::query", elapsed_secs = 0.2_f64, summary = "select 1", "statement");
            tracing::debug!(target: "sqlx::query", elapsed_secs = 0.004_f64, summary = "select 2", "statement");
            tracing::debug!(target: "plaza::other", elapsed_secs = 3.0_f64, "not a statement");
        });
        assert_eq!(statements_counted() - before, 2);
        let handle = plaza_http::metrics::install().expect("the recorder installs");
        let text = handle.render();
        assert!(
            text.contains(&format!("{DB_QUERY_DURATION}_bucket{{le=\"0.25\"}}")),
            "{text}"
        );
    }
}
