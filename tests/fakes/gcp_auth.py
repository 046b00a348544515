"""Who may call the fake: the access tokens it issued, and the three ways a client gets one
(the OAuth2 token endpoint for service-account JWTs and authorized-user refresh tokens, the
GCE metadata server, and static tokens a test registers), plus the accounts tests create.

The JWT check follows https://developers.google.com/identity/protocols/oauth2/service-account:
RS256 signed by the account's key, iss = client_email, aud = Google's token URL (or this
fake's), the cloud-platform scope, and an expiry at most an hour after iat. Callers hold Auth.lock.
"""

import base64
import json
import secrets
import threading
import time

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform"
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
TOKEN_LIFETIME = 3600
CLOCK_SKEW = 300


class OAuthError(Exception):
    """An RFC 6749 error answer of the token endpoint."""

    def __init__(self, code, error, description):
        super().__init__(description)
        self.code = code
        self.body = {"error": error, "error_description": description}


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Auth:
    def __init__(self, base_url):
        self.lock = threading.Lock()
        self.token_uri = base_url + "/token"
        self.tokens = {}  # token -> {"via": how it was issued, "uses": n}
        self.accounts = {}  # client_email -> {"key_id", "public_key", "project_id"}
        self.users = {}  # refresh_token -> (client_id, client_secret)
        self.ttl_requests = None

    def issue(self, via):
        token = "ya29.fake-" + secrets.token_urlsafe(24)
        self.tokens[token] = {"via": via, "uses": 0}
        return {"access_token": token, "expires_in": TOKEN_LIFETIME, "token_type": "Bearer"}

    def check_bearer(self, header):
        """True when `header` carries a live token; counts the use against token_ttl_requests."""
        if not header or not header.startswith("Bearer "):
            return False
        entry = self.tokens.get(header[len("Bearer "):].strip())
        if entry is None:
            return False
        if self.ttl_requests is not None and entry["uses"] >= self.ttl_requests:
            return False
        entry["uses"] += 1
        return True

    def expire_all(self):
        self.tokens.clear()

    def service_account(self, project_id, name):
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        key_id = secrets.token_hex(20)
        email = "%s@%s.iam.gserviceaccount.com" % (name, project_id)
        self.accounts[email] = {"key_id": key_id, "public_key": key.public_key()}
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
        return {
            "type": "service_account", "project_id": project_id, "private_key_id": key_id,
            "private_key": pem, "client_email": email,
            "client_id": str(secrets.randbelow(10**20) + 10**20),
            "auth_uri": "https://accounts.google.com/o/oauth2/auth",
            "token_uri": self.token_uri,
            "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
            "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/"
            + email.replace("@", "%40"),
            "universe_domain": "googleapis.com",
        }

    def authorized_user(self):
        client_id = "%d-fake.apps.googleusercontent.com" % secrets.randbelow(10**12)
        client_secret = secrets.token_urlsafe(18)
        refresh_token = "1//fake-" + secrets.token_urlsafe(32)
        self.users[refresh_token] = (client_id, client_secret)
        return {"type": "authorized_user", "client_id": client_id,
                "client_secret": client_secret, "refresh_token": refresh_token,
                "token_uri": self.token_uri, "universe_domain": "googleapis.com"}

    def grant(self, form):
        """Answers a POST to /token (form already parsed): the token JSON, or OAuthError."""
        grant_type = form.get("grant_type")
        if grant_type == JWT_BEARER:
            return self.issue("jwt:" + self.verify_jwt(form.get("assertion", "")))
        if grant_type == "refresh_token":
            pair = self.users.get(form.get("refresh_token", ""))
            if pair is None:
                raise OAuthError(400, "invalid_grant", "Bad Request")
            if (form.get("client_id"), form.get("client_secret")) != pair:
                raise OAuthError(401, "invalid_client", "Unauthorized")
            return self.issue("refresh_token")
        raise OAuthError(400, "unsupported_grant_type", "Invalid grant_type: %s" % grant_type)

    def verify_jwt(self, assertion):
        try:
            head_b64, claims_b64, sig_b64 = assertion.split(".")
            header = json.loads(b64url_decode(head_b64))
            claims = json.loads(b64url_decode(claims_b64))
            signature = b64url_decode(sig_b64)
        except (ValueError, TypeError):
            raise OAuthError(400, "invalid_grant", "Invalid JWT: malformed assertion.")
        if header.get("alg") != "RS256":
            raise OAuthError(400, "invalid_grant", "Invalid JWT: alg must be RS256.")
        account = self.accounts.get(claims.get("iss"))
        if account is None:
            raise OAuthError(401, "invalid_client", "The OAuth client was not found.")
        if header.get("kid") not in (None, account["key_id"]):
            raise OAuthError(400, "invalid_grant", "Invalid JWT Signature.")
        try:
            account["public_key"].verify(signature, (head_b64 + "." + claims_b64).encode(),
                                         padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            raise OAuthError(400, "invalid_grant", "Invalid JWT Signature.")
        # Google's endpoint wants its own URL as aud, and google-auth sends that whatever the
        # key file's token_uri; other clients (Go's oauth2/jwt) send the token_uri they post to.
        if claims.get("aud") not in (GOOGLE_TOKEN_URI, self.token_uri):
            raise OAuthError(400, "invalid_grant", "Invalid JWT: aud must be %s or %s."
                             % (GOOGLE_TOKEN_URI, self.token_uri))
        if CLOUD_PLATFORM not in str(claims.get("scope", "")).split():
            raise OAuthError(400, "invalid_scope", "Invalid JWT: scope lacks %s." % CLOUD_PLATFORM)
        now = time.time()
        iat, exp = claims.get("iat"), claims.get("exp")
        if not isinstance(iat, (int, float)) or not isinstance(exp, (int, float)):
            raise OAuthError(400, "invalid_grant", "Invalid JWT: iat and exp are required.")
        if iat > now + CLOCK_SKEW or exp < now - CLOCK_SKEW or exp <= iat \
                or exp - iat > TOKEN_LIFETIME:
            raise OAuthError(400, "invalid_grant", "Invalid JWT: Token must be a short-lived "
                             "token (60 minutes) and in a reasonable timeframe. Check your iat "
                             "and exp values in the JWT claim.")
        return claims["iss"]
