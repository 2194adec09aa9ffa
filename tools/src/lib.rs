//! Tools that work on a Plaza deployment from outside its services: `seed` fills a database with
//! benchmark data, `bench` drives a running Plaza with concurrent clients. They are not part of
//! the server; the `plaza` command dispatches its `seed` and `bench` subcommands here.
//! `bench --plan` drives any HTTP server from a plan file (used to compare Plaza with a peer).

pub mod bench;
pub mod plan;
pub mod seed;

use anyhow::Context;
use plaza_storage::Db;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// `plaza seed`'s arguments.
#[derive(Debug, Clone, clap::Args)]
pub struct SeedArgs {
    #[arg(long, value_enum, default_value = "small")]
    pub scale: seed::Scale,
}

/// `plaza bench`'s arguments.
#[derive(Debug, Clone, clap::Args)]
pub struct BenchArgs {
    /// The web service's URL (default: the configured web address).
    #[arg(long)]
    pub url: Option<String>,
    /// The bench.json written by `plaza seed` (default: <data_dir>/bench.json).
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Seconds each scenario runs.
    #[arg(long, default_value_t = 10)]
    pub seconds: u64,
    /// Concurrent clients.
    #[arg(long, default_value_t = 50)]
    pub concurrency: usize,
    /// The server's process id, to report its resident memory.
    #[arg(long)]
    pub server_pid: Option<u32>,
    /// Maximum-size screenshots posted at once after the scenarios (0 skips the burst).
    #[arg(long, default_value_t = 30)]
    pub upload_burst: usize,
    /// Seconds of quiet after the load before the server's memory is read once more.
    #[arg(long, default_value_t = 60)]
    pub settle_seconds: u64,
    /// Write the report as JSON to this file too.
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// Only scenarios whose names contain this (repeatable); healthz always runs.
    #[arg(long)]
    pub only: Vec<String>,
    /// Run the scenarios of this plan file instead of Plaza's own (see `plaza_tools::plan`); the
    /// URL, data and memory options are then not used.
    #[arg(long)]
    pub plan: Option<PathBuf>,
    /// Trust this PEM certificate instead of the system's roots (a self-signed edge, such as
    /// a region's nginx: `target/region/etc/edge.crt`).
    #[arg(long)]
    pub ca_cert: Option<PathBuf>,
    /// Storm a post written just before the storm (by the last token's account) instead of
    /// the seeded one, so that the count is checked again on runs after the first.
    #[arg(long)]
    pub fresh_storm_post: bool,
}

/// Seeds the (migrated) database `db` for `region` and writes `bench.json` into `data_dir`.
pub async fn seed_command(
    args: &SeedArgs,
    db: &Db,
    region: u8,
    data_dir: &Path,
) -> anyhow::Result<()> {
    let started = Instant::now();
    seed::seed(db, region, args.scale, data_dir, false).await?;
    println!(
        "Seeded in {:.1} s; wrote {}.",
        started.elapsed().as_secs_f64(),
        data_dir.join("bench.json").display()
    );
    Ok(())
}

/// Runs the benchmark against `args.url` (or `default_url`) with the data `plaza seed` wrote
/// (`args.data`, or `bench.json` in `data_dir`) and prints the report.
pub async fn bench_command(
    args: BenchArgs,
    default_url: String,
    data_dir: &Path,
) -> anyhow::Result<()> {
    if let Some(plan) = &args.plan {
        return plan_command(plan, &args).await;
    }
    let path = args.data.unwrap_or_else(|| data_dir.join("bench.json"));
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("reading {} (run `plaza seed` first)", path.display()))?;
    let data: seed::BenchData = serde_json::from_str(&text).context("parsing bench.json")?;
    let ca_cert = match &args.ca_cert {
        Some(file) => {
            Some(std::fs::read(file).with_context(|| format!("reading {}", file.display()))?)
        }
        None => None,
    };
    let options = bench::Options {
        url: args.url.unwrap_or(default_url),
        duration: Duration::from_secs(args.seconds.max(1)),
        concurrency: args.concurrency.max(1),
        server_pid: args.server_pid,
        only: args.only,
        upload_burst: args.upload_burst,
        settle: Duration::from_secs(args.settle_seconds),
        ca_cert,
        fresh_storm_post: args.fresh_storm_post,
    };
    let report = bench::run(&data, &options, |o| {
        eprintln!(
            "{:>28}: {:>8.0} req/s, p99 {:>8.2} ms, {} errors",
            o.name, o.per_second, o.p99_ms, o.errors
        );
    })
    .await?;
    println!("{}", bench::markdown(&report));
    if let Some(file) = args.json {
        std::fs::write(&file, serde_json::to_vec_pretty(&report)?)
            .with_context(|| format!("writing {}", file.display()))?;
    }
    Ok(())
}

/// `plaza bench --plan FILE`: runs a plan's scenarios and prints (and optionally writes) the
/// report.
async fn plan_command(file: &Path, args: &BenchArgs) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let plan: plan::Plan = serde_json::from_str(&text)
        .with_context(|| format!("parsing the plan {}", file.display()))?;
    let report = plan::run(
        &plan,
        Duration::from_secs(args.seconds.max(1)),
        args.concurrency.max(1),
        |o| {
            eprintln!(
                "{:>28}: {:>8.0} per s, p99 {:>8.2} ms, {} errors",
                o.name, o.per_second, o.latency.p99_ms, o.errors
            );
        },
    )
    .await?;
    println!("{}", plan::markdown(&report));
    if let Some(out) = &args.json {
        std::fs::write(out, serde_json::to_vec_pretty(&report)?)
            .with_context(|| format!("writing {}", out.display()))?;
    }
    Ok(())
}
