//! `plaza bench`: drives a running Plaza over HTTP with many concurrent clients and reports
//! throughput and latency percentiles (HDR histograms) per scenario, each also as a ratio to the
//! same server's `/healthz` rate measured in the same run, so that figures from noisy machines can
//! be compared. It runs against data made by `plaza seed` (its `bench.json`).

use crate::seed::BenchData;
use anyhow::Context;
use hdrhistogram::Histogram;
use reqwest::{Client, Method};
use serde::Serialize;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// How to run the benchmark.
#[derive(Debug, Clone)]
pub struct Options {
    /// The web service's base URL, such as `http://127.0.0.1:8080`.
    pub url: String,
    /// How long each scenario runs.
    pub duration: Duration,
    /// Concurrent clients per scenario.
    pub concurrency: usize,
    /// The server's process id, to read its resident memory before and after.
    pub server_pid: Option<u32>,
    /// Only scenarios whose names contain one of these (all when empty).
    pub only: Vec<String>,
    /// How many maximum-size screenshots the upload burst posts at once (0 skips it).
    pub upload_burst: usize,
    /// How long to wait after the load before reading the server's memory once more (zero
    /// skips the wait).
    pub settle: Duration,
    /// A PEM certificate to trust instead of the system's roots, for an edge with a
    /// self-signed certificate (a region's nginx).
    pub ca_cert: Option<Vec<u8>>,
    /// Storm a post written just before the storm instead of the seeded `hot_post`, so that
    /// runs after the first against the same data still give new Yeahs.
    pub fresh_storm_post: bool,
}

/// The upload burst's figures: many maximum-size screenshots posted at once, and what they did
/// to the server's resident memory.
#[derive(Debug, Clone, Serialize)]
pub struct UploadBurst {
    pub uploads: usize,
    /// The side of each square PNG, in pixels.
    pub side: u32,
    /// The size of each upload as sent (before base64), in bytes.
    pub png_bytes: usize,
    /// Answered 201.
    pub created: usize,
    /// Answered 503 `media_busy` (the image workers were busy past the wait).
    pub busy: usize,
    /// Anything else.
    pub failed: usize,
    pub seconds: f64,
    pub rss_kib_before: Option<u64>,
    pub rss_kib_peak: Option<u64>,
    pub rss_kib_after: Option<u64>,
}

/// One scenario's figures.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub name: &'static str,
    pub requests: u64,
    pub errors: u64,
    pub per_second: f64,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// `per_second` divided by the `/healthz` rate of the same run.
    pub ratio_to_healthz: f64,
}

/// The whole run.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub cpu: String,
    pub cores: usize,
    pub profile: &'static str,
    pub concurrency: usize,
    pub seconds_per_scenario: f64,
    pub outcomes: Vec<Outcome>,
    /// Yeahs the storm gave, and the count the hot post shows afterwards: they must be equal.
    pub yeah_storm: Option<(u64, i64)>,
    pub server_rss_kib_before: Option<u64>,
    /// The highest resident memory seen while the scenarios ran.
    pub server_rss_kib_peak: Option<u64>,
    pub server_rss_kib_after: Option<u64>,
    pub upload_burst: Option<UploadBurst>,
    /// The resident memory after `settle_seconds` of quiet following the load.
    pub server_rss_kib_settled: Option<u64>,
    pub settle_seconds: f64,
}

/// Samples a process's resident memory every 20 ms and keeps the highest, until stopped.
struct PeakRss {
    stop: tokio::sync::watch::Sender<bool>,
    task: tokio::task::JoinHandle<Option<u64>>,
}

impl PeakRss {
    fn start(pid: Option<u32>) -> Self {
        let (stop, mut stopped) = tokio::sync::watch::channel(false);
        let task = tokio::spawn(async move {
            let pid = pid?;
            let mut peak = rss_kib(pid);
            loop {
                tokio::select! {
                    _ = stopped.changed() => break,
                    () = tokio::time::sleep(Duration::from_millis(20)) => {}
                }
                peak = peak.max(rss_kib(pid));
            }
            peak.max(rss_kib(pid))
        });
        PeakRss { stop, task }
    }

    async fn finish(self) -> Option<u64> {
        let _ = self.stop.send(true);
        self.task.await.ok().flatten()
    }
}

/// The side of the upload burst's screenshots: the largest a screenshot may be decoded at.
const BURST_SIDE: u32 = 4096;

