//! The effective configuration of `serve`. Every option can come from, in
//! order of precedence: a command-line flag, an environment variable
//! (`DIALOGUE_GRAPH_BIND`, `DIALOGUE_GRAPH_MAX_ROWS`, ...), the TOML file named
//! by `--config` (keys as the flags, e.g. `max-rows = 500`), or its default.
//! `dialogue-graph config` prints the result and where each value came from.

use std::fmt::Write as _;

use std::ffi::OsString;
use std::path::Path;

use clap::parser::ValueSource;
use clap::{ArgMatches, Args, FromArgMatches};

use crate::cli::ServeArgs;
use crate::error::{Error, Result};

/// Where a value came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Flag,
    Environment,
    File,
    Default,
}

impl Source {
    fn name(self) -> &'static str {
        match self {
            Source::Flag => "flag",
            Source::Environment => "environment",
            Source::File => "config file",
            Source::Default => "default",
        }
    }
}

/// `serve`'s options after applying the config file, with each one's source.
pub struct Resolved {
    pub args: ServeArgs,
    pub sources: Vec<(String, Source)>,
}

/// Fills every option that neither a flag nor the environment set from the
/// config file (if any). `matches` are the subcommand's own.
///
/// Each option is defined once, in [`ServeArgs`]: its flag, its variable,
/// its default, its type. A file's keys are the flags' long names; a file
/// value is handed to clap as that flag would be, so it is parsed and checked
/// (types, conflicts) exactly like one.
pub fn resolve(args: ServeArgs, matches: &ArgMatches) -> Result<Resolved> {
    let file = match &args.config {
        Some(path) => read_file(path)?,
        None => toml::Table::new(),
    };
    let command = ServeArgs::augment_args(clap::Command::new("serve"));
    let options: Vec<&clap::Arg> = command
        .get_arguments()
        .filter(|arg| arg.get_long().is_some())
        .filter(|arg| !matches!(arg.get_id().as_str(), "config" | "help" | "version"))
        .collect();
    if let Some(key) = file.keys().find(|key| {
        !options
            .iter()
            .any(|arg| arg.get_long() == Some(key.as_str()))
    }) {
        let keys: Vec<&str> = options.iter().filter_map(|arg| arg.get_long()).collect();
        return Err(Error::InvalidArgument(format!(
            "{}: unknown field `{key}`: the keys are serve's flags without their dashes ({})",
            args.config
                .as_deref()
                .unwrap_or_else(|| Path::new(""))
                .display(),
            keys.join(", ")
        )));
    }
    let mut argv = vec![OsString::from("serve")];
    let mut sources = Vec::new();
    for arg in options {
        let id = arg.get_id().as_str();
        let long = arg.get_long().unwrap_or(id);
        let source = match matches.value_source(id) {
            Some(ValueSource::CommandLine) => {
                let given = matches.get_raw(id).into_iter().flatten();
                argv.extend(given.flat_map(|value| flag(arg, long, value.to_os_string())));
                Source::Flag
            }
            Some(ValueSource::EnvVariable) => Source::Environment,
            _ => match file.get(long) {
                Some(value) => {
                    for value in file_values(long, value)? {
                        argv.extend(flag(arg, long, value));
                    }
                    Source::File
                }
                None => Source::Default,
            },
        };
        sources.push((id.to_owned(), source));
    }
    let matches = command
        .try_get_matches_from(argv)
        .map_err(|e| Error::InvalidArgument(e.to_string()))?;
    let args =
        ServeArgs::from_arg_matches(&matches).map_err(|e| Error::InvalidArgument(e.to_string()))?;
    Ok(Resolved { args, sources })
}

/// The `--config` file as a table of keys and values.
fn read_file(path: &Path) -> Result<toml::Table> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::ReadFile {
        path: path.to_owned(),
        source,
    })?;
    text.parse::<toml::Table>()
        .map_err(|e| Error::InvalidArgument(format!("{}: {e}", path.display())))
}

/// A file value as the text a flag would give (an array, one per element).
fn file_values(key: &str, value: &toml::Value) -> Result<Vec<OsString>> {
    let text = |value: &toml::Value| match value {
        toml::Value::String(s) => Ok(s.clone()),
        toml::Value::Integer(n) => Ok(n.to_string()),
        toml::Value::Float(x) => Ok(x.to_string()),
        toml::Value::Boolean(b) => Ok(b.to_string()),
        other => Err(Error::InvalidArgument(format!(
            "config file: `{key}` cannot be {}",
            other.type_str()
        ))),
    };
    match value {
        toml::Value::Array(items) => items.iter().map(|v| text(v).map(OsString::from)).collect(),
        one => Ok(vec![OsString::from(text(one)?)]),
    }
}

