//! Front-end files kept after a deploy (docs/adr/0006). A page the previous version
//! rendered names that version's content-hashed JS, WASM and CSS; a tab left open on it
//! may fetch them after the new binary has started (the storefront hydrates its islands
//! when the browser is idle; the dashboard loads its bundle on every page). At start-up
//! the built site's hashed files are copied into `<data dir>/pkg-archive` (those already
//! there are marked current), files that no build has used for [`KEEP`] are removed, and
//! `/pkg` serves from the archive what the current build does not have.

use crate::site::Site;
use anyhow::Context as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// How long a retired file stays servable: as long as an idle session lives.
pub const KEEP: Duration = Duration::from_secs(14 * 24 * 3600);

/// Archives the site's hashed files and prunes retired ones; returns the archive folder.
pub fn refresh(site: &Site, data_dir: &Path) -> anyhow::Result<PathBuf> {
    let archive = data_dir.join("pkg-archive");
    std::fs::create_dir_all(&archive)
        .with_context(|| format!("cannot create {}", archive.display()))?;
    let now = SystemTime::now();
    let builds =
        std::iter::once(site.root.join("pkg")).chain(site.admin.iter().map(|a| a.join("pkg")));
    for pkg in builds {
        for entry in
            std::fs::read_dir(&pkg).with_context(|| format!("cannot read {}", pkg.display()))?
        {
            let entry = entry?;
            let name = entry.file_name();
            if !entry.file_type()?.is_file() || !is_hashed(&name.to_string_lossy()) {
                continue;
            }
            let kept = archive.join(&name);
            if !kept.exists() {
                std::fs::copy(entry.path(), &kept)
                    .with_context(|| format!("cannot archive {}", name.to_string_lossy()))?;
            }
            std::fs::File::options()
                .write(true)
                .open(&kept)?
                .set_modified(now)?;
        }
    }
    for entry in std::fs::read_dir(&archive)? {
        let entry = entry?;
        let retired = entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|at| now.duration_since(at).unwrap_or_default() > KEEP);
        if retired {
            std::fs::remove_file(entry.path())?;
        }
    }
    Ok(archive)
}

/// `oxcart.<hash>.wasm`, `oxcart.<hash>.js.br`: the names cargo-leptos gives hashed files.
fn is_hashed(name: &str) -> bool {
    let mut parts = name.split('.');
    parts.next().is_some_and(|n| !n.is_empty())
        && parts.next().is_some_and(|hash| hash.len() >= 16)
        && parts
            .next()
            .is_some_and(|ext| matches!(ext, "js" | "wasm" | "css"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(dir: &Path, files: &[&str]) -> Site {
        let pkg = dir.join("site/pkg");
        std::fs::create_dir_all(&pkg).expect("pkg");
        for f in files {
            std::fs::write(pkg.join(f), f).expect("write");
        }
        Site {
            root: dir.join("site"),
            admin: None,
            hashed: true,
        }
    }

    #[test]
    fn the_previous_builds_files_stay_servable_until_retired() {
        let dir = tempfile::tempdir().expect("tmp");
        let data = dir.path().join("data");
        let old = site(
            dir.path(),
            &[
                "oxcart.AAAAAAAAAAAAAAAAAAAAAA.wasm",
                "oxcart.AAAAAAAAAAAAAAAAAAAAAA.wasm.br",
            ],
        );
        let archive = refresh(&old, &data).expect("refresh");
        std::fs::remove_dir_all(dir.path().join("site")).expect("deploy");
        let new = site(
            dir.path(),
            &["oxcart.BBBBBBBBBBBBBBBBBBBBBB.wasm", "robots.txt"],
        );
        refresh(&new, &data).expect("refresh");
        let kept = |f: &str| archive.join(f).exists();
        assert!(
            kept("oxcart.AAAAAAAAAAAAAAAAAAAAAA.wasm")
                && kept("oxcart.AAAAAAAAAAAAAAAAAAAAAA.wasm.br")
        );
        assert!(kept("oxcart.BBBBBBBBBBBBBBBBBBBBBB.wasm"));
        assert!(!kept("robots.txt"), "only hashed build files");

        // Retired longer than KEEP: gone at the next start.
        let long_ago = SystemTime::now() - KEEP - Duration::from_secs(60);
        std::fs::File::options()
            .write(true)
            .open(archive.join("oxcart.AAAAAAAAAAAAAAAAAAAAAA.wasm"))
            .and_then(|f| f.set_modified(long_ago))
            .expect("age");
        refresh(&new, &data).expect("refresh");
        assert!(!kept("oxcart.AAAAAAAAAAAAAAAAAAAAAA.wasm"));
        assert!(
            kept("oxcart.BBBBBBBBBBBBBBBBBBBBBB.wasm"),
            "the current build's files are kept"
        );
    }
}
