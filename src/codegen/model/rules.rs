//! The schema's `allOf` `if`/`then` blocks read into [`Rule`]s: the subset cfgc's example
//! uses (`if` on `$env`, `$tier` or a plain variable's `const`/`enum`, with `required`;
//! `then` with `properties` and `required`). Parts about `x-infra` variables are left out,
//! as the variables are; anything else is refused.

use serde_json::{Map, Value};

use super::read::{checks, description, escape};
use super::{Refusals, Rule, Subject, Test, Then, Variable};
use crate::schema::{ENV_KEY, TIER_KEY};

pub(super) fn rules(r: &mut Refusals, variables: &[Variable]) -> Vec<Rule> {
    let Some(all) = r.schema.json.get("allOf").and_then(Value::as_array) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, block) in all.iter().enumerate() {
        let pointer = format!("/allOf/{i}");
        if let Some(rule) = rule(r, block, pointer, variables) {
            out.push(rule);
        }
    }
    out
}

fn rule(r: &mut Refusals, block: &Value, pointer: String, vars: &[Variable]) -> Option<Rule> {
    let Some(map) = block.as_object() else {
        r.refuse(
            &pointer,
            "an `allOf` entry that is not an object cannot be generated",
        );
        return None;
    };
    for key in map.keys() {
        if !matches!(
            key.as_str(),
            "if" | "then" | "description" | "$comment" | "title"
        ) {
            r.refuse(&format!("{pointer}/{}", escape(key)), format!("`{key}` in an `allOf` entry cannot be generated: the loader knows `if`/`then` rules"));
            return None;
        }
    }
    let (Some(cond), Some(then)) = (map.get("if"), map.get("then")) else {
        r.refuse(
            &pointer,
            "an `allOf` entry without both `if` and `then` cannot be generated",
        );
        return None;
    };
    let then = then_of(r, then, &format!("{pointer}/then"), vars)?;
    if then.checks.is_empty() && then.required.is_empty() {
        // Only about `x-infra` variables, which the app never sees.
        return None;
    }
    let when = tests(r, cond, &format!("{pointer}/if"), vars)?;
    Some(Rule {
        description: description(map),
        pointer,
        when,
        then,
    })
}

fn is_infra(r: &Refusals, name: &str) -> bool {
    r.schema.infra.contains(name)
}

fn then_of(r: &mut Refusals, then: &Value, pointer: &str, vars: &[Variable]) -> Option<Then> {
    let map = then_map(r, then, pointer)?;
    let mut out = Then::default();
    let mut ok = true;
    for (name, sub) in map
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let at = format!("{pointer}/properties/{}", escape(name));
        if is_infra(r, name) {
            continue;
        }
        let Some(var) = known(r, name, &at, vars) else {
            ok = false;
            continue;
        };
        let Some(sub) = sub.as_object() else {
            r.refuse(&at, "a rule's schema for a variable must be an object");
            ok = false;
            continue;
        };
        let typed = sub.get("type").is_none().then_some(var.ty);
        match checks(r, sub, &at, typed) {
            Some(c) => out.checks.push((name.clone(), c)),
            None => ok = false,
        }
    }
    for name in names(r, map, pointer)? {
        if is_infra(r, &name) {
            continue;
        }
        let at = format!("{pointer}/required");
        ok &= known(r, &name, &at, vars).is_some();
        out.required.push(name);
    }
    ok.then_some(out)
}

fn then_map<'v>(
    r: &mut Refusals,
    then: &'v Value,
    pointer: &str,
) -> Option<&'v Map<String, Value>> {
    let Some(map) = then.as_object() else {
        r.refuse(
            pointer,
            "a `then` that is not an object cannot be generated",
        );
        return None;
    };
    for key in map.keys() {
        if !matches!(
            key.as_str(),
            "properties" | "required" | "description" | "$comment"
        ) {
            r.refuse(&format!("{pointer}/{}", escape(key)), format!("`{key}` in a rule's `then` cannot be generated: the loader knows `properties` and `required`"));
            return None;
        }
    }
    Some(map)
}

/// The `required` names of a `then` or an `if`.
fn names(r: &mut Refusals, map: &Map<String, Value>, pointer: &str) -> Option<Vec<String>> {
    let Some(required) = map.get("required") else {
        return Some(Vec::new());
    };
    let names: Option<Vec<String>> = required
        .as_array()
        .and_then(|a| a.iter().map(|v| v.as_str().map(str::to_string)).collect());
    if names.is_none() {
        r.refuse(
            &format!("{pointer}/required"),
            "`required` must be a list of names",
        );
    }
    names
}

fn known<'v>(r: &mut Refusals, name: &str, at: &str, vars: &'v [Variable]) -> Option<&'v Variable> {
    let var = vars.iter().find(|v| v.name == name);
    if var.is_none() {
        r.refuse(
            at,
            format!("the rule names `{name}`, which is not an app variable of the schema"),
        );
    }
    var
}

/// An `if`: `properties` whose schemas are a `const` or an `enum`, and `required`.
fn tests(r: &mut Refusals, cond: &Value, pointer: &str, vars: &[Variable]) -> Option<Vec<Test>> {
    let Some(map) = cond.as_object() else {
        r.refuse(pointer, "an `if` that is not an object cannot be generated");
        return None;
    };
    if let Some(key) = map
        .keys()
        .find(|k| !matches!(k.as_str(), "properties" | "required"))
    {
        let at = format!("{pointer}/{}", escape(key));
        r.refuse(&at, format!("`{key}` in a rule's `if` cannot be generated: the loader tests `properties` (`const` or `enum`) and `required`"));
        return None;
    }
    let required = names(r, map, pointer)?;
    let props = map.get("properties").and_then(Value::as_object);
    let mut out = Vec::new();
    for (name, sub) in props.into_iter().flatten() {
        let at = format!("{pointer}/properties/{}", escape(name));
        let subject = subject(r, name, &at, vars)?;
        let values = match sub
            .as_object()
            .map(|m| (m.len(), m.get("const"), m.get("enum")))
        {
            Some((1, Some(c), None)) => vec![c.clone()],
            Some((1, None, Some(Value::Array(e)))) => e.clone(),
            _ => {
                r.refuse(
                    &at,
                    "a rule's `if` can test a value with one `const` or one `enum`",
                );
                return None;
            }
        };
        out.push(Test {
            subject,
            values: Some(values),
            if_absent: !required.contains(name),
        });
    }
    for name in required
        .iter()
        .filter(|n| props.is_none_or(|p| !p.contains_key(*n)))
    {
        let subject = subject(r, name, &format!("{pointer}/required"), vars)?;
        out.push(Test {
            subject,
            values: None,
            if_absent: false,
        });
    }
    Some(out)
}

fn subject(r: &mut Refusals, name: &str, at: &str, vars: &[Variable]) -> Option<Subject> {
    match name {
        ENV_KEY => return Some(Subject::Env),
        TIER_KEY => return Some(Subject::Tier),
        _ => {}
    }
    if is_infra(r, name) {
        r.refuse(
            at,
            format!("the rule tests `{name}`, an `x-infra` variable the app never sees"),
        );
        return None;
    }
    let var = known(r, name, at, vars)?;
    if var.secret {
        r.refuse(at, format!("the rule tests the secret `{name}`: `cfgc check` does not know its value without a key, so the loader could not test it the same way"));
        return None;
    }
    Some(Subject::Variable(name.to_string()))
}