/// The command-line words that give `arg` the value `value`: `--flag=value`,
/// or for a switch `--flag` when it is on (and nothing when off).
fn flag(arg: &clap::Arg, long: &str, value: OsString) -> Vec<OsString> {
    if !arg.get_action().takes_values() {
        return match value.to_str() {
            Some("false") => Vec::new(),
            _ => vec![OsString::from(format!("--{long}"))],
        };
    }
    let mut word = OsString::from(format!("--{long}="));
    word.push(value);
    vec![word]
}

impl Resolved {
    /// The effective configuration as TOML (a valid `--config` file), each
    /// line commented with its source, in the order of `serve --help`. The
    /// update token and the engine's password are never printed.
    pub fn to_toml(&self) -> Result<String> {
        let values = toml::Table::try_from(&self.args)
            .map_err(|e| Error::Internal(format!("writing the configuration: {e}")))?;
        let command = ServeArgs::augment_args(clap::Command::new("serve"));
        let mut out = String::new();
        for (id, source) in &self.sources {
            let Some(key) = command
                .get_arguments()
                .find(|arg| arg.get_id() == id.as_str())
                .and_then(clap::Arg::get_long)
            else {
                continue;
            };
            let value = values.get(key).filter(|v| match v {
                toml::Value::Array(items) => !items.is_empty(),
                _ => true,
            });
            let source = source.name();
            let _ = match value {
                Some(v) => writeln!(out, "{key} = {v}  # {source}"),
                None => writeln!(out, "# {key} is not set  # {source}"),
            };
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `serve`'s options from `argv` and a config file holding `file`.
    fn resolved(argv: &[&str], file: &str) -> Result<Resolved> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dialogue-graph.toml");
        std::fs::write(&path, file).unwrap();
        let mut words = vec!["serve".to_owned(), format!("--config={}", path.display())];
        words.extend(argv.iter().map(|w| (*w).to_owned()));
        let command = ServeArgs::augment_args(clap::Command::new("serve"));
        let matches = command.try_get_matches_from(words).unwrap();
        let args = ServeArgs::from_arg_matches(&matches).unwrap();
        resolve(args, &matches)
    }

    fn source_of(resolved: &Resolved, id: &str) -> Source {
        resolved.sources.iter().find(|(i, _)| i == id).unwrap().1
    }

    #[test]
    fn a_flag_beats_the_file_and_the_file_beats_the_default() {
        let file = "max-rows = 7\nquery-timeout = 3.5\nallow-service = true\nsparql-endpoint = \"http://127.0.0.1:1/sparql\"\nsparql-graph = [\"http://a/\", \"http://b/\"]\n";
        let r = resolved(&["--max-rows", "9"], file).unwrap();
        assert_eq!(r.args.max_rows, 9);
        assert_eq!(source_of(&r, "max_rows"), Source::Flag);
        assert_eq!(r.args.query_timeout, 3.5);
        assert_eq!(source_of(&r, "query_timeout"), Source::File);
        assert!(r.args.allow_service);
        assert_eq!(r.args.remote.sparql_graph, ["http://a/", "http://b/"]);
        assert_eq!(r.args.rate_burst, 20);
        assert_eq!(source_of(&r, "rate_burst"), Source::Default);
    }

    #[test]
    fn the_file_is_checked_like_the_flags() {
        let unknown = resolved(&[], "max_rowz = 1\n").err().unwrap().to_string();
        assert!(unknown.contains("unknown field `max_rowz`"), "{unknown}");
        assert!(unknown.contains("max-rows"), "{unknown}");
        let typed = resolved(&[], "max-rows = \"many\"\n")
            .err()
            .unwrap()
            .to_string();
        assert!(
            typed.contains("max-rows") && typed.contains("many"),
            "{typed}"
        );
        // The same conflicts as on the command line.
        let both = "store = \"/tmp/x\"\nsparql-endpoint = \"http://127.0.0.1:1/sparql\"\n";
        assert!(resolved(&[], both).is_err());
    }

    #[test]
    fn the_printed_configuration_reads_back_as_the_same_options() {
        let file = "max-rows = 7\nquery-timeout = 3.5\nupdate-token = \"secret-secret\"\n";
        let printed = resolved(&["--bind", "127.0.0.1:9"], file)
            .unwrap()
            .to_toml()
            .unwrap();
        assert!(printed.contains("max-rows = 7  # config file"), "{printed}");
        assert!(
            printed.contains("bind = \"127.0.0.1:9\"  # flag"),
            "{printed}"
        );
        assert!(
            printed.contains("# store is not set  # default"),
            "{printed}"
        );
        assert!(!printed.contains("secret-secret"), "{printed}");
        // Without the secret (shown as a placeholder), it is a valid file
        // that gives the same options.
        let without_secret: String = printed
            .lines()
            .filter(|l| !l.starts_with("update-token"))
            .map(|l| format!("{l}\n"))
            .collect();
        let again = resolved(&[], &without_secret).unwrap();
        assert_eq!(again.args.max_rows, 7);
        assert_eq!(again.args.query_timeout, 3.5);
        assert_eq!(again.args.bind, "127.0.0.1:9");
    }
}
