//! `plaza`: run Plaza (all services in one process by default), apply migrations, make admins.

use anyhow::Context;
use clap::{Parser, Subcommand};
use plaza::Config;
use plaza::stack::{self, Service};
use std::io::Read;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "plaza",
    version,
    about = "A self-hostable social posting service for games"
)]
struct Cli {
    /// A TOML configuration file (every key also reads from PLAZA_* environment variables).
    #[arg(long, global = true, env = "PLAZA_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve every service in this process (the default), or one with --service.
    Serve {
        /// Run only this service (for regions, where each service runs as its own processes).
        #[arg(long, value_enum)]
        service: Option<Service>,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Fill the database with realistic data for benchmarks (and write bench.json beside it).
    Seed {
        #[arg(long, value_enum, default_value = "small")]
        scale: plaza::seed::Scale,
    },
    /// Drive a running Plaza with concurrent clients and report throughput and latencies.
    Bench {
        /// The web service's URL (default: the configured web address).
        #[arg(long)]
        url: Option<String>,
        /// The bench.json written by `plaza seed` (default: <data_dir>/bench.json).
        #[arg(long)]
        data: Option<PathBuf>,
        /// Seconds each scenario runs.
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Concurrent clients.
        #[arg(long, default_value_t = 50)]
        concurrency: usize,
        /// The server's process id, to report its resident memory.
        #[arg(long)]
        server_pid: Option<u32>,
        /// Maximum-size screenshots posted at once after the scenarios (0 skips the burst).
        #[arg(long, default_value_t = 30)]
        upload_burst: usize,
        /// Seconds of quiet after the load before the server's memory is read once more.
        #[arg(long, default_value_t = 60)]
        settle_seconds: u64,
        /// Write the report as JSON to this file too.
        #[arg(long)]
        json: Option<PathBuf>,
        /// Only scenarios whose names contain this (repeatable); healthz always runs.
        #[arg(long)]
        only: Vec<String>,
    },
    /// Manage admin accounts.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
}

#[derive(Debug, Subcommand)]
enum AdminCommand {
    /// Create an admin account, or make an existing account an admin. The password is read from
    /// PLAZA_ADMIN_PASSWORD or, when that is unset, from standard input.
    Create { username: String },
}

fn init_logs(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,hyper=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    if config.log_format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let config = Config::load(cli.config.as_deref())?;
    init_logs(&config);
    match cli.command {
        Command::Serve { service } => serve(&config, service).await,
        Command::Migrate => {
            let db = plaza_storage::Db::connect(&config.database_url(), 2).await?;
            db.migrate().await?;
            println!("Migrations applied.");
            Ok(())
        }
        Command::Seed { scale } => {
            let db = plaza_storage::Db::connect(&config.database_url(), 4).await?;
            db.migrate().await?;
            let started = std::time::Instant::now();
            plaza::seed::seed(&db, config.region, scale, &config.data_dir, false).await?;
            println!(
                "Seeded in {:.1} s; wrote {}.",
                started.elapsed().as_secs_f64(),
                config.data_dir.join("bench.json").display()
            );
            Ok(())
        }
        Command::Bench {
            url,
            data,
            seconds,
            concurrency,
            server_pid,
            json,
            only,
            upload_burst,
            settle_seconds,
        } => {
            let path = data.unwrap_or_else(|| config.data_dir.join("bench.json"));
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("reading {} (run `plaza seed` first)", path.display()))?;
            let data: plaza::seed::BenchData =
                serde_json::from_str(&text).context("parsing bench.json")?;
            let options = plaza::bench::Options {
                url: url.unwrap_or_else(|| format!("http://{}", config.web.listen)),
                duration: std::time::Duration::from_secs(seconds.max(1)),
                concurrency: concurrency.max(1),
                server_pid,
                only,
                upload_burst,
                settle: std::time::Duration::from_secs(settle_seconds),
            };
            let report = plaza::bench::run(&data, &options, |o| {
                eprintln!(
                    "{:>28}: {:>8.0} req/s, p99 {:>8.2} ms, {} errors",
                    o.name, o.per_second, o.p99_ms, o.errors
                );
            })
            .await?;
            println!("{}", plaza::bench::markdown(&report));
            if let Some(file) = json {
                std::fs::write(&file, serde_json::to_vec_pretty(&report)?)
                    .with_context(|| format!("writing {}", file.display()))?;
            }
            Ok(())
        }
        Command::Admin {
            command: AdminCommand::Create { username },
        } => admin_create(&config, &username).await,
    }
}

async fn serve(config: &Config, service: Option<Service>) -> anyhow::Result<()> {
    let services = match service {
        Some(s) => vec![s],
        None => vec![
            Service::Timeline,
            Service::Empathy,
            Service::Notification,
            Service::Worker,
            Service::Web,
        ],
    };
    let running = stack::start(config, &services, None).await?;
    plaza::memory::start_trimming(plaza::memory::TRIM_INTERVAL);
    if let Some(web) = running.web {
        println!("Plaza is running at {}", config.public_url(web));
        println!("Stop it with Ctrl-C.");
    } else {
        println!("Plaza {:?} service is running.", services[0]);
    }
    running.run_until(plaza_http::shutdown_signal()).await
}

async fn admin_create(config: &Config, username: &str) -> anyhow::Result<()> {
    let password = match std::env::var("PLAZA_ADMIN_PASSWORD") {
        Ok(p) => p,
        Err(_) => {
            let mut input = String::new();
            std::io::stdin()
                .read_to_string(&mut input)
                .context("reading the password from standard input")?;
            input.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    plaza_types::validate::username(username).map_err(|e| anyhow::anyhow!("{e}"))?;
    plaza_types::validate::password(&password).map_err(|e| anyhow::anyhow!("{e}"))?;
    let db = plaza_storage::Db::connect(&config.database_url(), 2).await?;
    db.migrate().await?;
    let hash = plaza_web::auth::Passwords::new(1)
        .hash(password)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    match plaza_web::db::users::by_username(&db, username).await? {
        Some(user) => {
            plaza_web::db::users::make_admin(&db, user.id, Some(&hash)).await?;
            println!("{} is now an admin.", user.username);
        }
        None => {
            let ids = plaza_types::IdGenerator::new(config.region, config.node)?;
            let user = plaza_web::db::users::User {
                id: ids.next_id(),
                home_region: config.region,
                username: username.to_owned(),
                display_name: String::new(),
                bio: String::new(),
                is_admin: true,
                created_at: plaza_types::now_millis(),
                language: String::new(),
            };
            plaza_web::db::users::insert(&db, &user, config.region, &hash).await?;
            println!("Created admin account {username}.");
        }
    }
    Ok(())
}
