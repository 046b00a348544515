//! One Secrets Manager call over the JSON 1.1 protocol: a signed POST of a JSON body with
//! `X-Amz-Target: secretsmanager.<Operation>`, and the answer's JSON or its error type
//! and message. The request body may hold a secret value: it is never part of an error.

use zeroize::Zeroizing;

use super::super::StoreError;
use super::super::http::{self, Client, Request};
use super::clock;
use super::sign::{self, Credentials, Unsigned};

/// An error answer: `__type` without its namespace, and its message.
#[derive(Debug)]
pub struct Failure {
    pub status: u16,
    pub kind: String,
    pub message: String,
}

impl Failure {
    /// Whether fresh credentials may pass where these did not.
    pub fn expired(&self) -> bool {
        matches!(self.kind.as_str(), "ExpiredTokenException" | "ExpiredToken")
    }

    pub fn into_error(self, operation: &str, target: &str) -> StoreError {
        StoreError {
            message: format!(
                "AWS Secrets Manager {operation} for {target} answered {} {}: {}",
                self.status, self.kind, self.message
            ),
            transient: is_throttling(&self.kind) || self.status >= 500,
        }
    }
}

/// Where and as whom to call.
pub struct Target<'a> {
    pub client: &'a Client,
    pub url: &'a url::Url,
    pub region: &'a str,
}

/// Calls `operation` with `body` (zeroized here once sent) signed by `creds`: the answer's
/// JSON, or the store's error answer, or a transport error.
pub fn call(
    target: &Target,
    creds: &Credentials,
    operation: &str,
    body: Zeroizing<Vec<u8>>,
) -> Result<Result<serde_json::Value, Failure>, StoreError> {
    let headers = vec![
        ("content-type", "application/x-amz-json-1.1".to_string()),
        ("x-amz-target", format!("secretsmanager.{operation}")),
    ];
    let unsigned = Unsigned {
        method: "POST",
        url: target.url,
        headers: &headers,
        payload: &body,
        region: target.region,
        service: "secretsmanager",
    };
    let signed = sign::sign(creds, &unsigned, clock::now());
    let request = Request {
        method: "POST",
        url: target.url.as_str(),
        headers: headers.into_iter().chain(signed).collect(),
        body: Some(&body),
    };
    let sent = target.client.send(&request, &|r| {
        is_throttling(&failure(r.status, &r.body).kind)
    });
    let response = sent.map_err(|e| StoreError {
        message: format!("AWS Secrets Manager {operation}: {}", e.message),
        transient: e.transient,
    })?;
    if response.status == 200 {
        let value = serde_json::from_str(&response.body).map_err(|e| {
            StoreError::new(format!(
                "AWS Secrets Manager {operation} answered JSON that does not parse: {e}"
            ))
        })?;
        return Ok(Ok(value));
    }
    Ok(Err(failure(response.status, &response.body)))
}

/// AWS's throttling answers, which come as 400s: worth a wait and another try.
fn is_throttling(kind: &str) -> bool {
    matches!(
        kind,
        "ThrottlingException" | "TooManyRequestsException" | "RequestLimitExceeded" | "Throttling"
    )
}

/// `{"__type": "com.amazonaws…#ResourceNotFoundException", "message": "…"}`: the type
/// after any `#` and before any `:` (how the SDKs read it), the message in either case.
fn failure(status: u16, body: &str) -> Failure {
    let json: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    let text = |key: &str| json.get(key).and_then(|v| v.as_str()).map(str::to_string);
    let kind = text("__type")
        .or_else(|| text("code"))
        .map(|t| {
            let t = t.rsplit('#').next().unwrap_or_default();
            t.split(':').next().unwrap_or_default().to_string()
        })
        .unwrap_or_else(|| "(no error type)".into());
    let message = text("message")
        .or_else(|| text("Message"))
        .unwrap_or_else(|| http::short(body));
    Failure {
        status,
        kind,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_types_lose_their_namespace_and_suffix() {
        let f = failure(
            400,
            r#"{"__type":"com.amazonaws.secretsmanager#ResourceNotFoundException","message":"gone"}"#,
        );
        assert_eq!(
            (f.kind.as_str(), f.message.as_str()),
            ("ResourceNotFoundException", "gone")
        );
        let f = failure(
            400,
            r#"{"__type":"ThrottlingException:http://internal","Message":"slow"}"#,
        );
        assert_eq!(
            (f.kind.as_str(), f.message.as_str()),
            ("ThrottlingException", "slow")
        );
        assert!(f.into_error("PutSecretValue", "app/x").transient);
        let f = failure(403, "<html>denied</html>");
        assert_eq!(
            (f.kind.as_str(), f.message.as_str()),
            ("(no error type)", "<html>denied</html>")
        );
        assert!(failure(400, r#"{"__type":"ExpiredTokenException"}"#).expired());
    }

    #[test]
    fn an_error_names_operation_status_type_and_message() {
        let f = failure(
            400,
            r#"{"__type":"InvalidRequestException","message":"scheduled for deletion"}"#,
        );
        let e = f.into_error("CreateSecret", "app/db");
        assert_eq!(
            e.message,
            "AWS Secrets Manager CreateSecret for app/db answered 400 InvalidRequestException: \
             scheduled for deletion"
        );
        assert!(!e.transient);
    }
}
