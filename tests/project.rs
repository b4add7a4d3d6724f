//! Facts about the project a newcomer relies on: the Rust version it states
//! is the one its lock file needs, and the licence files it names exist.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn manifest() -> toml::Value {
    read(&root().join("Cargo.toml")).parse().expect("Cargo.toml parses")
}

/// "1.89" or "1.89.0" as (1, 89, 0).
fn version(v: &str) -> (u32, u32, u32) {
    let mut parts = v.trim().split('.').map(|p| {
        p.parse::<u32>()
            .unwrap_or_else(|_| panic!("{v:?} is not a Rust version"))
    });
    let major = parts.next().unwrap_or(0);
    let minor = parts.next().unwrap_or(0);
    let patch = parts.next().unwrap_or(0);
    (major, minor, patch)
}

fn cargo(args: &[&str]) -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let out = Command::new(&cargo)
        .args(args)
        .current_dir(root())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cargo}: {e}"));
    assert!(
        out.status.success(),
        "cargo {} failed: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("cargo prints UTF-8")
}

/// The packages built for this machine by `cargo build` and `cargo test`
/// (normal, build and dev dependencies, with the features the lock file
/// resolves), as (name, version), from `cargo tree`.
fn built_packages() -> Vec<(String, String)> {
    let tree = cargo(&[
        "tree",
        "--locked",
        "--offline",
        "--edges",
        "normal,build,dev",
        "--prefix",
        "none",
        "--format",
        "{p}",
    ]);
    let mut seen: Vec<(String, String)> = tree
        .lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let name = words.next()?;
            let version = words.next()?.strip_prefix('v')?;
            Some((name.to_string(), version.to_string()))
        })
        .collect();
    seen.sort();
    seen.dedup();
    seen
}

/// The machine's target triple, from `rustc -vV`.
fn host() -> String {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_string());
    let out = Command::new(&rustc)
        .arg("-vV")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {rustc}: {e}"));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .expect("rustc -vV names the host")
        .to_string()
}

/// `rust_version` of every package in the lock file that this machine
/// builds, from `cargo metadata` (packages for other platforms are never
/// downloaded here, so their manifests cannot be read offline).
fn declared_rust_versions() -> HashMap<(String, String), Option<String>> {
    let host = host();
    let meta = cargo(&[
        "metadata",
        "--format-version",
        "1",
        "--locked",
        "--offline",
        "--filter-platform",
        &host,
    ]);
    let meta: serde_json::Value = serde_json::from_str(&meta).expect("cargo metadata prints JSON");
    meta["packages"]
        .as_array()
        .expect("cargo metadata lists packages")
        .iter()
        .map(|p| {
            let key = (
                p["name"].as_str().unwrap().to_string(),
                p["version"].as_str().unwrap().to_string(),
            );
            (key, p["rust_version"].as_str().map(str::to_string))
        })
        .collect()
}

fn stated_rust_version() -> String {
    manifest()["package"]["rust-version"]
        .as_str()
        .expect("Cargo.toml states package.rust-version")
        .to_string()
}

/// No package that `cargo build` or `cargo test` compiles for this machine
/// asks for a newer Rust than `rust-version`: updating Cargo.lock to a
/// dependency that needs a newer compiler fails here, not on a newcomer's
/// machine. And `rust-version` is not higher than the lock file needs unless
/// the project's own code needs it (clippy's `incompatible_msrv` lint, run
/// by CI with `-D warnings`, checks the standard library items it uses
/// against `rust-version`).
#[test]
fn lock_file_needs_no_newer_rust_than_rust_version() {
    let stated = stated_rust_version();
    let declared = declared_rust_versions();
    let built = built_packages();
    assert!(
        built.len() > 50 && built.iter().any(|(n, _)| n == "tower-lsp-server"),
        "cargo tree listed {} packages: {built:?}",
        built.len()
    );
    let mut needs: Vec<(String, String, String)> = built
        .iter()
        .filter(|(name, _)| name != env!("CARGO_PKG_NAME"))
        .filter_map(|key| {
            let rv = declared
                .get(key)
                .unwrap_or_else(|| panic!("{key:?} not in cargo metadata"));
            rv.as_ref().map(|rv| (rv.clone(), key.0.clone(), key.1.clone()))
        })
        .collect();
    needs.sort_by_key(|(rv, _, _)| std::cmp::Reverse(version(rv)));
    let (highest, name, ver) = needs.first().expect("some dependency states a rust-version");
    let too_new: Vec<String> = needs
        .iter()
        .filter(|(rv, _, _)| version(rv) > version(&stated))
        .map(|(rv, n, v)| format!("{n} {v} needs Rust {rv}"))
        .collect();
    assert!(
        too_new.is_empty(),
        "Cargo.toml says rust-version = {stated:?}, but the lock file builds {}: raise rust-version \
         (and the README) or pin older versions",
        too_new.join(", ")
    );
    // The project's own code needs nothing newer than its dependencies: with
    // rust-version lowered to 1.70, the newest item clippy's
    // incompatible_msrv lint found was `is_multiple_of` (1.87), and the code
    // uses no language feature newer than that; so the true minimum is the
    // dependencies' one.
    assert_eq!(
        version(&stated),
        version(highest),
        "rust-version = {stated:?} is not the true minimum: the newest Rust a dependency needs is \
         {highest} ({name} {ver})"
    );
}

