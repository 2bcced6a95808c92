//! The server under test, as a child process on a free port with a fresh
//! data directory: Fieldbook's relay (the `sync-server` binary, or `bench
//! relay` running the same `sync_server::run`) or the reference
//! JavaScript automerge-repo server (`bench/reference/server.mjs`), and its
//! CPU time and memory read from `/proc`.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use super::LoadError;

/// Which server a run is against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Fieldbook,
    Reference,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Fieldbook => "Fieldbook",
            Kind::Reference => "reference",
        }
    }
}

/// A running server; killed when dropped.
pub struct Server {
    child: Child,
    pub url: String,
    _data: tempfile::TempDir,
}

/// A process's CPU time so far and its memory.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProcStats {
    pub cpu: Duration,
    /// Resident memory now (VmRSS), KiB.
    pub rss_kib: u64,
    /// Peak resident memory (VmHWM), KiB.
    pub peak_kib: u64,
}

/// Where the reference server lives.
pub fn reference_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("reference")
}

/// Run `npm install` in the reference directory unless its node_modules is
/// there and newer than package.json.
pub fn ensure_reference_installed() -> Result<(), LoadError> {
    let dir = reference_dir();
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let installed = modified(&dir.join("node_modules/.package-lock.json"));
    if installed.is_some() && installed >= modified(&dir.join("package.json")) {
        return Ok(());
    }
    eprintln!("bench: npm install in {}", dir.display());
    let status = Command::new("npm")
        .args(["install", "--no-audit", "--no-fund"])
        .current_dir(&dir)
        .stdout(Stdio::null())
        .status()
        .map_err(|e| LoadError::Server(format!("npm install: {e}")))?;
    if !status.success() {
        return Err(LoadError::Server(format!("npm install failed: {status}")));
    }
    Ok(())
}

impl Server {
    /// Start `kind`; `bench` is this benchmark's executable (for
    /// `bench relay`). Returns once the server says it is listening.
    pub fn start(kind: Kind, bench: &Path) -> Result<Self, LoadError> {
        let data = tempfile::tempdir().map_err(|e| LoadError::Server(e.to_string()))?;
        let mut command = match kind {
            Kind::Fieldbook => {
                // The `sync-server` binary when it was built beside this
                // one, else the same relay run by `bench relay`.
                let binary = bench.with_file_name("sync-server");
                let mut c = if binary.is_file() {
                    Command::new(binary)
                } else {
                    let mut c = Command::new(bench);
                    c.arg("relay");
                    c
                };
                c.args(["--listen", "127.0.0.1:0", "--data"])
                    .arg(data.path());
                c
            }
            Kind::Reference => {
                let mut c = Command::new("node");
                c.arg(reference_dir().join("server.mjs"))
                    .arg("0")
                    .arg(data.path());
                c
            }
        };
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            // BENCH_SERVER_STDERR=FILE keeps the server's stderr.
            .stderr(match std::env::var_os("BENCH_SERVER_STDERR") {
                Some(path) => std::fs::File::create(path)?.into(),
                None => Stdio::null(),
            })
            .spawn()
            .map_err(|e| LoadError::Server(format!("cannot start {}: {e}", kind.name())))?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| LoadError::Server("no stdout".into()))?;
        let mut lines = BufReader::new(stdout).lines();
        let first = match lines.next() {
            Some(Ok(line)) => line,
            _ => {
                let _ = child.kill();
                return Err(LoadError::Server(format!("{} did not start", kind.name())));
            }
        };
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        let url = match kind {
            Kind::Fieldbook => first.rsplit(' ').next().unwrap_or_default().to_owned(),
            Kind::Reference => format!(
                "ws://127.0.0.1:{}/",
                first.trim_start_matches("listening ").trim()
            ),
        };
        if !url.starts_with("ws://") || url.ends_with(":/") {
            let _ = child.kill();
            return Err(LoadError::Server(format!(
                "unexpected first line `{first}`"
            )));
        }
        if std::env::var_os("BENCH_SERVER_STDERR").is_some() {
            eprintln!("bench load: {} at {url}", kind.name());
        }
        Ok(Server {
            child,
            url,
            _data: data,
        })
    }

    pub fn stats(&self) -> ProcStats {
        proc_stats(self.child.id()).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(Some(status)) = self.child.try_wait() {
            eprintln!(
                "bench load: the server at {} had exited: {status}",
                self.url
            );
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// CPU time (utime + stime) and memory of process `pid`.
pub fn proc_stats(pid: u32) -> Option<ProcStats> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 of `rest`.
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kib = |key: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    };
    Some(ProcStats {
        // The kernel reports in USER_HZ, 100 a second on Linux.
        cpu: Duration::from_millis(ticks * 10),
        rss_kib: kib("VmRSS:"),
        peak_kib: kib("VmHWM:"),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn this_process_has_cpu_and_memory() {
        let stats = super::proc_stats(std::process::id()).expect("own /proc entry");
        assert!(stats.rss_kib > 0 && stats.peak_kib >= stats.rss_kib);
    }
}
