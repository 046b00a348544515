//! Which file goes to which environment: `cfgc import ENV FILE` (the first form), or any
//! number of `ENV=FILE` and `.env.ENV` arguments (`cfgc import .env.staging .env.production`).

use std::path::PathBuf;

use crate::diagnostic::{Code, Diagnostic};

/// Each (environment, file) pair, in argument order, or every argument that names none.
pub fn resolve(args: &[String]) -> Result<Vec<(String, PathBuf)>, Vec<Diagnostic>> {
    if let [env, file] = args
        && !env.contains(['=', '/'])
        && !env.starts_with('.')
    {
        return Ok(vec![(env.clone(), PathBuf::from(file))]);
    }
    let mut pairs: Vec<(String, PathBuf)> = Vec::new();
    let mut errors = Vec::new();
    for arg in args {
        let Some((env, file)) = pair(arg) else {
            errors.push(
                Diagnostic::new(
                    Code::ImportWhichEnvironment,
                    format!("cannot tell which environment `{arg}` is for"),
                )
                .help("name the file `.env.ENV` (e.g. `.env.production`), or write `ENV=FILE`"),
            );
            continue;
        };
        if pairs.iter().any(|(e, _)| *e == env) {
            errors.push(
                Diagnostic::new(
                    Code::ImportEnvironmentTwice,
                    format!("two files are given for environment `{env}`"),
                )
                .help("import one file per environment per run"),
            );
            continue;
        }
        pairs.push((env, file));
    }
    if errors.is_empty() {
        Ok(pairs)
    } else {
        Err(errors)
    }
}

fn pair(arg: &str) -> Option<(String, PathBuf)> {
    if let Some((env, file)) = arg.split_once('=')
        && !env.is_empty()
        && !env.contains('/')
        && !file.is_empty()
    {
        return Some((env.to_string(), PathBuf::from(file)));
    }
    let path = PathBuf::from(arg);
    let name = path.file_name()?.to_str()?;
    let env = name.strip_prefix(".env.")?;
    (!env.is_empty()).then(|| (env.to_string(), path.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envs(args: &[&str]) -> Vec<String> {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        resolve(&args)
            .map(|pairs| pairs.into_iter().map(|(e, _)| e).collect())
            .unwrap_or_default()
    }

    #[test]
    fn forms() {
        assert_eq!(envs(&["production", "old/.env"]), ["production"]);
        assert_eq!(
            envs(&[".env.staging", "x/.env.production"]),
            ["staging", "production"]
        );
        assert_eq!(
            envs(&["preview=.env", ".env.staging"]),
            ["preview", "staging"]
        );
        assert!(envs(&[".env"]).is_empty());
        assert!(envs(&[".env.a", "a=.env"]).is_empty());
    }
}
