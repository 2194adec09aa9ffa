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
    Seed(plaza_tools::SeedArgs),
    /// Drive a running Plaza with concurrent clients and report throughput and latencies.
    Bench(plaza_tools::BenchArgs),
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

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let config = Config::load(cli.config.as_deref())?;
    plaza::logs::init(config.log_format == "json");
    match cli.command {
        Command::Serve { service } => serve(&config, service).await,
        Command::Migrate => {
            let db = plaza_storage::Db::connect(&config.database_url(), 2).await?;
            db.migrate().await?;
            println!("Migrations applied.");
            Ok(())
        }
        Command::Seed(args) => {
            let db = plaza_storage::Db::connect(&config.database_url(), 4).await?;
            db.migrate().await?;
            plaza_tools::seed_command(&args, &db, config.region, &config.data_dir).await
        }
        Command::Bench(args) => {
            let url = format!("http://{}", config.web.listen);
            plaza_tools::bench_command(args, url, &config.data_dir).await
        }
        Command::Admin {
            command: AdminCommand::Create { username },
        } => admin_create(&config, &username).await,
    }
}

async fn serve(config: &Config, service: Option<Service>) -> anyhow::Result<()> {
    let services = match service {
        Some(s) => vec![s],
        None => Service::ALL.to_vec(),
    };
    let running = stack::start(config, &services, None).await?;
    plaza::memory::start_trimming(plaza::memory::TRIM_INTERVAL);
    if let Some(web) = running.web {
        println!("Plaza is running at {}", config.public_url(web));
        println!("Stop it with Ctrl-C.");
    } else {
        println!("Plaza {:?} service is running.", services[0]);
    }
    running
        .run_until(async {
            plaza_http::shutdown_signal().await;
            plaza_http::exit_on_second_signal();
        })
        .await
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
                standing: None,
            };
            plaza_web::db::users::insert(&db, &user, config.region, &hash).await?;
            println!("Created admin account {username}.");
        }
    }
    Ok(())
}
