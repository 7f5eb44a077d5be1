//! The `parley` binary: parse the command line, set up logging, run.

use clap::Parser;
use parley::config::{Cli, Command};
use parley::startup::Application;

fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,actix_server=warn".into()),
        )
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve(config) => actix_web::rt::System::new().block_on(async move {
            let app = Application::build(config).map_err(|e| e.to_string())?;
            app.run().await.map_err(|e| e.to_string())
        }),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            std::process::ExitCode::FAILURE
        }
    }
}
