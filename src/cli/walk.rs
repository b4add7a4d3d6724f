//! Which files `check` looks at, and the configuration of each.
//!
//! Directories are walked with the `ignore` crate (`.gitignore`, `.ignore`
//! and hidden files respected, inside or outside a git repository), keeping
//! the files whose extension names a known format, then filtered by the
//! `include` / `exclude` globs of the nearest `.peace-lsp.toml`. Files named
//! on the command line are always checked.

use crate::config::{find_project_file, Config, ConfigError, Options};
use crate::input::Office;
use crate::text::Format;
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// A configuration and its compiled file globs.
#[derive(Debug)]
pub struct Project {
    pub config: Config,
    /// The folder the globs are relative to (the project file's folder).
    base: Option<PathBuf>,
    include: Option<GlobSet>,
    exclude: Option<GlobSet>,
}

fn glob_set(file: Option<&Path>, globs: &[String]) -> Result<Option<GlobSet>, ConfigError> {
    if globs.is_empty() {
        return Ok(None);
    }
    let mut set = GlobSetBuilder::new();
    for g in globs {
        let glob = GlobBuilder::new(g).build().map_err(|e| ConfigError {
            file: file.map_or_else(|| PathBuf::from("<settings>"), Path::to_path_buf),
            line: None,
            message: format!("bad glob `{g}`: {e}"),
        })?;
        set.add(glob);
    }
    let set = set.build().map_err(|e| ConfigError {
        file: file.map_or_else(|| PathBuf::from("<settings>"), Path::to_path_buf),
        line: None,
        message: format!("bad globs: {e}"),
    })?;
    Ok(Some(set))
}

impl Project {
    pub fn new(config: Config) -> Result<Project, ConfigError> {
        let file = config.file.clone();
        Ok(Project {
            include: glob_set(file.as_deref(), &config.include)?,
            exclude: glob_set(file.as_deref(), &config.exclude)?,
            base: file.as_deref().and_then(Path::parent).map(Path::to_path_buf),
            config,
        })
    }

    /// Whether a file found by walking a directory is checked: with
    /// `include` set only matching files are, and `exclude` drops matches.
    /// A glob matches a file when it matches the file's path relative to
    /// the project folder or one of that path's folders (so `drafts`
    /// excludes everything under `drafts/`).
    pub fn wants(&self, abs: &Path) -> bool {
        let rel = self
            .base
            .as_deref()
            .and_then(|b| abs.strip_prefix(b).ok())
            .unwrap_or(abs);
        let matches = |set: &GlobSet| rel.ancestors().any(|p| !p.as_os_str().is_empty() && set.is_match(p));
        if self.include.as_ref().is_some_and(|set| !matches(set)) {
            return false;
        }
        !self.exclude.as_ref().is_some_and(matches)
    }
}

/// Configurations looked up per file and cached per project file; a broken
/// project file is reported once.
#[derive(Default)]
pub struct Configs {
    /// Folder -> its nearest project file.
    dirs: HashMap<PathBuf, Option<PathBuf>>,
    /// Project file (or none) -> its configuration, `None` when broken.
    projects: HashMap<Option<PathBuf>, Option<Arc<Project>>>,
    /// Problems found so far, in the order found.
    pub errors: Vec<ConfigError>,
}

impl Configs {
    /// The configuration for an absolute file path, or `None` when its
    /// project file is broken (the error is in `self.errors`).
    pub fn for_file(&mut self, abs: &Path) -> Option<Arc<Project>> {
        let dir = abs.parent().unwrap_or(abs).to_path_buf();
        let file = self
            .dirs
            .entry(dir)
            .or_insert_with_key(|dir| find_project_file(dir, None))
            .clone();
        if let Some(p) = self.projects.get(&file) {
            return p.clone();
        }
        let built = Config::for_path(abs, None, &Options::default()).and_then(Project::new);
        let project = match built {
            Ok(p) => Some(Arc::new(p)),
            Err(e) => {
                self.errors.push(e);
                None
            }
        };
        self.projects.insert(file, project.clone());
        project
    }
}

