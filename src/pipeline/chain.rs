//! One environment's way through the stages, as types:
//! `Loaded → Derived → Validated → Decrypted → Rendered → Planned`.
//! Each step consumes the product of the one before, so a caller cannot skip a stage or run
//! two out of order; `pipeline` decides only how far a command goes and what it keeps.
//! (`Loaded` is the project's, `Applied` is `apply`'s: both are whole-run stages.)

use std::collections::BTreeMap;

use crate::decrypt::{self, Keyring, Resolved};
use crate::derive;
use crate::diagnostic::Diagnostic;
use crate::load::{Layers, Loaded};
use crate::merge::{self, Merged};
use crate::plan::{self, FilePlan};
use crate::project::Environment;
use crate::render::{self, Failed, RenderedFile, Secrets, Templates};
use crate::secrets::crypto::Plaintext;
use crate::source::SourceMap;
use crate::validate;

/// What every step of one environment reads: the project, the environment and its files.
#[derive(Clone, Copy)]
pub struct Env<'a, 'l> {
    pub loaded: &'a Loaded,
    pub env: &'a Environment,
    pub layers: &'l Layers<'a>,
    pub sources: &'l SourceMap,
}

/// Stage 2: the layers merged over the schema's defaults, derived values resolved in it;
/// `unresolved` holds the derived values that could not be.
pub struct Derived<'a> {
    pub merged: Merged<'a>,
    pub unresolved: Vec<Diagnostic>,
    /// The variables derived values refer to: used, even when no template names them.
    pub inputs: Vec<String>,
}

/// Stage 3: the merged state and every finding about it, derived values' included.
pub struct Validated<'a> {
    pub merged: Merged<'a>,
    pub findings: Vec<Diagnostic>,
}

/// Stage 4: the secrets, or why there are none, and the findings of the schema about the
/// decrypted values added to `validated`'s.
pub struct Decrypted<'a> {
    pub validated: Validated<'a>,
    pub resolved: Resolved,
}

/// Stage 5: every output of the environment rendered and checked.
pub struct Rendered<'a> {
    files: Vec<RenderedFile<'a>>,
}

impl<'a> Env<'a, '_> {
    /// Stage 2. `sources` is passed on only where derive's findings may be shown.
    pub fn derive(&self, shown: bool) -> Derived<'a> {
        let loaded = self.loaded;
        let mut merged = merge::merge_env(self.env, self.layers, &loaded.schema.defaults);
        let inputs = derive::references(&merged);
        let sources = shown.then_some(self.sources);
        let unresolved = derive::derive(&mut merged, &loaded.schema, sources);
        Derived {
            merged,
            unresolved,
            inputs,
        }
    }
}

impl<'a> Derived<'a> {
    /// Stage 3. A failed derived value hides nothing else: the rest is validated too, and
    /// its findings are those not caused by the failed values.
    pub fn validate(self, at: Env<'a, '_>) -> Validated<'a> {
        let schema = &at.loaded.schema;
        let validated = validate::validate(self.merged, at.layers, schema, at.sources);
        let mut findings = self.unresolved;
        if findings.is_empty() {
            findings = validated.findings;
        } else {
            findings.extend(derive::beside_failed(&validated.merged, validated.findings));
        }
        Validated {
            merged: validated.merged,
            findings,
        }
    }
}

/// What stage 4 may do with the secrets.
pub enum Need<'k> {
    /// Not decrypted: why (no output needs them, `--no-decrypt`, the trust boundary).
    Withheld(&'k str),
    /// Decrypted if an identity fits, else the secrets are unavailable.
    IfHeld(&'k Keyring),
    /// Decrypted, or an error: the command cannot go on without them (`exec`).
    Required(&'k Keyring),
}

impl<'a> Validated<'a> {
    /// Stage 4. `Err` holds what stopped decryption (a damaged file, a wrong MAC, or no
    /// identity where one is required).
    pub fn decrypt(
        mut self,
        at: Env<'a, '_>,
        need: Need,
    ) -> Result<Decrypted<'a>, Vec<Diagnostic>> {
        let resolved = match need {
            Need::Withheld(why) => Resolved::Unavailable(why.to_string()),
            Need::IfHeld(keyring) => decrypt::decrypt(at.env, at.layers, keyring, at.sources)?,
            Need::Required(keyring) => Resolved::Values(decrypt::decrypt_required(
                at.env, at.layers, keyring, at.sources,
            )?),
        };
        if let Resolved::Values(values) = &resolved {
            let schema = &at.loaded.schema;
            let merged = &self.merged;
            let found = validate::check_decrypted(merged, at.layers, schema, at.sources, values);
            self.findings.extend(found);
        }
        Ok(Decrypted {
            validated: self,
            resolved,
        })
    }
}

impl<'a> Decrypted<'a> {
    /// The decrypted values, if there are any.
    pub fn values(&self) -> Option<&BTreeMap<String, Plaintext>> {
        match &self.resolved {
            Resolved::Values(values) => Some(values),
            Resolved::Unavailable(_) => None,
        }
    }

    /// Stage 5: every output declared for the environment.
    pub fn render(&self, at: Env<'a, '_>, templates: &Templates) -> Result<Rendered<'a>, Failed> {
        let secrets = match &self.resolved {
            Resolved::Values(values) => Secrets::Values(values),
            Resolved::Unavailable(why) => Secrets::Unavailable(why),
        };
        let (project, schema) = (&at.loaded.project, &at.loaded.schema);
        let merged = &self.validated.merged;
        render::render_env(project, schema, templates, merged, secrets)
            .map(|files| Rendered { files })
    }

    /// The merged state, the secrets and the findings, for a command that hands the
    /// secrets on (`exec`).
    pub fn into_parts(self) -> (Merged<'a>, Resolved, Vec<Diagnostic>) {
        (
            self.validated.merged,
            self.resolved,
            self.validated.findings,
        )
    }
}

impl<'a> Rendered<'a> {
    /// Stage 6: each rendered file against the disk, a diff masked where a line depends on
    /// a secret (the mask is worked out only for a secret-bearing file that changed).
    pub fn plan(
        self,
        at: Env<'a, '_>,
        decrypted: &Decrypted<'a>,
        templates: &Templates,
    ) -> Result<Vec<FilePlan<'a>>, Vec<Diagnostic>> {
        let (project, schema) = (&at.loaded.project, &at.loaded.schema);
        let merged = &decrypted.validated.merged;
        let plain = std::cell::OnceCell::new();
        let mask_of = |file: &RenderedFile| {
            let values = decrypted.values().filter(|_| file.output.secrets)?;
            let plain = plain.get_or_init(|| render::plain_context(merged, schema, templates));
            Some(render::line_mask(
                file, plain, values, templates, project, schema,
            ))
        };
        plan::plan_env(&project.fs, self.files, mask_of)
    }
}
