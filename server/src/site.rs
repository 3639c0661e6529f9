//! Where the built site (`pkg/` with the JS, WASM and CSS) is, and whether its file
//! names carry content hashes. Run from the repository root, the release binary finds
//! `target/site` by itself; in the Docker image it finds `site/` next to itself. The staff
//! dashboard's bundle is built into a site of its own beside it (`<site>-admin`,
//! docs/adr/0006); both are served under `/pkg`.

use crate::config::Config;
use std::path::{Path, PathBuf};

/// The name of the file cargo-leptos writes next to the binary when `hash-files` is on.
const HASH_FILE: &str = "hash.txt";

#[derive(Clone, Debug)]
pub struct Site {
    pub root: PathBuf,
    /// The dashboard's site, when it was built.
    pub admin: Option<PathBuf>,
    /// Asset names carry content hashes: safe to cache for a year.
    pub hashed: bool,
}

/// The site folder: `LEPTOS_SITE_ROOT` when set, else the first of `<exe dir>/site`,
/// `<exe dir>/../site` (target/release → target/site) and `./target/site` that holds a
/// `pkg` folder. `None` when no build is found: pages still render, without hydration.
pub fn locate(config: &Config) -> Option<Site> {
    let exe_dir = std::env::current_exe()
        .ok()
        .and_then(|p| p.parent().map(Path::to_path_buf));
    let mut candidates = Vec::new();
    if let Some(root) = &config.site_root {
        candidates.push(root.clone());
    }
    if let Some(dir) = &exe_dir {
        candidates.push(dir.join("site"));
        candidates.push(dir.join("..").join("site"));
    }
    candidates.push(PathBuf::from("target/site"));
    let root = candidates.into_iter().find(|c| c.join("pkg").is_dir())?;
    let hashed = exe_dir.is_some_and(|d| d.join(HASH_FILE).is_file());
    let admin = admin_site_of(&root).filter(|a| a.join("pkg").is_dir());
    Some(Site {
        root,
        admin,
        hashed,
    })
}

/// `target/site` → `target/site-admin`.
pub fn admin_site_of(root: &Path) -> Option<PathBuf> {
    let name = root.file_name()?.to_str()?;
    Some(root.with_file_name(format!("{name}-admin")))
}
