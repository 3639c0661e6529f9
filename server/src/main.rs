//! `oxcart`: parses the command line and the configuration, then runs the command.
//! Every failure ends with one line on stderr and a non-zero exit: no panic, no backtrace.

use clap::Parser as _;
use oxcart_server::cli::{self, Cli, Command};
use oxcart_server::{telemetry, Config};
use std::process::ExitCode;

/// jemalloc, not glibc's malloc: page rendering is allocation-bound (docs/performance.md).
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match dotenvy::dotenv() {
        Ok(_) => {}
        Err(err) if err.not_found() => {}
        Err(err) => {
            eprintln!("oxcart: cannot read .env: {err}");
            return ExitCode::from(2);
        }
    }
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(err) => {
            eprintln!("oxcart: {err}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(config.log_format);

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("oxcart: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let command = cli.command.unwrap_or(Command::Serve);
    match runtime.block_on(cli::run(command, config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // `{:#}` prints the whole cause chain on one line.
            let line = format!("{err:#}").replace('\n', " ");
            eprintln!("oxcart: {line}");
            ExitCode::FAILURE
        }
    }
}
