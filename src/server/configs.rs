//! Configuration per document for the server: editor settings
//! (`initializationOptions`, then `workspace/configuration`) under the
//! nearest `.peace-lsp.toml`. Configurations are cached per project file; when
//! a file turns bad the last good configuration stays in use, and each new
//! problem is reported once.

use crate::config::{find_project_file, Config, ConfigError, Options};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::lock;

/// Something the server must tell the user about a configuration file.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Report {
    /// A new problem: show it and put a diagnostic on the file.
    Problem(ConfigError),
    /// The problem in this file is gone: clear its diagnostic.
    Cleared(PathBuf),
}

#[derive(Debug, Default)]
pub(super) struct ConfigStore {
    /// From `initializationOptions`.
    pub init_options: Options,
    /// From `workspace/configuration` / `didChangeConfiguration`.
    pub section: Options,
    /// The workspace root: project files are not looked for above it.
    pub root: Option<PathBuf>,
    /// Every workspace folder (the root first).
    pub folders: Vec<PathBuf>,
    /// Project file (or none) -> the configuration in use.
    cache: HashMap<Option<PathBuf>, Arc<Config>>,
    last_good: HashMap<Option<PathBuf>, Arc<Config>>,
    /// Problem file -> (the problem, the project file whose loading found it).
    problems: HashMap<PathBuf, (ConfigError, Option<PathBuf>)>,
    /// Bumped by `invalidate`.
    epoch: u64,
}

impl ConfigStore {
    /// Editor settings: `workspace/configuration` over `initializationOptions`.
    pub fn editor(&self) -> Options {
        self.section.over(&self.init_options)
    }

    /// How many times the cached configurations were forgotten: a
    /// configuration resolved at an epoch still holds while it lasts.
    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    /// Forget cached configurations (files or settings changed); the last
    /// good ones are kept as fallbacks.
    pub fn invalidate(&mut self) {
        self.cache.clear();
        self.epoch += 1;
    }

    /// The configuration for a document at `path` (or the workspace root),
    /// and what to report about it. Files are read and glossaries validated
    /// without holding the store's lock, so nothing else waits for them.
    pub fn resolve(store: &Mutex<ConfigStore>, path: Option<&Path>) -> (Arc<Config>, Vec<Report>) {
        let (start, root, editor, epoch) = {
            let s = lock(store);
            let start = path
                .map(Path::to_path_buf)
                .or_else(|| s.root.clone())
                .unwrap_or_else(|| PathBuf::from("."));
            (start, s.root.clone(), s.editor(), s.epoch)
        };
        let project = find_project_file(&start, root.as_deref());
        if let Some(c) = lock(store).cache.get(&project) {
            return (Arc::clone(c), Vec::new());
        }
        let built = Config::for_path(&start, root.as_deref(), &editor);
        let fallback = || {
            // Never had a good one: editor settings alone, else defaults.
            let base = root.clone().unwrap_or_else(|| PathBuf::from("."));
            Config::build(&editor, &base, None).unwrap_or_default()
        };
        let built = built.map_err(|e| (e, fallback()));
        lock(store).finish(project, built, epoch)
    }

    /// Record a configuration built for `project` (or why it could not be).
    fn finish(
        &mut self,
        project: Option<PathBuf>,
        built: Result<Config, (ConfigError, Config)>,
        epoch: u64,
    ) -> (Arc<Config>, Vec<Report>) {
        let mut reports = Vec::new();
        let config = match built {
            Ok(c) => {
                let c = Arc::new(c);
                let cleared: Vec<PathBuf> = self
                    .problems
                    .iter()
                    .filter(|(_, (_, owner))| *owner == project)
                    .map(|(f, _)| f.clone())
                    .collect();
                for f in cleared {
                    self.problems.remove(&f);
                    reports.push(Report::Cleared(f));
                }
                self.last_good.insert(project.clone(), Arc::clone(&c));
                c
            }
            Err((e, fallback)) => {
                let known = self.problems.get(&e.file).is_some_and(|(old, _)| *old == e);
                if !known {
                    self.problems.insert(e.file.clone(), (e.clone(), project.clone()));
                    reports.push(Report::Problem(e));
                }
                self.last_good
                    .get(&project)
                    .cloned()
                    .unwrap_or_else(|| Arc::new(fallback))
            }
        };
        // A configuration built before the last invalidation may be stale:
        // use it once, but do not cache it.
        if epoch == self.epoch {
            self.cache.insert(project, Arc::clone(&config));
        }
        (config, reports)
    }

    /// The configuration in use for `path` if one was already made (cached,
    /// else the last good one), without reading anything but directory
    /// entries: what requests use.
    pub fn peek(&self, path: Option<&Path>) -> Option<Arc<Config>> {
        let start = path.map(Path::to_path_buf).or_else(|| self.root.clone())?;
        let project = find_project_file(&start, self.root.as_deref());
        self.cache
            .get(&project)
            .or_else(|| self.last_good.get(&project))
            .cloned()
    }

    /// Every file whose change should reload configurations.
    pub fn watched(&self) -> Vec<PathBuf> {
        self.last_good.values().flat_map(|c| c.watched.clone()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::FILE_NAME;

    #[test]
    fn keeps_the_last_good_config_and_reports_each_problem_once() {
        let dir = std::env::temp_dir().join(format!("peace-lsp-store-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join(FILE_NAME);
        std::fs::write(&file, "[rules]\nterms-as-synonyms = \"error\"\n").unwrap();
        let store = Mutex::new(ConfigStore {
            root: Some(dir.clone()),
            ..ConfigStore::default()
        });
        let doc = dir.join("essay.md");
        let (c, reports) = ConfigStore::resolve(&store, Some(&doc));
        assert!(reports.is_empty());
        assert_eq!(c.levels["terms-as-synonyms"], crate::config::Level::Error);

        std::fs::write(&file, "[rules]\nterms-as-synonyms = \"loud\"\n").unwrap();
        lock(&store).invalidate();
        let (c, reports) = ConfigStore::resolve(&store, Some(&doc));
        assert!(
            matches!(&reports[..], [Report::Problem(e)] if e.line == Some(2)),
            "{reports:?}"
        );
        assert_eq!(
            c.levels["terms-as-synonyms"],
            crate::config::Level::Error,
            "last good config kept"
        );
        lock(&store).invalidate();
        let (_, reports) = ConfigStore::resolve(&store, Some(&doc));
        assert!(reports.is_empty(), "reported once: {reports:?}");

        std::fs::write(&file, "[rules]\nterms-as-synonyms = \"off\"\n").unwrap();
        lock(&store).invalidate();
        let (c, reports) = ConfigStore::resolve(&store, Some(&doc));
        assert_eq!(reports, [Report::Cleared(file.clone())]);
        assert_eq!(c.levels["terms-as-synonyms"], crate::config::Level::Off);
    }
}
