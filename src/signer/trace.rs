//! What a signature covered, as `tracing` events (feature `tracing`): where `aws-sigv4` users
//! look first when AWS answers 403. Target `awssig::sign`:
//!
//! - DEBUG `signed`: the algorithm, scope, signed header names and whether it was presigned;
//! - TRACE `what was signed`: the canonical request (session token `<redacted>`, header or
//!   query) and the string to sign.
//!
//! The signature is never in an event, nor the secret. Nothing is computed unless a subscriber
//! wants DEBUG for the target: then the request is explained once more (its readable path,
//! a freshly derived key), which costs about as much as signing it again.

use super::Signer;
use super::plan::Mode;
use crate::payload::Payload;
use crate::request::SignableRequest;
use crate::time::AmzDate;

impl Signer {
    /// Emits the events above for a request just signed at `date`.
    pub(super) fn trace_signed(
        &self,
        req: &SignableRequest<'_>,
        payload: Payload<'_>,
        date: AmzDate,
        mode: Mode,
    ) {
        if !tracing::enabled!(target: "awssig::sign", tracing::Level::DEBUG) {
            return;
        }
        let Ok(ex) = self.explain(req, payload, date, mode) else {
            return;
        };
        let scope = ex.string_to_sign().split('\n').nth(2).unwrap_or_default();
        tracing::debug!(
            target: "awssig::sign",
            algorithm = self.algorithm.as_str(),
            scope,
            signed_headers = ex.signed_headers(),
            presigned = matches!(mode, Mode::Query(_)),
            "signed"
        );
        tracing::trace!(
            target: "awssig::sign",
            canonical_request = %ex.canonical_request_redacted(),
            string_to_sign = ex.string_to_sign(),
            "what was signed"
        );
    }
}
