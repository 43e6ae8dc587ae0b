//! The `motcua` binary as an operator uses it: first start with no configuration beyond a data
//! folder and a port, the subcommands, and clear failures on bad configuration.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn motcua(data_dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_motcua"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("MOTCUA_DATA_DIR", data_dir)
        .env("MOTCUA_LOG", "warn")
        .current_dir(data_dir);
    cmd
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A plain HTTP/1.1 GET, so the test needs no client library.
fn get(port: u16, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status line");
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `motcua serve` and waits for the line announcing its address.
fn serve(data_dir: &std::path::Path, port: u16) -> (Server, Vec<String>) {
    let mut child = motcua(data_dir)
        .arg("serve")
        .env("MOTCUA_LISTEN", format!("127.0.0.1:{port}"))
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn motcua");
    let stdout = child.stdout.take().expect("stdout");
    let server = Server(child);
    let mut lines = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut reader = BufReader::new(stdout);
    while Instant::now() < deadline {
        let mut line = String::new();
        if reader.read_line(&mut line).expect("read stdout") == 0 {
            break;
        }
        lines.push(line.trim_end().to_owned());
        if line.starts_with("attachments:") {
            return (server, lines);
        }
    }
    panic!("motcua did not start: {lines:?}");
}

#[test]
fn first_start_migrates_seeds_and_serves_on_the_configured_address() {
    let dir = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let (_server, lines) = serve(dir.path(), port);
    let all = lines.join("\n");
    assert!(all.contains(&format!("http://127.0.0.1:{port}/")), "{all}");
    assert!(all.contains("motcua.db"), "{all}");
    assert!(all.contains("first start: loaded"), "{all}");
    assert!(
        all.contains("demonstration officers") && all.contains("tiepnhan.xa"),
        "the embedded default prints its demonstration accounts: {all}"
    );
    assert!(dir.path().join("motcua.db").exists());
    assert!(dir.path().join("attachments").is_dir());

    let (status, body) = get(port, "/healthz");
    assert_eq!(status, 200, "{body}");
    let (status, body) = get(
        port,
        "/api/v1/procedures?q=dang%20ky%20ket%20hon&per_page=1",
    );
    assert_eq!(status, 200);
    assert!(body.contains("\"name\":\"Đăng ký kết hôn\""), "{body}");
}

#[test]
fn seed_and_calendar_commands_report_what_they_did() {
    let dir = tempfile::tempdir().expect("tempdir");
    let seed = motcua(dir.path()).arg("seed").output().expect("seed");
    assert!(seed.status.success());
    let out = String::from_utf8_lossy(&seed.stdout);
    assert!(
        out.starts_with("loaded ") && out.contains("procedures"),
        "{out}"
    );

    let set = motcua(dir.path())
        .args(["calendar", "set", "2026-02-07", "working_day", "Làm bù Tết"])
        .output()
        .expect("set");
    assert!(
        set.status.success(),
        "{}",
        String::from_utf8_lossy(&set.stderr)
    );
    let list = motcua(dir.path())
        .args(["calendar", "list", "2026"])
        .output()
        .expect("list");
    let listed = String::from_utf8_lossy(&list.stdout);
    assert!(
        listed.contains("2026-02-07  working_day   admin"),
        "{listed}"
    );
    assert!(listed.contains("2026-02-17  holiday"), "{listed}");

    let unset = motcua(dir.path())
        .args(["calendar", "unset", "2026-02-07"])
        .output()
        .expect("unset");
    assert!(String::from_utf8_lossy(&unset.stdout).contains("withdrawn"));
    let bad = motcua(dir.path())
        .args(["calendar", "set", "2026-02-30", "holiday", "x"])
        .output()
        .expect("bad date");
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("YYYY-MM-DD"));
}

#[test]
fn a_bad_configuration_value_stops_with_a_clear_message() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = motcua(dir.path())
        .arg("migrate")
        .env("MOTCUA_LISTEN", "not-an-address")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("invalid configuration") && err.contains("MOTCUA_") && err.contains("LISTEN"),
        "{err}"
    );
    let out = motcua(dir.path())
        .arg("migrate")
        .env("MOTCUA_DATABASE_URL", "mysql://localhost/x")
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("use sqlite://… or postgres://…"));
}

#[test]
fn audit_verify_passes_on_a_fresh_database_and_checkpoints_are_recorded() {
    let dir = tempfile::tempdir().expect("tempdir");
    let verify = motcua(dir.path())
        .args(["audit", "verify"])
        .output()
        .expect("verify");
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stderr)
    );
    assert!(String::from_utf8_lossy(&verify.stdout).contains("the audit chain verifies"));
    let checkpoint = motcua(dir.path())
        .args(["audit", "checkpoint"])
        .output()
        .expect("checkpoint");
    assert!(String::from_utf8_lossy(&checkpoint.stdout).contains("checkpoint 1 recorded"));
    let again = motcua(dir.path())
        .args(["audit", "verify"])
        .output()
        .expect("verify");
    assert!(String::from_utf8_lossy(&again.stdout).contains("1 checkpoints"));
}
