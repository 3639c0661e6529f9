//! The `oxcart` command line: `serve` (default), `migrate`, `seed`, `check-config`,
//! `create-admin`, `create-api-key`.

use crate::config::Config;
use crate::startup::{command_state, connect_database, shutdown_signal, Application};
use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "oxcart",
    version,
    about = "Oxcart: a self-hosted e-commerce platform"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the storefront, admin and API (the default). Migrates and, on the first
    /// start, seeds demo data.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Write the default store settings that are missing (never overwrites); with
    /// `--demo N`, also a demo catalog of N products (the same for the same N; products
    /// that exist are kept).
    Seed {
        /// How many demo products to make.
        #[arg(long, value_name = "N")]
        demo: Option<usize>,
        /// Only make the demo catalog when the catalog has no products yet (and the demo
        /// history of orders when there are no orders yet).
        #[arg(long, requires = "demo")]
        if_empty: bool,
        /// Also make a year of history: N orders (with customers, refunds, codes) and ten
        /// funnel visits per order, the same for the same N. Needs a catalog.
        #[arg(long, value_name = "N")]
        history: Option<usize>,
    },
    /// Recount the analytics rollups from the orders (after an import, say).
    RebuildAnalytics,
    /// Times the dashboard and every report over the last 12 months (scripts/bench-analytics.sh).
    #[command(hide = true)]
    BenchReports {
        #[arg(long, default_value_t = 7)]
        runs: usize,
    },
    /// Check the configuration and print it, secrets hidden.
    CheckConfig,
    /// Create an admin account. The password comes from OXCART_ADMIN_PASSWORD or, when
    /// that is unset, a prompt.
    CreateAdmin {
        /// The admin's email address (their login).
        #[arg(long)]
        email: String,
        /// The admin's full name.
        #[arg(long, default_value = "")]
        name: String,
    },
    /// Write a backup of the database (a consistent snapshot, taken while the shop
    /// serves) and the uploaded files to FILE, with a manifest of checksums.
    Backup {
        /// The archive to write, e.g. backups/oxcart-2026-12-05.tar.gz (never overwritten).
        file: std::path::PathBuf,
    },
    /// Restore a backup into an empty database and media store (either engine: a SQLite
    /// backup restores into PostgreSQL). The archive is checked whole first.
    Restore {
        /// The archive `oxcart backup` wrote.
        file: std::path::PathBuf,
    },
    /// Make an API key for an integration and print it (shown once). For a headless
    /// set-up; admins also make keys under Admin → Settings → API keys.
    CreateApiKey {
        /// What uses it, e.g. "Warehouse system".
        #[arg(long)]
        name: String,
        /// Permissions, comma-separated (orders.read,orders.fulfil), or `all`.
        #[arg(long)]
        scopes: String,
    },
}

