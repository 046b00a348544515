//! A service account's token request: a JWT (RS256) signed with the account's private
//! key, exchanged at its `token_uri` (RFC 7523), as Google's client libraries do.

use base64::Engine as _;
use ring::rand::SystemRandom;
use ring::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use secrecy::SecretString;

pub struct ServiceAccount {
    email: String,
    key_id: Option<String>,
    /// ring's key pair keeps its own copy of the key; the PEM text is dropped at once.
    key: RsaKeyPair,
    pub token_uri: String,
}

impl ServiceAccount {
    pub fn from_json(
        json: &serde_json::Value,
        token_uri: String,
    ) -> Result<ServiceAccount, String> {
        let email = json["client_email"]
            .as_str()
            .ok_or("lacks client_email")?
            .to_string();
        let pem = zeroize::Zeroizing::new(
            json["private_key"]
                .as_str()
                .ok_or("lacks private_key")?
                .to_string(),
        );
        let der = pkcs8_der(&pem).ok_or("has a private_key that is not a PEM PKCS#8 key")?;
        let key = RsaKeyPair::from_pkcs8(&der)
            .map_err(|e| format!("has a private_key ring refuses ({e})"))?;
        Ok(ServiceAccount {
            email,
            key_id: json["private_key_id"].as_str().map(str::to_string),
            key,
            token_uri,
        })
    }

    /// The signed assertion asking for `scope`, valid for an hour from now.
    pub fn assertion(&self, scope: &str) -> Result<SecretString, super::StoreError> {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let header = serde_json::json!({ "alg": "RS256", "typ": "JWT", "kid": self.key_id });
        let claims = serde_json::json!({
            "iss": self.email,
            "scope": scope,
            "aud": self.token_uri,
            "iat": now,
            "exp": now + 3600,
        });
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let signing_input = format!(
            "{}.{}",
            b64.encode(header.to_string()),
            b64.encode(claims.to_string())
        );
        let mut signature = vec![0; self.key.public().modulus_len()];
        self.key
            .sign(
                &RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                signing_input.as_bytes(),
                &mut signature,
            )
            .map_err(|_| super::StoreError::new("the service account's key could not sign"))?;
        Ok(format!("{signing_input}.{}", b64.encode(signature)).into())
    }
}

/// The DER bytes of a `-----BEGIN PRIVATE KEY-----` block.
fn pkcs8_der(pem: &str) -> Option<zeroize::Zeroizing<Vec<u8>>> {
    let body = pem
        .split("-----BEGIN PRIVATE KEY-----")
        .nth(1)?
        .split("-----END PRIVATE KEY-----")
        .next()?;
    let b64: zeroize::Zeroizing<String> =
        zeroize::Zeroizing::new(body.chars().filter(|c| !c.is_whitespace()).collect());
    base64::engine::general_purpose::STANDARD
        .decode(b64.as_bytes())
        .ok()
        .map(zeroize::Zeroizing::new)
}
