//! A real browser: headless Chromium (installed by tests/run.sh) loads the
//! pages as a reader would, the test checks the rendered text and follows a
//! link, and screenshots at phone and desktop widths are kept for people to
//! look at (in `$CARGO_TARGET_DIR/screenshots`, or `target/screenshots`).

use crate::common;

use std::path::PathBuf;
use std::process::Command;

use crate::common::Server;

fn chromium() -> Option<String> {
    let candidate =
        std::env::var("DIALOGUE_GRAPH_CHROMIUM").unwrap_or_else(|_| "chromium".to_owned());
    let ok = Command::new(&candidate)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    ok.then_some(candidate)
}

struct Browser {
    program: String,
    profile: tempfile::TempDir,
}

impl Browser {
    fn start() -> Browser {
        // A missing browser fails the test: it never passes unrun.
        let Some(program) = chromium() else {
            panic!(
                "no Chromium that runs: run tests/run.sh (which installs it), or set DIALOGUE_GRAPH_CHROMIUM"
            );
        };
        Browser {
            program,
            profile: tempfile::tempdir().unwrap(),
        }
    }

    fn command(&self, width: u32, height: u32) -> Command {
        let mut command = Command::new(&self.program);
        command.args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--virtual-time-budget=8000",
        ]);
        command.arg(format!("--user-data-dir={}", self.profile.path().display()));
        command.arg(format!("--window-size={width},{height}"));
        command
    }

    /// The page's DOM after its scripts ran.
    fn dom(&self, url: &str) -> String {
        let out = self
            .command(1280, 900)
            .arg("--dump-dom")
            .arg(url)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn screenshot(&self, url: &str, name: &str, width: u32, height: u32) {
        let dir = std::env::var("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|_| common::repo().join("target"))
            .join("screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join(format!("{name}.png"));
        let out = self
            .command(width, height)
            .arg(format!("--screenshot={}", file.display()))
            .arg(url)
            .output()
            .unwrap();
        assert!(
            out.status.success() && file.exists(),
            "no screenshot of {url}"
        );
        assert!(
            std::fs::metadata(&file).unwrap().len() > 10_000,
            "{name}: an empty screenshot"
        );
    }
}

/// The text between the first `<h1...>` and `</h1>`.
fn h1(dom: &str) -> String {
    let start = dom.find("<h1").unwrap();
    let start = start + dom[start..].find('>').unwrap() + 1;
    dom[start..start + dom[start..].find("</h1>").unwrap()].to_owned()
}

#[test]
fn pages_read_right_in_a_real_browser() {
    let browser = Browser::start();
    let server = Server::start(&[]);
    let url = |path: &str| format!("{}{path}", server.url);

    let home = browser.dom(&url("/"));
    assert!(h1(&home).contains("High-Level Dialogue between the CPC and World Political Parties"));
    assert!(home.contains("href=\"/page/event/cpc-world-political-parties-dialogue-2017\""));

    // An entity page in English: names, dates, a quoted sentence, links.
    let event = browser.dom(&url(
        "/page/event/cpc-world-political-parties-dialogue-2017",
    ));
    assert_eq!(
        h1(&event),
        "Meeting of High-Level Dialogue Between the CPC and World Political Parties"
    );
    assert!(event.contains("2017-11-30") && event.contains("2017-12-03"));
    assert!(event.contains("Delegates representing more than 200 political parties and political organizations from over 120 countries attended the meeting."));
    // Follow a link from the page to another entity page, as a reader would.
    let href = "/page/place/beijing";
    assert!(event.contains(&format!("href=\"{href}\"")));
    let beijing = browser.dom(&url(href));
    assert_eq!(h1(&beijing), "Beijing");
    assert!(beijing.contains("lang=\"zh-Hans\">北京"));

    // The neighbourhood diagram's nodes lead to the right pages: follow one.
    let diagram = &event[event
        .find("<figure class=\"diagram\">")
        .expect("no diagram")..];
    let node = "/page/organization/cpc-international-department";
    assert!(diagram.contains(&format!("href=\"{node}\"")));
    let organiser = browser.dom(&url(node));
    assert_eq!(
        h1(&organiser),
        "International Department of the Central Committee of the CPC"
    );
    assert!(event.contains("<figure class=\"timeline\">"));

    // The same entity in Chinese.
    let zh = browser.dom(&url(
        "/page/event/cpc-world-political-parties-dialogue-2017?lang=zh",
    ));
    assert!(zh.contains("<html lang=\"zh-Hans\">"));
    assert_eq!(h1(&zh), "中国共产党与世界政党高层对话会");
    assert!(zh.contains("于2017年11 月30日至12月3日在北京举行"));
    assert!(zh.contains("开始日期"));

    // A class page lists its members.
    let events = browser.dom(&url("/class/schema:Event"));
    assert!(events.contains("19th CPC National Congress") && events.contains("Opening session"));

    // The query editor: a linked query opens in YASGUI and runs.
    let query = std::fs::read_to_string(common::repo().join("queries/04-topics.rq")).unwrap();
    let editor_url = format!(
        "{}/sparql?query={}",
        server.url,
        percent_encoding::utf8_percent_encode(&query, percent_encoding::NON_ALPHANUMERIC)
    );
    let editor = browser.dom(&editor_url);
    assert!(
        editor.contains("Which topics were discussed"),
        "the examples list is missing"
    );
    assert!(
        editor.contains("Promoting Innovation Across the World: Role of China"),
        "the query did not run in the editor"
    );

    // A GROUP BY result seen as a chart in the editor.
    let counts =
        std::fs::read_to_string(common::repo().join("queries/18-facts-per-sentence.rq")).unwrap();
    let chart_url = format!(
        "{}/sparql?view=chart&query={}",
        server.url,
        percent_encoding::utf8_percent_encode(&counts, percent_encoding::NON_ALPHANUMERIC)
    );
    let chart = browser.dom(&chart_url);
    assert!(
        chart.contains("aria-label=\"Bar chart of facts by sentence\" data-points=\"18\""),
        "the chart view did not draw the 18 rows"
    );
    browser.screenshot(&chart_url, "sparql-chart-desktop", 1280, 1400);
    browser.screenshot(&chart_url, "sparql-chart-phone", 390, 1600);

    for (name, path) in [
        ("home", "/".to_owned()),
        (
            "event-en",
            "/page/event/cpc-world-political-parties-dialogue-2017".to_owned(),
        ),
        (
            "event-zh",
            "/page/event/cpc-world-political-parties-dialogue-2017?lang=zh".to_owned(),
        ),
        (
            "keynote-en",
            "/page/speech/joining-hands-to-build-a-better-world".to_owned(),
        ),
        ("class-event", "/class/schema:Event".to_owned()),
        ("dumps", "/dumps/".to_owned()),
    ] {
        browser.screenshot(&url(&path), &format!("{name}-desktop"), 1280, 1600);
        browser.screenshot(&url(&path), &format!("{name}-phone"), 390, 1600);
    }
    browser.screenshot(&editor_url, "sparql-editor-desktop", 1280, 1400);
}
