//! The configuration file: which one the command line names, and its
//! settings put into the environment, each checked as its flag would take it.

use std::path::PathBuf;

use super::Cli;

/// The file `--config` (or `PARLEY_CONFIG`) names in `args`, if any.
pub fn config_path(args: &[std::ffi::OsString]) -> Option<PathBuf> {
    let mut it = args.iter().skip(1);
    while let Some(a) = it.next() {
        let a = a.to_string_lossy();
        if a == "--" {
            break;
        }
        if a == "--config" {
            return it.next().map(PathBuf::from);
        }
        if let Some(p) = a.strip_prefix("--config=") {
            return Some(PathBuf::from(p));
        }
    }
    std::env::var_os("PARLEY_CONFIG").map(PathBuf::from)
}

/// Reads the configuration file at `path` and puts each of its settings into
/// the environment variable of the same flag, unless the environment already
/// sets it: so the file gives defaults, the environment overrides the file,
/// and flags override both. Keys are flag names, with `_` or `-`
/// (`data_dir`, `session-ttl`); values are strings, numbers, booleans or
/// arrays (for the comma-separated flags). Returns how many keys it applied;
/// an unknown key, or a value of another kind, is an error naming it.
/// Call it before anything else runs: it changes the process environment.
pub fn load_file(path: &std::path::Path) -> Result<usize, String> {
    use clap::CommandFactory;
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let table: toml::Table = text.parse().map_err(|e| format!("{}: {e}", path.display()))?;
    let command = Cli::command();
    let serve = command.find_subcommand("serve").cloned().unwrap_or_default();
    let envs: Vec<(String, String, &clap::Arg)> = command
        .get_arguments()
        .chain(serve.get_arguments())
        .filter_map(|a| Some((a.get_long()?.to_owned(), a.get_env()?.to_string_lossy().into_owned(), a)))
        .filter(|(long, _, _)| long != "config")
        .collect();
    let mut problems = Vec::new();
    let mut settings = Vec::new();
    for (key, value) in &table {
        let long = key.replace('_', "-");
        let Some((_, env, arg)) = envs.iter().find(|(l, _, _)| *l == long) else {
            problems.push(format!("unknown key `{key}`"));
            continue;
        };
        let text = match value {
            toml::Value::String(s) => s.clone(),
            toml::Value::Integer(n) => n.to_string(),
            toml::Value::Float(f) => f.to_string(),
            toml::Value::Boolean(b) => b.to_string(),
            toml::Value::Array(items) => {
                let parts: Option<Vec<String>> = items
                    .iter()
                    .map(|v| match v {
                        toml::Value::String(s) => Some(s.clone()),
                        toml::Value::Integer(n) => Some(n.to_string()),
                        _ => None,
                    })
                    .collect();
                match parts {
                    // An empty list is the flag's default (none, or `*` for origins).
                    Some(p) if p.is_empty() => continue,
                    Some(p) => p.join(","),
                    None => {
                        problems.push(format!("`{key}`: an array of strings or numbers"));
                        continue;
                    }
                }
            }
            _ => {
                problems.push(format!("`{key}`: a string, number, boolean or array"));
                continue;
            }
        };
        if let Err(problem) = check_value(arg, &text) {
            problems.push(format!("`{key}` = {value}: {problem}"));
            continue;
        }
        settings.push((env.clone(), text));
    }
    if !problems.is_empty() {
        let known: Vec<String> = envs.iter().map(|(l, _, _)| l.replace('-', "_")).collect();
        let unknown = problems.iter().any(|p| p.starts_with("unknown key"));
        let lines: Vec<String> = problems.iter().map(|p| format!("{}: {p}", path.display())).collect();
        let hint = if unknown { format!("\nknown keys: {}", known.join(", ")) } else { String::new() };
        return Err(format!("{}{hint}", lines.join("\n")));
    }
    let applied = settings.len();
    for (env, value) in settings {
        if std::env::var_os(&env).is_none() {
            std::env::set_var(env, value);
        }
    }
    Ok(applied)
}

/// Whether `text` is a value `arg` takes, as `serve` would take it on its
/// command line; clap's reason if not.
fn check_value(arg: &clap::Arg, text: &str) -> Result<(), String> {
    use clap::Parser;
    if !arg.get_action().takes_values() {
        // A switch (`demo = true`): its environment variable takes a boolean.
        return match text {
            "true" | "false" | "1" | "0" | "yes" | "no" | "on" | "off" => Ok(()),
            _ => Err("true or false".into()),
        };
    }
    let long = arg.get_long().unwrap_or_default();
    match Cli::try_parse_from(["parley".to_owned(), "serve".to_owned(), format!("--{long}={text}")]) {
        // Only this flag's own refusal is the file's (the environment may hold other bad values).
        Err(e) if e.to_string().contains(&format!("--{long}")) => {
            let reason = e.to_string();
            let reason = reason.lines().next().unwrap_or("not a value it takes").trim_start_matches("error: ");
            Err(reason.to_owned())
        }
        _ => Ok(()),
    }
}
