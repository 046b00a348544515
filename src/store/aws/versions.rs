//! A secret's versions as `Described`, from either of AWS's two views of them.
//!
//! `ListSecretVersionIds` gives each version's `CreatedDate`: versions are ordered by it,
//! oldest first. `ListSecrets` (one call per 100 secrets) gives only `SecretVersionsToStages`,
//! no dates, and only the versions that still carry a staging label. There, the order is
//! the rotation's: `AWSPREVIOUS` (the version `AWSCURRENT` replaced), then `AWSCURRENT`,
//! then `AWSPENDING` (made after it). That is the order of creation unless someone moved a
//! label back by hand (`UpdateSecretVersionStage`), which the bulk view cannot see. A
//! version with none of the three labels (only custom ones) has no place in that order:
//! `from_stages` then answers `None` and the caller asks `ListSecretVersionIds` for dates.
//!
//! A listed version is `Enabled` (AWS has no disabled versions); every version of a secret
//! scheduled for deletion (`DeletedDate`) is `Disabled`: no deploy can read it.

use serde_json::Value;

use super::super::{Described, State, Version};

const CURRENT: &str = "AWSCURRENT";

/// Rank of a version in the rotation's order, by the first standard label it carries.
fn rank(stages: &[&str]) -> Option<u8> {
    stages
        .iter()
        .filter_map(|s| match *s {
            "AWSPREVIOUS" => Some(0),
            CURRENT => Some(1),
            "AWSPENDING" => Some(2),
            _ => None,
        })
        .min()
}

fn state(deleted: bool) -> State {
    if deleted {
        State::Disabled
    } else {
        State::Enabled
    }
}

fn stages(value: Option<&Value>) -> Vec<&str> {
    value
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// From `ListSecretVersionIds`' `Versions` (all pages): by `CreatedDate`, then by label
/// (dates may be whole seconds: two versions made in the same one), then by id, so the
/// order is always the same.
pub fn from_listed(entries: &[Value], deleted: bool) -> Described {
    let mut listed: Vec<(f64, u8, String, bool)> = entries
        .iter()
        .filter_map(|e| {
            let id = e.get("VersionId")?.as_str()?.to_string();
            let stages = stages(e.get("VersionStages"));
            let created = e.get("CreatedDate").and_then(Value::as_f64).unwrap_or(0.0);
            // A version without a standard label is older than AWSPREVIOUS's.
            let rank = rank(&stages).map_or(0, |r| r + 1);
            Some((created, rank, id, stages.contains(&CURRENT)))
        })
        .collect();
    listed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let current = listed.iter().find(|v| v.3).map(|v| v.2.clone());
    Described {
        versions: listed
            .into_iter()
            .map(|(_, _, id, _)| Version {
                id,
                state: state(deleted),
            })
            .collect(),
        current,
    }
}

/// From a `SecretVersionsToStages` map (`ListSecrets`), in the rotation's order; `None`
/// when a version carries none of the three standard labels (see the module's note).
pub fn from_stages(map: Option<&Value>, deleted: bool) -> Option<Described> {
    let empty = serde_json::Map::new();
    let map = map.and_then(Value::as_object).unwrap_or(&empty);
    let mut ranked = Vec::with_capacity(map.len());
    let mut current = None;
    for (id, labels) in map {
        let labels = stages(Some(labels));
        if labels.contains(&CURRENT) {
            current = Some(id.clone());
        }
        ranked.push((rank(&labels)?, id.clone()));
    }
    ranked.sort();
    Some(Described {
        versions: ranked
            .into_iter()
            .map(|(_, id)| Version {
                id,
                state: state(deleted),
            })
            .collect(),
        current,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ids(d: &Described) -> Vec<&str> {
        d.versions.iter().map(|v| v.id.as_str()).collect()
    }

    #[test]
    fn listed_versions_go_by_date_and_current_is_labelled() {
        let entries = json!([
            {"VersionId": "c", "VersionStages": ["AWSCURRENT"], "CreatedDate": 1700000300.5},
            {"VersionId": "a", "VersionStages": [], "CreatedDate": 1700000100.0},
            {"VersionId": "b", "VersionStages": ["AWSPREVIOUS"], "CreatedDate": 1700000200.0}
        ]);
        let d = from_listed(entries.as_array().expect("array"), false);
        assert_eq!(ids(&d), ["a", "b", "c"]);
        assert_eq!(d.current.as_deref(), Some("c"));
        assert!(d.versions.iter().all(|v| v.state == State::Enabled));
        let deleted = from_listed(entries.as_array().expect("array"), true);
        assert!(deleted.versions.iter().all(|v| v.state == State::Disabled));
    }

    #[test]
    fn versions_of_the_same_second_go_by_label() {
        let entries = json!([
            {"VersionId": "a", "VersionStages": ["AWSCURRENT"], "CreatedDate": 7},
            {"VersionId": "b", "VersionStages": ["AWSPREVIOUS"], "CreatedDate": 7},
            {"VersionId": "c", "VersionStages": [], "CreatedDate": 7}
        ]);
        assert_eq!(
            ids(&from_listed(entries.as_array().expect("array"), false)),
            ["c", "b", "a"]
        );
    }

    #[test]
    fn bulk_versions_go_previous_current_pending() {
        let map = json!({"p": ["AWSPENDING"], "c": ["AWSCURRENT", "mine"], "o": ["AWSPREVIOUS"]});
        let d = from_stages(Some(&map), false).expect("ordered");
        assert_eq!(ids(&d), ["o", "c", "p"]);
        assert_eq!(d.current.as_deref(), Some("c"));
        assert_eq!(from_stages(None, false), Some(Described::default()));
    }

    #[test]
    fn a_custom_label_alone_needs_dates() {
        let map = json!({"c": ["AWSCURRENT"], "x": ["release-7"]});
        assert_eq!(from_stages(Some(&map), false), None);
    }
}
