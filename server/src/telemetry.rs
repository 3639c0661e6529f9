//! Logging: `tracing` to stdout, human-readable by default, one JSON object per line with
//! `LOG_FORMAT=json`. `RUST_LOG` filters (default: info for Oxcart, warnings for the rest).

use crate::config::LogFormat;
use tracing_subscriber::EnvFilter;

const DEFAULT_FILTER: &str = "info,sqlx=warn,tower_sessions=warn,fred=warn,leptos=warn";

/// Installs the global subscriber. Safe to call more than once (later calls do nothing),
/// which lets every integration test start a server.
pub fn init(format: LogFormat) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    // Colours only on a terminal: redirected logs stay plain text.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stdout());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_ansi(ansi);
    let _already_set = match format {
        LogFormat::Pretty => builder.try_init(),
        LogFormat::Json => builder
            .json()
            .with_current_span(true)
            .with_span_list(true)
            .try_init(),
    };
}