async fn seed_history(
    db: &app::platform::db::Db,
    plan: app::analytics::seed::Plan,
) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let made = app::analytics::seed::history(db, plan)
        .await
        .map_err(|e| anyhow::anyhow!("history: {}", e.to_public().message))?;
    println!(
        "History: {} customers, {} orders ({} cancelled, {} refunded), {} funnel visits over {} days ({:.1} s).",
        made.customers, made.orders, made.cancelled, made.refunded, made.funnel_events, plan.days,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

pub async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        Command::Serve => {
            let app = Application::build(&config).await?;
            println!(
                "Oxcart is serving {} (listening on {})",
                config.public_url,
                app.addr()
            );
            app.run_until(shutdown_signal()).await
        }
        Command::Migrate => {
            let db = connect_database(&config).await?;
            let applied = db.applied_migrations().await.unwrap_or_default();
            println!(
                "The {} database is up to date ({applied} migrations applied).",
                db.backend()
            );
            db.close().await;
            Ok(())
        }
        Command::RebuildAnalytics => {
            let db = connect_database(&config).await?;
            let started = std::time::Instant::now();
            let days = app::analytics::rebuild::rebuild(&db)
                .await
                .map_err(|e| anyhow::anyhow!("rebuilding: {}", e.to_public().message))?;
            println!(
                "Rollups rebuilt: {days} days ({:.1} s).",
                started.elapsed().as_secs_f64()
            );
            db.close().await;
            Ok(())
        }
        Command::BenchReports { runs } => {
            let db = connect_database(&config).await?;
            crate::bench::reports(&db, runs).await?;
            db.close().await;
            Ok(())
        }
        Command::Seed {
            demo,
            if_empty,
            history,
        } => {
            let db = connect_database(&config).await?;
            let report = app::settings::db::seed_defaults(&db).await?;
            println!(
                "Seeded: {} store settings written (existing values kept).",
                report.settings_written
            );
            if let Some(count) = demo {
                let products = app::catalog::db::count_products(&db)
                    .await
                    .map_err(|e| anyhow::anyhow!("counting products: {}", e.to_public().message))?;
                if if_empty && products > 0 {
                    println!("The catalog has {products} products: no demo catalog made.");
                } else {
                    let state = command_state(&config, &db).await?;
                    let started = std::time::Instant::now();
                    let report = app::catalog::demo::seed(&state, count)
                        .await
                        .map_err(|e| anyhow::anyhow!("demo catalog: {}", e.to_public().message))?;
                    println!(
                        "Demo catalog: {} categories, {} products, {} pictures made, {} products already there ({:.1} s).",
                        report.categories,
                        report.products,
                        report.images,
                        report.skipped,
                        started.elapsed().as_secs_f64()
                    );
                }
                let (orders,): (i64,) = sqlx::query_as("select count(*) from orders")
                    .fetch_one(db.pool())
                    .await?;
                if history.is_none() && orders == 0 {
                    seed_history(&db, app::analytics::seed::Plan::demo()).await?;
                }
            }
            if let Some(orders) = history {
                seed_history(&db, app::analytics::seed::Plan::year(orders)).await?;
            }
            db.close().await;
            Ok(())
        }
        Command::Backup { file } => crate::backup::command::backup(&config, &file).await,
        Command::Restore { file } => crate::backup::command::restore(&config, &file).await,
        Command::CreateAdmin { email, name } => {
            let password = match std::env::var("OXCART_ADMIN_PASSWORD") {
                Ok(password) if !password.is_empty() => password,
                _ => {
                    let first = rpassword::prompt_password(format!("Password for {email}: "))?;
                    let again = rpassword::prompt_password("Repeat the password: ")?;
                    anyhow::ensure!(first == again, "the two passwords differ");
                    first
                }
            };
            let db = connect_database(&config).await?;
            let created = app::accounts::service::create_admin(&db, &email, &password, &name).await;
            db.close().await;
            match created {
                Ok(_) => {
                    println!("Admin {email} created. Log in at {}account/login; you will be asked to turn on two-factor authentication.", config.public_url);
                    Ok(())
                }
                Err(err) => anyhow::bail!("cannot create the admin: {}", err.to_public().message),
            }
        }
        Command::CreateApiKey { name, scopes } => {
            let scopes: Vec<String> = if scopes.trim() == "all" {
                app::accounts::Permission::ALL
                    .iter()
                    .map(|p| p.as_str().to_owned())
                    .collect()
            } else {
                vec![scopes]
            };
            let db = connect_database(&config).await?;
            let maker = app::integrations::keys::Maker::CommandLine;
            let made = app::integrations::keys::create(&db, maker, &name, &scopes).await;
            db.close().await;
            match made {
                Ok(made) => {
                    println!("{}", made.secret);
                    Ok(())
                }
                Err(err) => anyhow::bail!("cannot make the key: {}", err.to_public().message),
            }
        }
        Command::CheckConfig => {
            println!("Configuration is valid:");
            for (name, value) in config.summary() {
                println!("  {name:<18} {value}");
            }
            Ok(())
        }
    }
}