/// A `side`×`side` RGBA PNG of soft gradients: a full frame to decode (64 MiB at 4096) that
/// compresses to a few hundred KB, like the probe that found issue #16.
fn burst_png(side: u32) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, side, side);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder.write_header()?;
    let mut data = Vec::with_capacity((side * side * 4) as usize);
    for y in 0..side {
        for x in 0..side {
            data.extend_from_slice(&[(x / 16) as u8, (y / 16) as u8, 128, 255]);
        }
    }
    writer.write_image_data(&data)?;
    writer.finish()?;
    Ok(out)
}

/// Posts `uploads` maximum-size screenshots at once, each from its own account, and watches the
/// server's memory meanwhile.
async fn upload_burst(
    shared: &Shared,
    data: &BenchData,
    uploads: usize,
    pid: Option<u32>,
) -> anyhow::Result<UploadBurst> {
    use base64::Engine;
    let png = burst_png(BURST_SIDE)?;
    let body = Arc::new(serde_json::json!({
        "body": "A screenshot",
        "screenshot": base64::engine::general_purpose::STANDARD.encode(&png),
    }));
    let community = data
        .communities
        .first()
        .map(|c| c.0.to_string())
        .context("bench.json names no community")?;
    let rss_before = pid.and_then(rss_kib);
    let peak = PeakRss::start(pid);
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..uploads {
        let token = shared
            .tokens
            .get(i % shared.tokens.len().max(1))
            .cloned()
            .unwrap_or_default();
        let request = shared
            .client
            .post(format!(
                "{}/api/v1/communities/{community}/posts",
                shared.url
            ))
            .bearer_auth(token)
            .json(&*body);
        tasks.spawn(async move {
            match request.send().await {
                Ok(r) => {
                    let status = r.status().as_u16();
                    let _ = r.bytes().await;
                    status
                }
                Err(_) => 0,
            }
        });
    }
    let (mut created, mut busy, mut failed) = (0, 0, 0);
    while let Some(status) = tasks.join_next().await {
        match status.context("an upload task panicked")? {
            201 => created += 1,
            503 => busy += 1,
            _ => failed += 1,
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    Ok(UploadBurst {
        uploads,
        side: BURST_SIDE,
        png_bytes: png.len(),
        created,
        busy,
        failed,
        seconds,
        rss_kib_before: rss_before,
        rss_kib_peak: peak.finish().await,
        rss_kib_after: pid.and_then(rss_kib),
    })
}

/// Who a request is sent as.
#[derive(Clone)]
enum Auth {
    None,
    /// An API token.
    Bearer(String),
    /// A page session.
    Cookie(String),
}

#[derive(Clone)]
enum Request {
    Get {
        path: String,
        auth: Auth,
    },
    PostJson {
        path: String,
        body: serde_json::Value,
    },
    /// One Yeah per token among the first `givers`, each token once (a storm on one post).
    YeahStorm {
        post: String,
        givers: usize,
    },
    /// One post per request, tokens taken in turn.
    CreatePost {
        community: String,
    },
}

struct Scenario {
    name: &'static str,
    request: Request,
}

fn get(name: &'static str, path: String, auth: Auth) -> Scenario {
    Scenario {
        name,
        request: Request::Get { path, auth },
    }
}

/// `storm`: the post the Yeah storm targets and how many tokens give it a Yeah.
fn scenarios(data: &BenchData, storm: (String, usize)) -> Vec<Scenario> {
    let (community, title) = data
        .communities
        .first()
        .cloned()
        .unwrap_or((plaza_types::Id(0), String::new()));
    vec![
        get("healthz", "/healthz".into(), Auth::None),
        get(
            "community_page",
            format!("/titles/{title}/{community}"),
            Auth::None,
        ),
        get(
            "community_posts_api",
            format!("/api/v1/communities/{community}/posts"),
            Auth::None,
        ),
        get(
            "community_page_signed_in",
            format!("/titles/{title}/{community}"),
            Auth::Cookie(data.follower_cookie.clone()),
        ),
        get(
            "popular_page",
            format!("/titles/{title}/{community}?tab=popular"),
            Auth::None,
        ),
        get(
            "post_with_comments_page",
            format!("/posts/{}", data.busy_post),
            Auth::None,
        ),
        get(
            "activity_page_1000_followed",
            "/activity".into(),
            Auth::Cookie(data.follower_cookie.clone()),
        ),
        get(
            "activity_api_1000_followed",
            "/api/v1/feeds/activity".into(),
            Auth::Bearer(data.follower_token.clone()),
        ),
        get(
            "notifications_page_10k",
            "/notifications".into(),
            Auth::Cookie(data.notified_cookie.clone()),
        ),
        Scenario {
            name: "create_post",
            request: Request::CreatePost {
                community: community.to_string(),
            },
        },
        Scenario {
            name: "yeah_storm_one_post",
            request: Request::YeahStorm {
                post: storm.0,
                givers: storm.1,
            },
        },
        Scenario {
            name: "sign_in",
            request: Request::PostJson {
                path: "/api/v1/sessions".into(),
                body: serde_json::json!({"username": data.sign_in.0, "password": data.sign_in.1}),
            },
        },
    ]
}

/// p50, p90, p99 and max of a histogram of microseconds, in milliseconds.
pub(crate) fn quantiles_ms(h: &Histogram<u64>) -> [f64; 4] {
    let ms = |v: u64| v as f64 / 1000.0;
    [
        ms(h.value_at_quantile(0.50)),
        ms(h.value_at_quantile(0.90)),
        ms(h.value_at_quantile(0.99)),
        ms(h.max()),
    ]
}

/// The latency cells of a Markdown row (p50, p90, p99, max).
pub(crate) fn latency_cells(q: [f64; 4]) -> String {
    format!("{:.2} | {:.2} | {:.2} | {:.2}", q[0], q[1], q[2], q[3])
}

/// This machine's CPU model and number of cores, for reports.
pub(crate) fn machine() -> (String, usize) {
    (
        cpu_model(),
        std::thread::available_parallelism().map_or(1, |n| n.get()),
    )
}

/// Writes a post as the last token's account, for a storm by every other token; returns its id
/// and how many tokens may give it a Yeah.
async fn fresh_post(shared: &Shared, data: &BenchData) -> anyhow::Result<(String, usize)> {
    let (author, givers) = shared
        .tokens
        .split_last()
        .context("bench.json holds no token")?;
    let community = data
        .communities
        .first()
        .context("bench.json names no community")?;
    let response = shared
        .client
        .post(format!(
            "{}/api/v1/communities/{}/posts",
            shared.url, community.0
        ))
        .bearer_auth(author)
        .json(&serde_json::json!({"body": "Yeah storm", "feeling": 1}))
        .send()
        .await?
        .error_for_status()
        .context("writing the Yeah storm's post")?;
    let body: serde_json::Value = response.json().await?;
    let id = match &body["post"]["id"] {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => n.to_string(),
        other => anyhow::bail!("the new post has no id: {other}"),
    };
    Ok((id, givers.len()))
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".into())
}

/// The resident memory of process `pid`, in KiB.
pub fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

struct Shared {
    client: Client,
    url: String,
    tokens: Vec<String>,
    next_token: AtomicUsize,
}

async fn send(shared: &Shared, request: &Request) -> Option<bool> {
    let (method, path, auth, body) = match request {
        Request::Get { path, auth } => (Method::GET, path.clone(), auth.clone(), None),
        Request::PostJson { path, body } => {
            (Method::POST, path.clone(), Auth::None, Some(body.clone()))
        }
        Request::YeahStorm { post, givers } => {
            let i = shared.next_token.fetch_add(1, Ordering::Relaxed);
            let token = shared.tokens.get(i).filter(|_| i < *givers)?.clone();
            (
                Method::PUT,
                format!("/api/v1/posts/{post}/yeah"),
                Auth::Bearer(token),
                None,
            )
        }
        Request::CreatePost { community } => {
            let i = shared.next_token.fetch_add(1, Ordering::Relaxed) % shared.tokens.len().max(1);
            let auth = shared
                .tokens
                .get(i)
                .cloned()
                .map_or(Auth::None, Auth::Bearer);
            let body = serde_json::json!({"body": format!("Benchmark post {i}"), "feeling": 1});
            (
                Method::POST,
                format!("/api/v1/communities/{community}/posts"),
                auth,
                Some(body),
            )
        }
    };
    let mut req = shared
        .client
        .request(method, format!("{}{path}", shared.url));
    req = match auth {
        Auth::None => req,
        Auth::Bearer(t) => req.bearer_auth(t),
        Auth::Cookie(c) => req.header(
            reqwest::header::COOKIE,
            format!("{}={c}", plaza_web::auth::SESSION_COOKIE),
        ),
    };
    if let Some(b) = body {
        req = req.json(&b);
    }
    Some(match req.send().await {
        Ok(response) => {
            let ok = response.status().is_success();
            // Read the whole answer: a client that stops at the headers measures less than a person waits for.
            ok && response.bytes().await.is_ok()
        }
        Err(_) => false,
    })
}

/// Runs `one` in a loop from `concurrency` clients until `duration` is over (or until a client's
/// `one` answers `None`: nothing left to send) and returns the latency histogram, the number of
/// failed calls and the seconds taken. `one` sends one request (or one sequence) and says whether
/// it succeeded; both `plaza bench` and its `--plan` mode measure through this one loop.
pub(crate) async fn drive<F, Fut>(
    concurrency: usize,
    duration: Duration,
    one: F,
) -> anyhow::Result<(Histogram<u64>, u64, f64)>
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = Option<bool>> + Send,
{
    let deadline = Instant::now() + duration;
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..concurrency {
        let one = one.clone();
        tasks.spawn(async move {
            let mut histogram = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let mut errors = 0u64;
            while Instant::now() < deadline {
                let t = Instant::now();
                let Some(ok) = one().await else { break };
                let micros = u64::try_from(t.elapsed().as_micros())
                    .unwrap_or(u64::MAX)
                    .max(1);
                histogram.saturating_record(micros);
                if !ok {
                    errors += 1;
                }
            }
            anyhow::Ok((histogram, errors))
        });
    }
    let mut total =
        Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut errors = 0;
    while let Some(result) = tasks.join_next().await {
        let (h, e) = result.context("a load task panicked")??;
        total.add(&h).map_err(|e| anyhow::anyhow!("{e}"))?;
        errors += e;
    }
    Ok((total, errors, started.elapsed().as_secs_f64()))
}

async fn run_scenario(
    shared: Arc<Shared>,
    scenario: &Scenario,
    options: &Options,
) -> anyhow::Result<(Histogram<u64>, u64, f64)> {
    shared.next_token.store(0, Ordering::Relaxed);
    let request = Arc::new(scenario.request.clone());
    drive(options.concurrency, options.duration, move || {
        let shared = shared.clone();
        let request = request.clone();
        async move { send(&shared, &request).await }
    })
    .await
}

/// An HTTP client for many concurrent clients of one server.
/// The load generator's HTTP client; `ca_cert` (PEM) replaces the system's roots when given (a
/// self-signed edge, such as a region's nginx).
pub(crate) fn client(concurrency: usize, ca_cert: Option<&[u8]>) -> anyhow::Result<Client> {
    let mut builder = Client::builder()
        .pool_max_idle_per_host(concurrency)
        // Plaza closes a connection idle for 10 s; reusing one just as it closes is an error
        // that the load generator, not the server, would have caused.
        .pool_idle_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(30));
    if let Some(pem) = ca_cert {
        builder = builder.tls_certs_only([
            reqwest::Certificate::from_pem(pem).context("reading the CA certificate")?
        ]);
    }
    Ok(builder.build()?)
}

/// Runs every scenario in turn and reports.
pub async fn run(
    data: &BenchData,
    options: &Options,
    mut progress: impl FnMut(&Outcome),
) -> anyhow::Result<Report> {
    let client = client(options.concurrency, options.ca_cert.as_deref())?;
    let shared = Arc::new(Shared {
        client,
        url: options.url.trim_end_matches('/').to_owned(),
        tokens: data.tokens.clone(),
        next_token: AtomicUsize::new(0),
    });
    let rss_before = options.server_pid.and_then(rss_kib);
    let peak = PeakRss::start(options.server_pid);
    let mut outcomes: Vec<Outcome> = Vec::new();
    let mut yeah_storm = None;
    let mut healthz_rate = None;
    let storm = if options.fresh_storm_post {
        fresh_post(&shared, data).await?
    } else {
        (data.hot_post.to_string(), shared.tokens.len())
    };
    for scenario in scenarios(data, storm) {
        let wanted = options.only.is_empty()
            || scenario.name == "healthz"
            || options
                .only
                .iter()
                .any(|o| scenario.name.contains(o.as_str()));
        if !wanted {
            continue;
        }
        let (h, errors, seconds) = run_scenario(shared.clone(), &scenario, options).await?;
        let [p50_ms, p90_ms, p99_ms, max_ms] = quantiles_ms(&h);
        let per_second = h.len() as f64 / seconds.max(1e-9);
        if scenario.name == "healthz" {
            healthz_rate = Some(per_second);
        }
        let outcome = Outcome {
            name: scenario.name,
            requests: h.len(),
            errors,
            per_second,
            p50_ms,
            p90_ms,
            p99_ms,
            max_ms,
            ratio_to_healthz: healthz_rate.map_or(1.0, |base| per_second / base),
        };
        if let Request::YeahStorm { post, .. } = &scenario.request {
            let given = outcome.requests - outcome.errors;
            let response = shared
                .client
                .get(format!("{}/api/v1/posts/{post}", shared.url))
                .send()
                .await?;
            let body: serde_json::Value = response.json().await?;
            yeah_storm = Some((given, body["post"]["yeah_count"].as_i64().unwrap_or(-1)));
        }
        progress(&outcome);
        outcomes.push(outcome);
    }
    let rss_peak = peak.finish().await;
    let rss_after = options.server_pid.and_then(rss_kib);
    let burst = if options.upload_burst > 0 {
        Some(upload_burst(&shared, data, options.upload_burst, options.server_pid).await?)
    } else {
        None
    };
    // Idle connections would keep their buffers in the server: close ours before settling.
    drop(shared);
    let settled = if options.settle.is_zero() {
        None
    } else {
        tokio::time::sleep(options.settle).await;
        options.server_pid.and_then(rss_kib)
    };
    let (cpu, cores) = machine();
    Ok(Report {
        cpu,
        cores,
        profile: if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
        concurrency: options.concurrency,
        seconds_per_scenario: options.duration.as_secs_f64(),
        outcomes,
        yeah_storm,
        server_rss_kib_before: rss_before,
        server_rss_kib_peak: rss_peak,
        server_rss_kib_after: rss_after,
        upload_burst: burst,
        server_rss_kib_settled: settled,
        settle_seconds: options.settle.as_secs_f64(),
    })
}

/// The report as a Markdown table.
pub fn markdown(report: &Report) -> String {
    let mut out = format!(
        "CPU: {} ({} cores), {} build, {} clients, {:.0} s per scenario\n\n| scenario | requests | errors | req/s | × healthz | p50 ms | p90 ms | p99 ms | max ms |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n",
        report.cpu, report.cores, report.profile, report.concurrency, report.seconds_per_scenario
    );
    for o in &report.outcomes {
        out.push_str(&format!(
            "| {} | {} | {} | {:.0} | {:.3} | {} |\n",
            o.name,
            o.requests,
            o.errors,
            o.per_second,
            o.ratio_to_healthz,
            latency_cells([o.p50_ms, o.p90_ms, o.p99_ms, o.max_ms]),
        ));
    }
    if let Some((given, shown)) = report.yeah_storm {
        out.push_str(&format!(
            "\nYeah storm: {given} Yeahs given, the post shows {shown} ({}).\n",
            if i64::try_from(given).ok() == Some(shown) {
                "exact"
            } else {
                "MISMATCH"
            }
        ));
    }
    let mib = |kib: Option<u64>| {
        kib.map_or_else(|| "?".to_owned(), |k| format!("{:.1}", k as f64 / 1024.0))
    };
    if report.server_rss_kib_before.is_some() {
        out.push_str(&format!(
            "\nServer resident memory: {} MiB before, {} MiB peak under load, {} MiB after the scenarios",
            mib(report.server_rss_kib_before),
            mib(report.server_rss_kib_peak),
            mib(report.server_rss_kib_after),
        ));
        if report.settle_seconds > 0.0 {
            out.push_str(&format!(
                ", {} MiB {:.0} s after the load",
                mib(report.server_rss_kib_settled),
                report.settle_seconds
            ));
        }
        out.push_str(".\n");
    }
    if let Some(b) = &report.upload_burst {
        let growth = match (b.rss_kib_before, b.rss_kib_peak) {
            (Some(before), Some(peak)) => {
                format!("{:.1}", peak.saturating_sub(before) as f64 / 1024.0)
            }
            _ => "?".to_owned(),
        };
        out.push_str(&format!(
            "\nUpload burst: {} screenshots of {side}×{side} ({} KB each) at once: {} created, {} busy (503), {} failed in {:.1} s; server memory {} MiB before, {} MiB peak (growth {growth} MiB), {} MiB after.\n",
            b.uploads,
            b.png_bytes / 1000,
            b.created,
            b.busy,
            b.failed,
            b.seconds,
            mib(b.rss_kib_before),
            mib(b.rss_kib_peak),
            mib(b.rss_kib_after),
            side = b.side,
        ));
    }
    out
}
