//! Embeds the migrations. sqlx's `migrate!` macro would do it, but it needs sqlx's
//! `migrate` feature, which drags sqlx-mysql into Cargo.lock (see the workspace
//! Cargo.toml); this lists `migrations/<backend>/<version>_<name>.sql` the same way, and
//! `db::dialect` builds a `Migrator` from it with the checksums sqlx would compute.
//!
//! Nothing here names an absolute path: the checkouts of this machine share one
//! CARGO_TARGET_DIR (.ci/run), cargo shares a workspace crate's build script and its
//! output between them, and a path written by one checkout's run would embed that
//! checkout's files in another's build (or fail to compile once it is gone). The list
//! names the files; the app crate includes them from its own `CARGO_MANIFEST_DIR`.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=../migrations");
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let root = Path::new(&manifest_dir).join("../migrations");
    let mut out = String::new();
    for backend in ["sqlite", "postgres"] {
        let dir = root.join(backend);
        println!("cargo:rerun-if-changed=../migrations/{backend}");
        let mut files: Vec<(i64, String, String)> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
            .filter_map(Result::ok)
            .filter_map(|entry| {
                let name = entry.file_name().to_string_lossy().into_owned();
                let (version, rest) = name.split_once('_')?;
                let description = rest.strip_suffix(".sql")?.replace('_', " ");
                let version = version
                    .parse()
                    .unwrap_or_else(|_| panic!("{name}: the version must be a number"));
                Some((version, description, name))
            })
            .collect();
        files.sort();
        let _ = writeln!(
            out,
            "pub const {}: &[(i64, &str, &str)] = &[",
            backend.to_uppercase()
        );
        for (version, description, name) in files {
            let path = format!("/../migrations/{backend}/{name}");
            let _ = writeln!(
                out,
                "    ({version}, {description:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), {path:?}))),"
            );
        }
        out.push_str("];\n");
    }
    let dest = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("migrations.rs");
    std::fs::write(dest, out).expect("write migrations.rs");
}
