//! The app shell's service worker, made for the build being served: its
//! version is a hash of the build's `index.html` and it lists every file of
//! the build, so each new build installs as a new worker with a cache of its
//! own (see `shell/sw.js`).

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

const TEMPLATE: &str = include_str!("shell/sw.js");
/// Where the worker is served (and the one file of the build it never caches).
pub const WORKER_PATH: &str = "/sw.js";

/// The worker script for the build in `dist`.
pub fn worker_script(dist: &Path) -> std::io::Result<String> {
    let index = std::fs::read(dist.join("index.html"))?;
    let mut hasher = DefaultHasher::new();
    index.hash(&mut hasher);
    let mut files = Vec::new();
    list_files(dist, dist, &mut files)?;
    files.sort();
    let shell: Vec<String> = files
        .iter()
        .filter(|f| f.as_str() != WORKER_PATH)
        .map(|f| format!("{f:?}"))
        .collect();
    Ok(TEMPLATE
        .replace("__VERSION__", &format!("{:016x}", hasher.finish()))
        .replace("__SHELL__", &format!("[{}]", shell.join(", "))))
}

/// Every file under `dir`, as a URL path from `root` ("/app-1a2b.js").
fn list_files(root: &Path, dir: &Path, out: &mut Vec<String>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path: PathBuf = entry?.path();
        if path.is_dir() {
            list_files(root, &path, out)?;
        } else if let Ok(relative) = path.strip_prefix(root) {
            let parts: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            out.push(format!("/{}", parts.join("/")));
        }
    }
    Ok(())
}

/// `GET /sw.js`: never cached by the browser, so an update is seen at once.
pub async fn serve_worker(dist: PathBuf) -> Response {
    match tokio::task::spawn_blocking(move || worker_script(&dist)).await {
        Ok(Ok(script)) => (
            [
                (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
                (header::CACHE_CONTROL, "no-cache"),
            ],
            script,
        )
            .into_response(),
        Ok(Err(e)) => {
            tracing::warn!("cannot make the service worker: {e}");
            (StatusCode::NOT_FOUND, "no app build to serve").into_response()
        }
        Err(e) => {
            tracing::warn!("cannot make the service worker: {e}");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worker_lists_the_build_and_changes_with_it() {
        let dist = tempfile::tempdir().expect("dir");
        std::fs::write(dist.path().join("index.html"), "<html>build 1</html>").expect("index");
        std::fs::write(dist.path().join("app-1.js"), "js").expect("js");
        std::fs::create_dir(dist.path().join("snippets")).expect("dir");
        std::fs::write(dist.path().join("snippets/x.js"), "x").expect("snippet");
        let first = worker_script(dist.path()).expect("script");
        assert!(
            first.contains(r#"const SHELL = ["/app-1.js", "/index.html", "/snippets/x.js"];"#),
            "{first}"
        );
        assert!(!first.contains("__VERSION__"));
        std::fs::write(dist.path().join("index.html"), "<html>build 2</html>").expect("index");
        let second = worker_script(dist.path()).expect("script");
        assert_ne!(first, second, "a new build is a new worker");
        assert!(worker_script(Path::new("/no/such/build")).is_err());
    }
}