/// A file to check.
#[derive(Debug, Clone)]
pub struct Job {
    /// The path as shown in the output.
    pub shown: PathBuf,
    /// Absolute, for the configuration lookup.
    pub abs: PathBuf,
    pub project: Arc<Project>,
}

/// A path without leading `./` components, as shown in the output.
pub fn tidy(path: &Path) -> PathBuf {
    let mut c = path.components().peekable();
    while c.peek() == Some(&Component::CurDir) {
        c.next();
    }
    let p: PathBuf = c.collect();
    if p.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        p
    }
}

/// An absolute version of a path (not resolving symbolic links).
pub fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// The files to check for the command-line `paths`, sorted by shown path
/// and without duplicates. Walk problems go to `walk_errors`, configuration
/// problems to `configs.errors`.
pub fn collect(paths: &[PathBuf], configs: &mut Configs, walk_errors: &mut Vec<String>) -> Vec<Job> {
    let mut jobs = Vec::new();
    for arg in paths {
        if arg.is_dir() {
            let walker = ignore::WalkBuilder::new(arg).require_git(false).build();
            for entry in walker {
                let entry = match entry {
                    Ok(e) => e,
                    Err(e) => {
                        walk_errors.push(e.to_string());
                        continue;
                    }
                };
                let known = Format::from_path(entry.path()).is_some() || Office::from_path(entry.path()).is_some();
                if !entry.file_type().is_some_and(|t| t.is_file()) || !known {
                    continue;
                }
                let abs = absolute(entry.path());
                let Some(project) = configs.for_file(&abs) else {
                    continue;
                };
                if project.wants(&abs) {
                    jobs.push(Job {
                        shown: tidy(entry.path()),
                        abs,
                        project,
                    });
                }
            }
        } else {
            // Named files are always checked; a missing one is reported
            // when it is read.
            let abs = absolute(arg);
            if let Some(project) = configs.for_file(&abs) {
                jobs.push(Job {
                    shown: tidy(arg),
                    abs,
                    project,
                });
            }
        }
    }
    jobs.sort_by(|a, b| a.shown.cmp(&b.shown));
    let mut seen = std::collections::HashSet::new();
    jobs.retain(|j| seen.insert(std::fs::canonicalize(&j.abs).unwrap_or_else(|_| j.abs.clone())));
    jobs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(include: &[&str], exclude: &[&str]) -> Project {
        Project::new(Config {
            include: include.iter().map(|s| s.to_string()).collect(),
            exclude: exclude.iter().map(|s| s.to_string()).collect(),
            file: Some(PathBuf::from("/p/.peace-lsp.toml")),
            ..Config::default()
        })
        .unwrap()
    }

    #[test]
    fn globs_are_relative_to_the_project_folder_and_cover_folders() {
        let p = project(&[], &["drafts", "*.tex", "**/README.md"]);
        assert!(p.wants(Path::new("/p/essay.md")));
        assert!(!p.wants(Path::new("/p/drafts/one.md")));
        assert!(!p.wants(Path::new("/p/drafts/deep/two.md")));
        assert!(p.wants(Path::new("/p/sub/drafts.md")));
        assert!(!p.wants(Path::new("/p/sub/chapter.tex")));
        assert!(!p.wants(Path::new("/p/README.md")));
        assert!(!p.wants(Path::new("/p/docs/README.md")));

        let p = project(&["chapters/**/*.md", "notes"], &["chapters/old"]);
        assert!(p.wants(Path::new("/p/chapters/one/a.md")));
        assert!(p.wants(Path::new("/p/notes/x.txt")));
        assert!(!p.wants(Path::new("/p/essay.md")));
        assert!(!p.wants(Path::new("/p/chapters/old/a.md")));

        let none = project(&[], &[]);
        assert!(none.wants(Path::new("/anywhere/x.md")));
    }

    #[test]
    fn shown_paths_lose_leading_dot_components() {
        assert_eq!(tidy(Path::new("./a/b.md")), Path::new("a/b.md"));
        assert_eq!(tidy(Path::new("a/./b.md")), Path::new("a/b.md"));
        assert_eq!(tidy(Path::new(".")), Path::new("."));
        assert_eq!(tidy(Path::new("/tmp/x.md")), Path::new("/tmp/x.md"));
    }
}
