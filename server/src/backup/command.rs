//! The two commands' wiring: configuration in, one line of what happened out.

use crate::startup::{command_state, connect_database, open_database, open_storage};
use crate::Config;
use std::path::Path;

pub async fn backup(config: &Config, file: &Path) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let db = connect_database(config).await?;
    let storage = open_storage(config)?;
    let report = super::backup(&db, &storage, file).await;
    db.close().await;
    let report = report?;
    let m = &report.manifest;
    println!(
        "Backed up the {} database (schema {}: {} tables, {} rows) and {} files ({}) to {} ({}) in {:.1} s.",
        db.backend(),
        m.schema_version,
        m.tables.len(),
        m.rows(),
        m.media.len(),
        super::size(m.media_bytes()),
        file.display(),
        super::size(report.archive_bytes),
        started.elapsed().as_secs_f64()
    );
    if report.vanished > 0 {
        println!(
            "{} files were deleted while the backup ran (with their rows, which the snapshot predates).",
            report.vanished
        );
    }
    Ok(())
}

pub async fn restore(config: &Config, file: &Path) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let db = open_database(config).await?;
    let storage = open_storage(config)?;
    let manifest = match super::restore(&db, &storage, file).await {
        Ok(manifest) => manifest,
        Err(err) => {
            db.close().await;
            return Err(err);
        }
    };
    let state = command_state(config, &db).await?;
    let indexed = app::catalog::categories::reindex_all(&state)
        .await
        .map_err(|e| anyhow::anyhow!("rebuilding the search index: {}", e.to_public().message))?;
    db.close().await;
    println!(
        "Restored a {} backup of {} (Oxcart {}, schema {}) into the {} database: {} tables, {} rows, {} files ({}); search index rebuilt for {indexed} products; {:.1} s.",
        manifest.engine,
        app::orders::pages::when(manifest.created_at),
        manifest.oxcart_version,
        manifest.schema_version,
        db.backend(),
        manifest.tables.len(),
        manifest.rows(),
        manifest.media.len(),
        super::size(manifest.media_bytes()),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
