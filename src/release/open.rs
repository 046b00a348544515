//! The client for an environment's declared store, by its kind; the process environment
//! gives its credentials and endpoint overrides.

use crate::project::store::{Kind, Store as Declared};
use crate::store::{Store, StoreError};

pub fn open(declared: &Declared) -> Result<Box<dyn Store>, StoreError> {
    let env = |k: &str| std::env::var(k).ok();
    match &declared.kind {
        #[cfg(feature = "gcp")]
        Kind::Gcp { project } => Ok(Box::new(crate::store::gcp::GcpStore::new(
            project,
            &declared.prefix,
            &env,
        )?)),
        #[cfg(feature = "aws")]
        Kind::Aws { region } => Ok(Box::new(crate::store::aws::AwsStore::new(
            region,
            &declared.prefix,
            &env,
        )?)),
        #[allow(unreachable_patterns)]
        other => {
            let _ = env;
            Err(StoreError::new(format!(
                "this cfgc was built without {} support: build it with the `{}` feature",
                other.name(),
                feature(other)
            )))
        }
    }
}

fn feature(kind: &Kind) -> &'static str {
    match kind {
        Kind::Gcp { .. } => "gcp",
        Kind::Aws { .. } => "aws",
    }
}
