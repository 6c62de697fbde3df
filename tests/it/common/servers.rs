//! Independent SigV4 verifiers started on 127.0.0.1 for the `interop` tests, and stopped
//! (killed) when their handle is dropped, and [`locate`] for the tools and clients the tests run. `scripts/install-verifiers.sh` installs them; the tests
//! find them through `AWSSIG_S3S_FS_BIN` / `AWSSIG_MOTO_PYTHON` or at the script's default place,
//! and fail with instructions when they are missing.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used)]

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running server process.
#[derive(Debug)]
pub struct Server {
    child: Child,
    pub addr: SocketAddr,
    dir: PathBuf,
}

impl Server {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Finds a tool: `$env` if set, else `default` if it exists; otherwise fails the test.
pub fn locate(env: &str, default: &str, what: &str) -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let path = std::env::var_os(env).map_or_else(|| manifest.join(default), PathBuf::from);
    if !path.is_file() {
        panic!(
            "{what} not found at {} (set {env}). The `interop` tests need it: install it with \
             `scripts/install-verifiers.sh`, which prints the variables to export, or run the \
             offline tests without `--features interop`. These tests never skip.",
            path.display()
        );
    }
    path
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn scratch(name: &str) -> PathBuf {
    let n = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("{name}-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Starts `cmd` (with `{port}` standing for the port) and waits until the port accepts.
fn start(name: &str, program: PathBuf, args: &[String], port: u16, dir: PathBuf) -> Server {
    let log = std::fs::File::create(dir.join("server.log")).unwrap();
    let child = Command::new(&program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", program.display()));
    let mut server = Server {
        child,
        addr: SocketAddr::from(([127, 0, 0, 1], port)),
        dir,
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if TcpStream::connect(server.addr).is_ok() {
            return server;
        }
        if let Ok(Some(status)) = server.child.try_wait() {
            panic!(
                "{name} exited with {status} before listening:\n{}",
                server.log()
            );
        }
        if Instant::now() > deadline {
            panic!(
                "{name} did not listen on {} within 60 s:\n{}",
                server.addr,
                server.log()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// s3s-fs with SigV4 checking on, serving an empty directory.
pub fn s3s_fs(access_key: &str, secret_key: &str) -> Server {
    let bin = locate(
        "AWSSIG_S3S_FS_BIN",
        "target/verifiers/bin/s3s-fs",
        "s3s-fs 0.14.1",
    );
    let port = free_port();
    let dir = scratch("s3s-fs");
    let root = dir.join("data");
    std::fs::create_dir_all(&root).unwrap();
    let args = [
        "--host".to_string(),
        "127.0.0.1".into(),
        "--port".into(),
        port.to_string(),
        "--access-key".into(),
        access_key.into(),
        "--secret-key".into(),
        secret_key.into(),
        root.to_string_lossy().into_owned(),
    ];
    start("s3s-fs", bin, &args, port, dir)
}

/// moto's server (all services), IAM checking off until switched on.
pub fn moto() -> Server {
    let python = locate(
        "AWSSIG_MOTO_PYTHON",
        "target/verifiers/moto/bin/python",
        "moto's Python",
    );
    let port = free_port();
    let args = [
        "-m".to_string(),
        "moto.server".into(),
        "-H".into(),
        "127.0.0.1".into(),
        "-p".into(),
        port.to_string(),
    ];
    start("moto", python, &args, port, scratch("moto"))
}
