//! The `oxcart` command line: `serve` (default), `migrate`, `seed`, `check-config`.

use crate::config::Config;
use crate::startup::{connect_database, shutdown_signal, Application};
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
    /// Write the default store settings that are missing (never overwrites).
    Seed,
    /// Check the configuration and print it, secrets hidden.
    CheckConfig,
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
            let applied = sqlx::query_scalar::<_, i64>(
                "select count(*) from _sqlx_migrations where success = true",
            )
            .fetch_one(db.pool())
            .await
            .unwrap_or_default();
            println!(
                "The {} database is up to date ({applied} migrations applied).",
                db.backend()
            );
            db.close().await;
            Ok(())
        }
        Command::Seed => {
            let db = connect_database(&config).await?;
            let report = app::settings::db::seed_defaults(&db).await?;
            println!(
                "Seeded: {} store settings written (existing values kept).",
                report.settings_written
            );
            db.close().await;
            Ok(())
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
