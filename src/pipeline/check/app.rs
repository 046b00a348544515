//! `check --app`'s part of `check`: the app's code read after load (an unreadable file
//! stops the run, as a layer that does not parse does), what each deployed environment
//! sets recorded as the environments are checked, and the app's findings made from both.

use std::collections::BTreeSet;
use std::sync::Mutex;

use crate::app::App;
use crate::diagnostic::Diagnostic;
use crate::load::Loaded;
use crate::merge::Merged;
use crate::source::SourceMap;
use crate::validate::FileFindings;
use crate::validate::app::{DeployedEnv, Found, check_app};

/// The app's reads, and the deployed environments' variables as they are checked.
pub(super) struct AppCheck {
    app: App,
    deployed: Mutex<Vec<(usize, DeployedEnv)>>,
}

impl AppCheck {
    /// The app under `dir` read, when `--app` is given.
    pub(super) fn read(
        loaded: &Loaded,
        dir: Option<&str>,
        sources: &mut SourceMap,
    ) -> Result<Option<AppCheck>, Vec<Diagnostic>> {
        let Some(dir) = dir else {
            return Ok(None);
        };
        let app = crate::app::read(&loaded.project.fs, dir, sources)?;
        Ok(Some(AppCheck {
            app,
            deployed: Mutex::new(Vec::new()),
        }))
    }

    /// With `--app`, once every environment is checked: the app's findings added to the
    /// project-wide ones, and what was read of it.
    pub(super) fn finish(
        app: Option<AppCheck>,
        loaded: &Loaded,
        sources: &SourceMap,
        files: &mut FileFindings,
    ) -> Option<super::AppRead> {
        let app = app?;
        let read = super::AppRead {
            dir: app.app.dir.clone(),
            files: app.app.read,
            reads: app.app.files.iter().map(|f| f.reads.len()).sum(),
        };
        let found = app.findings(loaded, sources);
        files.findings.extend(found.findings);
        files.redactions.extend(found.redactions);
        Some(read)
    }

    /// The `index`-th environment merged: in a deployed tier, the names it sets.
    pub(super) fn record(&self, index: usize, merged: &Merged) {
        if merged.env.deployed.is_none() {
            return;
        }
        let set: BTreeSet<String> = (merged.vars.keys())
            .chain(merged.secret_names.keys())
            .cloned()
            .collect();
        let env = DeployedEnv {
            name: merged.env.name.clone(),
            set,
        };
        (self.deployed.lock().expect("no task panics holding it")).push((index, env));
    }

    /// The app's findings, once every environment is checked.
    fn findings(self, loaded: &Loaded, sources: &SourceMap) -> Found {
        let mut deployed = self
            .deployed
            .into_inner()
            .expect("no task panicked holding it");
        deployed.sort_by_key(|(i, _)| *i);
        let deployed: Vec<DeployedEnv> = deployed.into_iter().map(|(_, e)| e).collect();
        check_app(
            &self.app,
            &loaded.project.app_external,
            &loaded.schema,
            &deployed,
            sources,
        )
    }
}
