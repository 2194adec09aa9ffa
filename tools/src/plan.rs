//! `plaza bench --plan FILE`: the same load loop as `plaza bench`, driven by a plan written
//! outside Plaza (a JSON file of requests), so that one load generator can drive any HTTP server
//! with the same concurrency and duration. `scripts/peer-bench.sh` uses it to drive Plaza and
//! Lemmy side by side.
//!
//! A plan names the server's base URL and its scenarios. Each scenario is a sequence of requests
//! sent one after another per iteration (one iteration is one latency sample). `{token}` in a
//! path or body is replaced by the scenario's tokens taken in turn, `{n}` by the iteration's
//! number; `bearer` sends the token as `Authorization: Bearer`. With `each_token_once` the
//! scenario ends when every token was used once (a storm of votes from different accounts). A
//! `check` reads one number from a JSON answer after the scenario (a vote count, say).

use crate::bench::{client, drive, latency_cells, machine, quantiles_ms};
use anyhow::Context;
use reqwest::{Client, Method};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// A load plan.
#[derive(Debug, Clone, Deserialize)]
pub struct Plan {
    /// What is measured (shown in the report), such as `Plaza` or `Lemmy 0.17.4`.
    pub product: String,
    /// The server's base URL.
    pub url: String,
    pub scenarios: Vec<PlanScenario>,
}

/// One scenario of a plan.
#[derive(Debug, Clone, Deserialize)]
pub struct PlanScenario {
    pub name: String,
    /// Sent one after another in each iteration.
    pub requests: Vec<PlanRequest>,
    /// Substituted for `{token}`, in turn.
    #[serde(default)]
    pub tokens: Vec<String>,
    /// Stop when every token was used once.
    #[serde(default)]
    pub each_token_once: bool,
    pub check: Option<Check>,
}

/// One request of a scenario.
#[derive(Debug, Clone, Deserialize)]
pub struct PlanRequest {
    pub method: String,
    /// Path and query, appended to the plan's URL.
    pub path: String,
    /// A JSON body.
    pub body: Option<String>,
    /// Send the token as a bearer token.
    #[serde(default)]
    pub bearer: bool,
}

/// A number read after the scenario: `GET path`, then the JSON pointer `pointer` in the answer.
#[derive(Debug, Clone, Deserialize)]
pub struct Check {
    pub path: String,
    pub pointer: String,
}

/// Latency percentiles in milliseconds.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Latency {
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

/// One scenario's figures.
#[derive(Debug, Clone, Serialize)]
pub struct PlanOutcome {
    pub name: String,
    pub iterations: u64,
    pub errors: u64,
    pub per_second: f64,
    /// An iteration's latency.
    #[serde(flatten)]
    pub latency: Latency,
    /// The value the check read afterwards, if the scenario has one.
    pub checked: Option<serde_json::Value>,
}

/// The whole run of a plan.
#[derive(Debug, Clone, Serialize)]
pub struct PlanReport {
    pub product: String,
    pub cpu: String,
    pub cores: usize,
    pub concurrency: usize,
    pub seconds_per_scenario: f64,
    pub outcomes: Vec<PlanOutcome>,
}

struct Run {
    client: Client,
    url: String,
    scenario: PlanScenario,
    next: AtomicUsize,
}

fn fill(template: &str, token: &str, n: usize) -> String {
    template
        .replace("{token}", token)
        .replace("{n}", &n.to_string())
}

/// One iteration: every request of the scenario in turn; `None` when the tokens are used up.
async fn iterate(run: &Run) -> Option<bool> {
    let n = run.next.fetch_add(1, Ordering::Relaxed);
    let tokens = &run.scenario.tokens;
    if run.scenario.each_token_once && n >= tokens.len() {
        return None;
    }
    let token = if tokens.is_empty() {
        ""
    } else {
        tokens[n % tokens.len()].as_str()
    };
    for r in &run.scenario.requests {
        // Checked in `run` before any request is sent.
        let method = Method::from_bytes(r.method.as_bytes()).unwrap_or(Method::GET);
        let mut req = run
            .client
            .request(method, format!("{}{}", run.url, fill(&r.path, token, n)));
        if r.bearer {
            req = req.bearer_auth(token);
        }
        if let Some(body) = &r.body {
            req = req
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(fill(body, token, n));
        }
        let ok = match req.send().await {
            Ok(response) => response.status().is_success() && response.bytes().await.is_ok(),
            Err(_) => false,
        };
        if !ok {
            return Some(false);
        }
    }
    Some(true)
}

