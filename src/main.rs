//! The `parley` binary: parse the command line, set up logging, run.

use clap::Parser;
use parley::commands::{backup, export, gen, import, mail, user};
use parley::config::{Cli, Command, ConfigCommand, LogFormat, MailCommand, UserCommand};
use parley::server::{Application, Signals};

fn main() -> std::process::ExitCode {
    use std::io::IsTerminal;
    // The configuration file fills in the environment before flags are parsed.
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let loaded = parley::config::config_path(&args).map(|path| (parley::config::load_file(&path), path));
    if let Some((Err(e), _)) = &loaded {
        use std::io::Write;
        let _ = writeln!(std::io::stderr(), "error: {e}");
        return std::process::ExitCode::FAILURE;
    }
    let cli = Cli::parse();
    // actix-server's start-up lines repeat Parley's own: off unless RUST_LOG names it.
    let directives = std::env::var("RUST_LOG").unwrap_or_else(|_| "info".into());
    let directives =
        if directives.contains("actix_server") { directives } else { format!("{directives},actix_server=warn") };
    let filter =
        tracing_subscriber::EnvFilter::try_new(&directives).unwrap_or_else(|_| "info,actix_server=warn".into());
    let logs = tracing_subscriber::fmt().with_writer(|| Stderr).with_env_filter(filter);
    match cli.log_format {
        LogFormat::Pretty => logs.with_ansi(std::io::stderr().is_terminal()).init(),
        LogFormat::Json => logs.json().with_ansi(false).init(),
    }
    // Every realtime subscriber holds a socket: allow as many as the system lets us.
    if let Err(e) = rlimit::increase_nofile_limit(u64::MAX) {
        tracing::warn!(error = %e, "could not raise the open-file limit");
    }
    let result = match cli.command {
        Command::Serve(config) => actix_web::rt::System::new().block_on(async move {
            let signals = Signals::listen().map_err(|e| format!("listening for signals: {e}"))?;
            let app = Application::build(*config).map_err(|e| e.to_string())?;
            actix_web::rt::spawn(app.stopper().on(signals));
            app.run().await.map_err(|e| e.to_string())
        }),
        Command::Backup { file, data_dir } => backup::create(&data_dir, &file).map(|s| {
            println!(
                "backed up {} conversations, {} messages and {} files ({} bytes) to {}",
                s.conversations,
                s.messages,
                s.files,
                s.file_bytes,
                file.display()
            )
        }),
        Command::Restore { file, data_dir } => backup::restore(&file, &data_dir).map(|s| {
            println!(
                "restored {} conversations, {} messages and {} files into {}",
                s.conversations,
                s.messages,
                s.files,
                data_dir.display()
            )
        }),
        Command::Export { file, data_dir } => export::export(&data_dir, &file).map(|m| {
            println!(
                "exported {} rows ({} conversations, {} messages) and {} files to {}",
                m.rows,
                m.conversations,
                m.messages,
                m.files,
                file.display()
            )
        }),
        Command::Import { file, data_dir, merge } => import::import(&file, &data_dir, merge).map(|m| {
            println!(
                "imported {} rows ({} conversations, {} messages) and {} files into {}{}",
                m.rows,
                m.conversations,
                m.messages,
                m.files,
                data_dir.display(),
                if merge { format!("; kept {} rows it already had", m.kept) } else { String::new() }
            )
        }),
        Command::Gen(args) => gen::generate(&args).map(|made| {
            println!(
                "generated {} customers, {} conversations and {} messages in {:.1} s\nconversation {} is the longest, with {} messages",
                made.customers, made.conversations, made.messages, made.seconds, made.longest, gen::LONGEST
            )
        }),
        Command::Config(ConfigCommand::Check) => match &loaded {
            None => Err("config check needs --config FILE (or PARLEY_CONFIG)".into()),
            Some((applied, path)) => {
                // Every value must parse as `serve` would take it.
                match Cli::try_parse_from(["parley", "serve"]) {
                    Ok(_) => {
                        println!("ok: {} ({} settings)", path.display(), applied.as_ref().map_or(0, |n| *n));
                        Ok(())
                    }
                    Err(e) => {
                        let first =
                            e.to_string().lines().next().unwrap_or("invalid").trim_start_matches("error: ").to_owned();
                        Err(format!("{}: {first}", path.display()))
                    }
                }
            }
        },
        Command::Mail(MailCommand::Ingest { file, data_dir, max_mail_bytes }) => {
            return match mail::ingest(&file, &data_dir, max_mail_bytes) {
                Ok(path) => {
                    tracing::info!(spooled = %path.display(), "mail taken; the server imports it");
                    std::process::ExitCode::SUCCESS
                }
                Err(e) => {
                    tracing::error!("{}", e.message);
                    std::process::ExitCode::from(e.code)
                }
            };
        }
        Command::MessengerToken { data_dir, init } => {
            user::messenger_token(&data_dir, init).map(|token| println!("{token}"))
        }
        Command::User(UserCommand::Add(args)) => read_password(args.password.clone(), &args.email).and_then(|password| {
            let id = user::add_user(&args, &password)?;
            println!("created user {id} <{}> as {}", args.email.trim(), args.role.trim().to_ascii_uppercase());
            Ok(())
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

/// The given password; on a terminal, one asked for twice without echo;
/// otherwise the first line of standard input.
fn read_password(given: Option<String>, email: &str) -> Result<String, String> {
    use std::io::IsTerminal;
    if let Some(p) = given {
        return Ok(p);
    }
    if std::io::stdin().is_terminal() {
        let min = parley::secret::password::MIN_PASSWORD;
        let ask = |prompt: &str| rpassword::prompt_password(prompt).map_err(|e| format!("reading the password: {e}"));
        let first = ask(&format!("Password for {} (at least {min} characters): ", email.trim()))?;
        if first.chars().count() < min {
            return Err(format!("the password must have at least {min} characters"));
        }
        if ask("The same password again: ")? != first {
            return Err("the two passwords differ: nothing was created".into());
        }
        return Ok(first);
    }
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).map_err(|e| format!("reading the password from stdin: {e}"))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

/// Standard error for log lines, where a line that cannot be written is lost
/// rather than fatal: a closed log pipe must not stop the server (the
/// default writer's failure report panics on the same closed pipe).
struct Stderr;

impl std::io::Write for Stderr {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let _ = std::io::stderr().write_all(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let _ = std::io::stderr().flush();
        Ok(())
    }
}
