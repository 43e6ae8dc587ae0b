//! Embeds the reference data of `catalog/` in the binary, so `motcua` needs no files beside it.
//! A directory `rerun-if-changed` makes cargo notice added or removed files, not only edits.

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    let manifest =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let catalog = manifest
        .join("../../catalog")
        .canonicalize()
        .expect("catalog/ exists at the workspace root");
    println!("cargo:rerun-if-changed={}", catalog.display());
    // sqlx::migrate! embeds the migration trees; new files must trigger a rebuild too.
    println!("cargo:rerun-if-changed=migrations");
    let mut files = Vec::new();
    collect(&catalog, &catalog, &mut files);
    files.sort();
    let mut out = String::from(
        "/// Every `.toml` file under `catalog/`, by path relative to it.\npub(crate) static CATALOG_FILES: &[(&str, &str)] = &[\n",
    );
    for (relative, absolute) in files {
        writeln!(out, "    ({relative:?}, include_str!({absolute:?})),").expect("write to string");
    }
    out.push_str("];\n");
    let dest = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("catalog_files.rs");
    std::fs::write(dest, out).expect("write catalog_files.rs");
}

fn collect(root: &std::path::Path, dir: &std::path::Path, files: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).expect("read catalog dir") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            println!("cargo:rerun-if-changed={}", path.display());
            collect(root, &path, files);
        } else if path.extension().is_some_and(|e| e == "toml") {
            let relative = path
                .strip_prefix(root)
                .expect("under root")
                .to_string_lossy()
                .replace('\\', "/");
            files.push((relative, path.display().to_string()));
        }
    }
}