async fn check(client: &Client, url: &str, check: &Check) -> anyhow::Result<serde_json::Value> {
    let body: serde_json::Value = client
        .get(format!("{url}{}", check.path))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    body.pointer(&check.pointer)
        .cloned()
        .with_context(|| format!("{} has no {}", check.path, check.pointer))
}

/// Runs every scenario of `plan` in turn with `concurrency` clients for `duration` each.
pub async fn run(
    plan: &Plan,
    duration: Duration,
    concurrency: usize,
    mut progress: impl FnMut(&PlanOutcome),
) -> anyhow::Result<PlanReport> {
    for s in &plan.scenarios {
        for r in &s.requests {
            Method::from_bytes(r.method.as_bytes())
                .with_context(|| format!("scenario {}: bad method {:?}", s.name, r.method))?;
        }
    }
    let client = client(concurrency, None)?;
    let url = plan.url.trim_end_matches('/').to_owned();
    let mut outcomes = Vec::new();
    for scenario in &plan.scenarios {
        let run = Arc::new(Run {
            client: client.clone(),
            url: url.clone(),
            scenario: scenario.clone(),
            next: AtomicUsize::new(0),
        });
        let (h, errors, seconds) = drive(concurrency, duration, move || {
            let run = run.clone();
            async move { iterate(&run).await }
        })
        .await?;
        let checked = match &scenario.check {
            Some(c) => Some(check(&client, &url, c).await?),
            None => None,
        };
        let [p50_ms, p90_ms, p99_ms, max_ms] = quantiles_ms(&h);
        let outcome = PlanOutcome {
            name: scenario.name.clone(),
            iterations: h.len(),
            errors,
            per_second: h.len() as f64 / seconds.max(1e-9),
            latency: Latency {
                p50_ms,
                p90_ms,
                p99_ms,
                max_ms,
            },
            checked,
        };
        progress(&outcome);
        outcomes.push(outcome);
    }
    let (cpu, cores) = machine();
    Ok(PlanReport {
        product: plan.product.clone(),
        cpu,
        cores,
        concurrency,
        seconds_per_scenario: duration.as_secs_f64(),
        outcomes,
    })
}

/// The report as a Markdown table.
pub fn markdown(report: &PlanReport) -> String {
    let mut out = format!(
        "{}: CPU {} ({} cores), {} clients, {:.0} s per scenario\n\n| scenario | iterations | errors | per s | p50 ms | p90 ms | p99 ms | max ms | check |\n|---|---:|---:|---:|---:|---:|---:|---:|---|\n",
        report.product, report.cpu, report.cores, report.concurrency, report.seconds_per_scenario
    );
    for o in &report.outcomes {
        let check = o
            .checked
            .as_ref()
            .map_or(String::new(), ToString::to_string);
        let l = o.latency;
        let latency = latency_cells([l.p50_ms, l.p90_ms, l.p99_ms, l.max_ms]);
        out.push_str(&format!(
            "| {} | {} | {} | {:.0} | {latency} | {check} |\n",
            o.name, o.iterations, o.errors, o.per_second,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_take_the_token_and_the_iteration() {
        assert_eq!(
            fill(r#"{"auth":"{token}","name":"Post {n}"}"#, "abc", 7),
            r#"{"auth":"abc","name":"Post 7"}"#
        );
    }

    #[test]
    fn a_plan_reads_from_json_with_defaults() {
        let plan: Plan = serde_json::from_str(
            r#"{"product":"X","url":"http://h","scenarios":[{"name":"s","requests":[{"method":"GET","path":"/"}]}]}"#,
        )
        .unwrap();
        let s = &plan.scenarios[0];
        assert!(s.tokens.is_empty() && !s.each_token_once && s.check.is_none());
        assert!(!s.requests[0].bearer && s.requests[0].body.is_none());
    }
}
