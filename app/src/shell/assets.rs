//! The built site's file names and the boot scripts, read and written once per process
//! (server only). cargo-leptos gives the CSS, JS and WASM content-hashed names and lists
//! them next to the binary: `hash.txt` for the storefront's bundle, `admin-hash.txt` for
//! the staff dashboard's (docs/adr/0006). Leptos' `HashedStylesheet` and
//! `HydrationScripts` (leptos 0.8.23, leptos_meta 0.8.7) read `hash.txt` from disk on
//! every page they render; this reads it once.

use super::Bundle;
use leptos::config::LeptosOptions;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The addresses of one bundle's files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Files {
    pub css: String,
    pub js: String,
    pub wasm: String,
}

/// Both bundles, and the scripts that start them.
#[derive(Debug)]
pub struct Assets {
    pub store: Files,
    pub admin: Files,
    store_boot: String,
    admin_boot: String,
}

/// Shown when a bundle cannot start (most often: the shop was updated since the page
/// was loaded and the old files are gone). Storefront pages still work without it.
const STALE: &str = "<div class=\"stale\" role=\"alert\" data-testid=\"stale-bundle\">This page is out of date. <a href=\"\">Reload</a></div>";

impl Assets {
    /// The assets of this process's site, read on the first call.
    pub fn get(options: &LeptosOptions) -> &'static Assets {
        static ASSETS: OnceLock<Assets> = OnceLock::new();
        ASSETS.get_or_init(|| {
            let read = |name: &str| {
                options
                    .hash_files
                    .then(|| next_to_binary(name))
                    .and_then(|path| std::fs::read_to_string(path).ok())
                    .unwrap_or_default()
            };
            Self::new(
                Files::from_hashes(options, &read("hash.txt")),
                Files::from_hashes(options, &read("admin-hash.txt")),
            )
        })
    }

    fn new(store: Files, admin: Files) -> Self {
        let stale = format!("document.body.insertAdjacentHTML('beforeend','{STALE}')");
        // The storefront: the module, then each island by name (parents before the
        // islands inside their children, which inherit their context), then the mark
        // the browser tests wait for. Hydrating islands is not urgent: it waits for an
        // idle moment, so the page is interactive as plain HTML first.
        let store_boot = format!(
            "(()=>{{const go=()=>import({js:?}).then(async m=>{{await m.default({{module_or_path:{wasm:?}}});m.hydrate();\
             const walk=async(n,cbs)=>{{for(const c of n.children){{const t=c.tagName;\
             if(t==='LEPTOS-ISLAND'){{const cb=cbs[cbs.length-1];if(cb)cb();const f=m[c.dataset.component];if(f)await f(c);await walk(c,cbs)}}\
             else if(t==='LEPTOS-CHILDREN'){{cbs.push(c.$$on_hydrate);await walk(c,cbs);cbs.pop()}}else await walk(c,cbs)}}}};\
             await walk(document.body,[]);document.querySelector('.app')?.setAttribute('data-hydrated','true')}}).catch(()=>{{{stale}}});\
             'requestIdleCallback' in window?requestIdleCallback(go,{{timeout:1500}}):setTimeout(go,1)}})()",
            js = store.js,
            wasm = store.wasm,
        );
        let admin_boot = format!(
            "import({js:?}).then(m=>m.default({{module_or_path:{wasm:?}}}).then(()=>m.hydrate())).catch(()=>{{{stale}}})",
            js = admin.js,
            wasm = admin.wasm,
        );
        Self {
            store,
            admin,
            store_boot,
            admin_boot,
        }
    }

    pub fn files(&self, bundle: Bundle) -> &Files {
        match bundle {
            Bundle::Store => &self.store,
            Bundle::Admin => &self.admin,
        }
    }

    /// The module script that starts `bundle` on the page.
    pub fn boot_script(&self, bundle: Bundle) -> &str {
        match bundle {
            Bundle::Store => &self.store_boot,
            Bundle::Admin => &self.admin_boot,
        }
    }
}

impl Files {
    fn from_hashes(options: &LeptosOptions, hashes: &str) -> Self {
        let hash_of = |kind: &str| {
            hashes.lines().find_map(|line| {
                let (file, hash) = line.split_once(':')?;
                (file.trim() == kind).then(|| hash.trim().to_owned())
            })
        };
        let pkg = format!("/{}", options.site_pkg_dir);
        let name = &options.output_name;
        // cargo-leptos writes `<name>.<kind>`, and `<name>.<hash>.<kind>` when hashing.
        let named = |kind: &str| match hash_of(kind) {
            Some(hash) => format!("{pkg}/{name}.{hash}.{kind}"),
            None => format!("{pkg}/{name}.{kind}"),
        };
        Self {
            css: named("css"),
            js: named("js"),
            wasm: named("wasm"),
        }
    }
}

/// A file cargo-leptos writes next to the running binary.
fn next_to_binary(name: &str) -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
        .unwrap_or_default()
        .join(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> LeptosOptions {
        LeptosOptions::builder()
            .output_name("oxcart")
            .site_root("/nonexistent")
            .site_pkg_dir("pkg")
            .hash_files(true)
            .build()
    }

    #[test]
    fn hashed_names_come_from_the_hash_file() {
        let files = Files::from_hashes(&options(), "js: abc\nwasm: def\ncss: ghi\n");
        assert_eq!(files.js, "/pkg/oxcart.abc.js");
        assert_eq!(files.wasm, "/pkg/oxcart.def.wasm");
        assert_eq!(files.css, "/pkg/oxcart.ghi.css");
    }

    #[test]
    fn without_a_hash_file_the_plain_names_are_used() {
        let files = Files::from_hashes(&options(), "");
        assert_eq!(files.js, "/pkg/oxcart.js");
        assert_eq!(files.wasm, "/pkg/oxcart.wasm");
        assert_eq!(files.css, "/pkg/oxcart.css");
    }

    #[test]
    fn each_bundle_boots_its_own_files_and_offers_a_reload_when_they_fail() {
        let store = Files::from_hashes(&options(), "js: s1\nwasm: s2\ncss: s3\n");
        let admin = Files::from_hashes(&options(), "js: a1\nwasm: a2\ncss: a3\n");
        let assets = Assets::new(store, admin);
        let store = assets.boot_script(Bundle::Store);
        assert!(
            store.contains("\"/pkg/oxcart.s1.js\"") && store.contains("\"/pkg/oxcart.s2.wasm\"")
        );
        assert!(store.contains("LEPTOS-ISLAND") && !store.contains("a1"));
        let admin = assets.boot_script(Bundle::Admin);
        assert!(
            admin.contains("\"/pkg/oxcart.a1.js\"") && admin.contains("\"/pkg/oxcart.a2.wasm\"")
        );
        for script in [store, admin] {
            assert!(script.contains("stale-bundle"), "{script}");
            assert!(
                !script.contains("</script"),
                "nothing in it closes the script element"
            );
        }
    }
}
