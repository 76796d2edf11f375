//! Configuration the usual way: every `serve` option from a flag, an
//! environment variable, a TOML file, or its default, in that order.

use crate::common;

use std::process::Command;

fn config(args: &[&str], env: &[(&str, &str)]) -> String {
    let mut command = Command::new(env!("CARGO_BIN_EXE_dialogue-graph"));
    command.current_dir(common::repo()).arg("config").args(args);
    for (key, _) in std::env::vars() {
        if key.starts_with("DIALOGUE_GRAPH_") {
            command.env_remove(key);
        }
    }
    command.envs(env.iter().copied());
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn line<'a>(output: &'a str, key: &str) -> &'a str {
    output
        .lines()
        .find(|l| l.starts_with(&format!("{key} = ")))
        .unwrap_or_else(|| panic!("no {key} in {output}"))
}

#[test]
fn flag_beats_environment_beats_file_beats_default() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("dialogue-graph.toml");
    std::fs::write(&file, "max-rows = 7\nquery-timeout = 3.5\n").unwrap();
    let file = file.to_str().unwrap();

    let all = config(
        &["--config", file, "--max-rows", "9"],
        &[("DIALOGUE_GRAPH_MAX_ROWS", "8")],
    );
    assert_eq!(line(&all, "max-rows"), "max-rows = 9  # flag");
    let env = config(&["--config", file], &[("DIALOGUE_GRAPH_MAX_ROWS", "8")]);
    assert_eq!(line(&env, "max-rows"), "max-rows = 8  # environment");
    let from_file = config(&["--config", file], &[]);
    assert_eq!(line(&from_file, "max-rows"), "max-rows = 7  # config file");
    assert_eq!(
        line(&from_file, "query-timeout"),
        "query-timeout = 3.5  # config file"
    );
    let default = config(&[], &[]);
    assert_eq!(line(&default, "max-rows"), "max-rows = 10000  # default");
    // The config file itself can be named by the environment.
    let by_env = config(&[], &[("DIALOGUE_GRAPH_CONFIG", file)]);
    assert_eq!(line(&by_env, "max-rows"), "max-rows = 7  # config file");
}

#[test]
fn the_update_token_is_never_printed() {
    let out = config(
        &[],
        &[("DIALOGUE_GRAPH_UPDATE_TOKEN", "secret-secret-secret")],
    );
    assert!(!out.contains("secret-secret-secret"));
    assert!(line(&out, "update-token").contains("not shown"));
}

#[test]
fn a_wrong_key_in_the_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.toml");
    std::fs::write(&file, "max_rowz = 1\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_dialogue-graph"))
        .args(["config", "--config", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown field `max_rowz`"));
}

#[test]
fn serve_runs_with_the_file_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("dialogue-graph.toml");
    std::fs::write(&file, "max-rows = 3\n").unwrap();
    let server = common::Server::start(&["--config", file.to_str().unwrap()]);
    let r = server
        .get("/sparql")
        .query(&[("query", "SELECT * WHERE { ?s ?p ?o }")])
        .send()
        .unwrap();
    assert_eq!(r.headers()["sparql-result-limit"], "3");
}

#[test]
fn completions_and_man_page_come_from_the_cli_definition() {
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_dialogue-graph"))
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    let bash = run(&["completions", "bash"]);
    assert!(bash.contains("--update-token") && bash.contains("validate"));
    let man = run(&["man"]);
    assert!(man.contains(".TH dialogue-graph 1") && man.contains("serve"));
}
