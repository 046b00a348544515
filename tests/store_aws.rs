//! The AWS store (`cfgc::store::aws`) through the library: against moto (the AWS emulator,
//! in server mode) for pushes, idempotent retries, ordering, bulk listing with pagination
//! and the web identity exchange; against a canned loopback server for what moto cannot
//! show (the key a request is signed with, expired tokens, error answers); the keys of the
//! machine's role (instance metadata from moto, a container endpoint), a profile's
//! `credential_process`, a role assumed with a source profile's keys and an SSO login,
//! found as botocore finds them; and against
//! botocore's own SigV4 signer. A missing moto or botocore fails with how to install it,
//! never a silent pass.

mod ambient;
mod canned;
mod cli;
mod harness;
mod moto;
mod process;
mod role;
mod signing;
mod sso;