/// Every "Rust 1.NN" a newcomer reads in the READMEs is `rust-version`.
#[test]
fn readmes_state_rust_version() {
    let stated = stated_rust_version();
    let re = regex::Regex::new(r"\bRust (\d+\.\d+(?:\.\d+)?)").unwrap();
    let mut files = vec![root().join("README.md"), root().join("ARCHITECTURE.md")];
    for dir in ["editors", "docs"] {
        let mut stack = vec![root().join(dir)];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap().flatten() {
                let p = e.path();
                if p.file_name().is_some_and(|n| n == "node_modules") {
                    continue;
                }
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "md") {
                    files.push(p);
                }
            }
        }
    }
    let mut mentions = 0;
    for f in &files {
        let text = read(f);
        for c in re.captures_iter(&text) {
            mentions += 1;
            assert_eq!(
                version(&c[1]),
                version(&stated),
                "{} says Rust {}, Cargo.toml's rust-version is {stated}",
                f.display(),
                &c[1]
            );
        }
    }
    assert!(
        mentions >= 2,
        "README.md and editors/vscode/README.md state the Rust version"
    );
}

/// The files that carry each licence of an SPDX expression such as
/// "MIT OR Apache-2.0" (parentheses allowed): LICENSE-MIT, LICENSE-APACHE.
fn licence_files(expression: &str) -> Vec<String> {
    expression
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')')
        .filter(|w| !w.is_empty() && !matches!(*w, "OR" | "AND" | "WITH"))
        .map(|id| match id {
            "MIT" => "LICENSE-MIT".to_string(),
            "Apache-2.0" => "LICENSE-APACHE".to_string(),
            other => panic!("no licence file known for SPDX id {other:?}: add it here and to the repository"),
        })
        .collect()
}

fn assert_licence_file(file: &str, declared_in: &str) {
    let path = root().join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{declared_in} declares a licence whose text should be in {file}: {e}"));
    let (title, holder) = match file {
        "LICENSE-MIT" => (
            "Permission is hereby granted, free of charge",
            "Copyright (c) the peace-lsp authors",
        ),
        _ => (
            "Apache License\n                        Version 2.0, January 2004",
            "Copyright the peace-lsp authors",
        ),
    };
    assert!(text.contains(title), "{file} is not the standard licence text");
    assert!(text.contains(holder), "{file} names the copyright holder: {holder:?}");
}

#[test]
fn licence_files_named_by_the_manifests_exist() {
    let cargo_licence = manifest()["package"]["license"]
        .as_str()
        .expect("Cargo.toml states package.license")
        .to_string();
    let files = licence_files(&cargo_licence);
    assert_eq!(files, ["LICENSE-MIT", "LICENSE-APACHE"]);
    for f in &files {
        assert_licence_file(f, "Cargo.toml");
    }
    let package: serde_json::Value =
        serde_json::from_str(&read(&root().join("editors/vscode/package.json"))).expect("package.json parses");
    let npm_licence = package["license"].as_str().expect("package.json states a license");
    assert_eq!(
        licence_files(npm_licence),
        files,
        "package.json and Cargo.toml declare the same licences"
    );
    for f in licence_files(npm_licence) {
        assert_licence_file(&f, "editors/vscode/package.json");
    }
}

/// The README's "Using it" section shows the learning aids with pictures
/// from the VS Code end-to-end run: every picture it names is a PNG in the
/// repository, and each one under docs/img/vscode-* is one that
/// `tests/e2e/vscode/run.sh --update-docs` writes (so it can be retaken).
#[test]
fn readme_pictures_exist_and_come_from_the_vscode_run() {
    let readme = read(&root().join("README.md"));
    let start = readme.find("\n## Using it").expect("README has a \"Using it\" section");
    let end = readme[start + 1..]
        .find("\n## ")
        .map_or(readme.len(), |e| start + 1 + e);
    let section = &readme[start..end];
    let run_sh = read(&root().join("tests/e2e/vscode/run.sh"));
    let mut pictures = Vec::new();
    for (i, _) in section.match_indices("](docs/img/") {
        let rest = &section[i + 2..];
        let path = &rest[..rest.find(')').expect("a closed image link")];
        let bytes = std::fs::read(root().join(path)).unwrap_or_else(|e| panic!("README names {path}: {e}"));
        assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "{path} is not a PNG");
        if let Some(name) = path
            .strip_prefix("docs/img/vscode-")
            .and_then(|n| n.strip_suffix(".png"))
        {
            let copied = run_sh.contains(&format!("docs/img/vscode-{name}.png"))
                || run_sh
                    .lines()
                    .any(|l| l.contains("for f in") && l.split_whitespace().any(|w| w.trim_end_matches(';') == name));
            assert!(copied, "{path}: run.sh --update-docs does not write it");
        }
        pictures.push(path.to_string());
    }
    for aid in [
        "completion",
        "tokens",
        "outline",
        "definition",
        "lens",
        "problems-workspace",
    ] {
        assert!(
            pictures.iter().any(|p| p == &format!("docs/img/vscode-{aid}.png")),
            "\"Using it\" shows no picture of {aid}: {pictures:?}"
        );
    }
}
