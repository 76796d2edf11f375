//! Faults a persistent store must survive: the process killed with SIGKILL in
//! the middle of a bulk load or an authorised update (the store reopens with
//! the old data or the new, never half), a full disk and a store directory
//! that cannot be written (a clear error, never a panic).
#![cfg(feature = "rocksdb")]

use crate::common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{Server, run, stderr};

fn bin() -> Command {
    common::command()
}

fn count(store: &Path) -> u64 {
    common::store_triples(store)
}

/// An N-Triples file of `n` distinct triples.
fn big_file(dir: &Path, n: usize) -> std::path::PathBuf {
    use std::io::Write;
    let path = dir.join("big.nt");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    for i in 0..n {
        writeln!(
            out,
            "<http://example.org/big/{i}> <http://example.org/p> \"value {i}\" ."
        )
        .unwrap();
    }
    out.flush().unwrap();
    path
}

#[test]
fn kill_9_during_a_bulk_load_leaves_the_old_data_or_the_new() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    common::load_into(&store, &["data/facts.ttl"]);
    let old = count(&store);
    const N: u64 = 600_000;
    let big = big_file(dir.path(), N as usize);
    // Kill at several points of the load; each time the store must hold
    // exactly the old data or the old plus all of the new.
    let mut killed_mid_load = 0;
    for delay_ms in [150, 600, 1_200, 2_500] {
        let mut child = bin()
            .args(["load", "--quiet", "--store"])
            .arg(&store)
            .arg(&big)
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        if child.try_wait().unwrap().is_none() {
            killed_mid_load += 1;
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let now = count(&store);
        assert!(
            now == old || now == old + N,
            "after kill -9 at {delay_ms} ms the store holds {now} triples: neither {old} nor {}",
            old + N
        );
        if now == old + N {
            break; // a later load would only add the same triples again
        }
    }
    assert!(killed_mid_load > 0, "every load ended before it was killed");
}

#[test]
fn kill_9_during_an_update_leaves_the_old_data_or_the_new() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    const N: u64 = 300_000;
    let big = big_file(dir.path(), N as usize);
    let out = run(&[
        "load",
        "--quiet",
        "--store",
        store.to_str().unwrap(),
        big.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let old = count(&store);
    let token = "faults-test-update-token";
    let server = Server::start(&[
        "--store",
        store.to_str().unwrap(),
        "--update-token",
        token,
        "--query-timeout",
        "60",
    ]);
    // One update that copies every triple into a new graph.
    let url = server.url.clone();
    let update = std::thread::spawn(move || {
        reqwest::blocking::Client::new()
            .post(format!("{url}/sparql"))
            .bearer_auth(token)
            .form(&[(
                "update",
                "INSERT { GRAPH <http://example.org/copy> { ?s ?p ?o } } WHERE { GRAPH ?g { ?s ?p ?o } }",
            )])
            .timeout(Duration::from_secs(60))
            .send()
    });
    std::thread::sleep(Duration::from_millis(300));
    let still_running = !update.is_finished();
    server.signal("KILL");
    drop(server);
    let _ = update.join();
    let now = count(&store);
    assert!(
        now == old || now == 2 * old,
        "after kill -9 during the update the store holds {now} triples: neither {old} nor {}",
        2 * old
    );
    assert!(
        still_running,
        "the update ended before the kill; make it bigger"
    );
}

#[test]
fn a_full_disk_gives_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let mount_point = dir.path().join("small");
    std::fs::create_dir(&mount_point).unwrap();
    // A 4 MB file system: mounting needs root (CI and this machine have it).
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=4m", "tmpfs"])
        .arg(&mount_point)
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("SKIPPED: cannot mount a small tmpfs here (needs root)");
        return;
    }
    struct Unmount<'a>(&'a Path);
    impl Drop for Unmount<'_> {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg(self.0).status();
        }
    }
    let _unmount = Unmount(&mount_point);
    let big = big_file(dir.path(), 200_000);
    let store = mount_point.join("store");
    let out = run(&[
        "load",
        "--quiet",
        "--store",
        store.to_str().unwrap(),
        big.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    let message = stderr(&out);
    assert!(!message.contains("panicked"), "{message}");
    assert!(message.contains("No space left on device"), "{message}");
    assert!(message.lines().count() <= 3, "{message}");
}

#[test]
fn a_store_directory_that_cannot_be_written_gives_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "not a directory").unwrap();
    // Under a regular file, and under /proc (unwritable even for root).
    for store in [
        file.join("store"),
        Path::new("/proc/dialogue-graph-store").to_owned(),
    ] {
        let out = run(&[
            "load",
            "--quiet",
            "--store",
            store.to_str().unwrap(),
            "data/facts.ttl",
        ]);
        assert!(!out.status.success());
        let message = stderr(&out);
        assert!(!message.contains("panicked"), "{message}");
        assert!(message.contains(store.to_str().unwrap()), "{message}");
    }
    // Serving from there fails at once, naming the path.
    let started = Instant::now();
    let store = file.join("store");
    let out = run(&[
        "serve",
        "--bind",
        "127.0.0.1:0",
        "--store",
        store.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    let message = stderr(&out);
    assert!(!message.contains("panicked"), "{message}");
    assert!(message.contains(store.to_str().unwrap()), "{message}");
    assert!(started.elapsed() < Duration::from_secs(30));
    // A directory that holds no store says how to make one.
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let out = run(&[
        "serve",
        "--bind",
        "127.0.0.1:0",
        "--store",
        empty.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("dialogue-graph load --store"),
        "{}",
        stderr(&out)
    );
}
