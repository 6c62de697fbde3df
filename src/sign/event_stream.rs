//! The event-stream signature stage: the string to sign of one message envelope, chained on the
//! signature before it (the initial request's, then each message's), and the envelope's bytes.
//!
//! ```text
//! AWS4-HMAC-SHA256-PAYLOAD \n 20130524T000000Z \n 20130524/us-east-1/transcribe/aws4_request \n <previous signature> \n sha256(<encoded :date header>) \n sha256(<inner message>)
//! ```
//!
//! The date and the scope are the message's own (its `:date`, truncated to the second), not
//! the request's. An envelope is an event-stream message whose headers are `:chunk-signature`
//! (byte array, the 32 raw signature bytes) and `:date` (timestamp, milliseconds since the
//! epoch), and whose payload is the encoded inner message; the end frame has an empty payload.
//!
//! ```text
//! total length (u32 BE) | headers length (u32 BE) | CRC32(the 8 bytes before) | headers | payload | CRC32(everything before)
//! header: name length (u8) | name | type (u8) | value   (6: u16 BE length + bytes; 8: i64 BE)
//! ```

use crate::crypto;
use crate::sign::chunked::{ChainContext, write_chained_head};
use crate::sign::key::{Signature, SigningKey};
use crate::sink::{self, Sink};
use crate::spec::CHUNK_ALGORITHM;
use crate::time::AmzDate;

/// Total length, headers length and their CRC32.
pub(crate) const PRELUDE_LEN: usize = 12;
/// The CRC32 that ends every message.
pub(crate) const MESSAGE_CRC_LEN: usize = 4;
/// The `:date` header's name.
pub(crate) const DATE_HEADER: &[u8] = b":date";
/// The `:chunk-signature` header's name.
pub(crate) const SIGNATURE_HEADER: &[u8] = b":chunk-signature";
/// The header-value type of a byte array: a u16 BE length, then the bytes.
pub(crate) const TYPE_BYTE_ARRAY: u8 = 6;
/// The header-value type of a timestamp: milliseconds since the epoch, i64 BE.
pub(crate) const TYPE_TIMESTAMP: u8 = 8;
/// The encoded `:date` header: 1 + 5 + 1 + 8 bytes.
pub(crate) const DATE_HEADER_LEN: usize = 1 + 5 + 1 + 8;
/// The encoded `:chunk-signature` header: 1 + 16 + 1 + 2 + 32 bytes.
pub(crate) const SIGNATURE_HEADER_LEN: usize = 1 + 16 + 1 + 2 + 32;
/// The bytes an envelope adds around its payload.
pub(crate) const ENVELOPE_OVERHEAD: usize =
    PRELUDE_LEN + SIGNATURE_HEADER_LEN + DATE_HEADER_LEN + MESSAGE_CRC_LEN;

/// The `:date` header as the string to sign hashes it (and the envelope carries it).
pub(crate) fn date_header(unix_millis: i64) -> [u8; DATE_HEADER_LEN] {
    let mut b = [0u8; DATE_HEADER_LEN];
    b[0] = 5;
    b[1..6].copy_from_slice(DATE_HEADER);
    b[6] = TYPE_TIMESTAMP;
    b[7..].copy_from_slice(&unix_millis.to_be_bytes());
    b
}

/// The `:chunk-signature` header carrying `signature`'s raw bytes.
pub(crate) fn signature_header(signature: &Signature) -> [u8; SIGNATURE_HEADER_LEN] {
    let mut b = [0u8; SIGNATURE_HEADER_LEN];
    b[0] = 16;
    b[1..17].copy_from_slice(SIGNATURE_HEADER);
    b[17] = TYPE_BYTE_ARRAY;
    b[18..20].copy_from_slice(&32u16.to_be_bytes());
    // Message signatures are SigV4's (HMAC-SHA256): always 32 bytes.
    if let Some(bytes) = signature.hmac_bytes() {
        b[20..].copy_from_slice(bytes);
    }
    b
}

/// Writes a message's string to sign.
pub(crate) fn write_message_string_to_sign<S: Sink + ?Sized>(
    sink: &mut S,
    date: &AmzDate,
    scope: &[u8],
    previous: &Signature,
    date_header: &[u8; DATE_HEADER_LEN],
    payload_sha256: &[u8; 32],
) {
    write_chained_head(
        sink,
        CHUNK_ALGORITHM,
        &ChainContext { date, scope },
        previous,
    );
    sink.put(&sink::hex32(&crypto::sha256(date_header)));
    sink.put(b"\n");
    sink.put(&sink::hex32(payload_sha256));
}

/// The signature of a message envelope whose payload is `payload` (the encoded inner
/// message, or nothing for the end frame).
pub(crate) fn message_signature(
    key: &SigningKey,
    date: &AmzDate,
    scope: &[u8],
    previous: &Signature,
    date_header: &[u8; DATE_HEADER_LEN],
    payload: &[u8],
) -> Signature {
    let digest = crypto::sha256(payload);
    key.sign_streamed(|mac| {
        write_message_string_to_sign(mac, date, scope, previous, date_header, &digest);
    })
}

/// Writes the envelope: prelude, `:chunk-signature`, `:date`, `payload`, message CRC. `None`
/// when the envelope would be over `u32::MAX` bytes (nothing is written then).
pub(crate) fn write_envelope<S: Sink + ?Sized>(
    sink: &mut S,
    signature: &Signature,
    date_header: &[u8; DATE_HEADER_LEN],
    payload: &[u8],
) -> Option<()> {
    let total = u32::try_from(payload.len().checked_add(ENVELOPE_OVERHEAD)?).ok()?;
    let headers = (SIGNATURE_HEADER_LEN + DATE_HEADER_LEN) as u32;
    let mut prelude = [0u8; PRELUDE_LEN];
    prelude[..4].copy_from_slice(&total.to_be_bytes());
    prelude[4..8].copy_from_slice(&headers.to_be_bytes());
    let prelude_crc = crc32fast::hash(&prelude[..8]);
    prelude[8..].copy_from_slice(&prelude_crc.to_be_bytes());
    let signature = signature_header(signature);
    let mut crc = crc32fast::Hasher::new();
    for part in [&prelude[..], &signature, date_header, payload] {
        crc.update(part);
        sink.put(part);
    }
    sink.put(&crc.finalize().to_be_bytes());
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::Credentials;
    use crate::prelude::*;
    use crate::sign::string_to_sign::{Region, Scope};

    #[test]
    fn the_aws_sigv4_string_to_sign_vector() {
        // aws-sigv4's `event_stream::tests::string_to_sign`: time 123456789.000001234 s, the
        // previous signature sha256("last message sts"), the payload an encoded message
        // ("some-header: value", "test payload") whose SHA-256 the vector's last line is.
        let date = AmzDate::parse("19731129T213309Z").unwrap();
        let previous = Signature::hmac(crypto::sha256(b"last message sts"));
        let payload_sha256: [u8; 32] = hex::FromHex::from_hex(
            "f2eba0f2e95967ee9fbc6db5e678d2fd599229c0d04b11e4fc8e0f2a02a806c6",
        )
        .unwrap();
        let mut sts = Vec::new();
        write_message_string_to_sign(
            &mut sts,
            &date,
            b"19731129/us-east-1/testservice/aws4_request",
            &previous,
            &date_header(123_456_789_000),
            &payload_sha256,
        );
        assert_eq!(
            String::from_utf8(sts).unwrap(),
            "AWS4-HMAC-SHA256-PAYLOAD\n\
             19731129T213309Z\n\
             19731129/us-east-1/testservice/aws4_request\n\
             be1f8c7d79ef8e1abc5254a2c70e4da3bfaf4f07328f527444e1fc6ea67273e2\n\
             0c0e3b3bf66b59b976181bd7d401927bbd624107303c713fd1e5f3d3c8dd1b1e\n\
             f2eba0f2e95967ee9fbc6db5e678d2fd599229c0d04b11e4fc8e0f2a02a806c6"
        );
    }

    #[test]
    fn an_envelope_is_framed_with_both_crcs() {
        let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
        let scope = Scope {
            date: "19731129",
            region: Region::One("us-east-1"),
            service: "testservice",
        };
        let key = SigningKey::derive(&creds, &scope);
        let date = AmzDate::parse("19731129T213309Z").unwrap();
        let dh = date_header(123_456_789_000);
        let sig = message_signature(&key, &date, b"s", &Signature::hmac([0; 32]), &dh, b"xyz");
        let mut out = Vec::new();
        write_envelope(&mut out, &sig, &dh, b"xyz").unwrap();
        assert_eq!(out.len(), ENVELOPE_OVERHEAD + 3);
        assert_eq!(&out[..4], &(out.len() as u32).to_be_bytes());
        assert_eq!(&out[4..8], &67u32.to_be_bytes());
        assert_eq!(&out[8..12], &crc32fast::hash(&out[..8]).to_be_bytes());
        let end = out.len() - 4;
        assert_eq!(&out[end..], &crc32fast::hash(&out[..end]).to_be_bytes());
        assert_eq!(&out[end - 3..end], b"xyz");
    }
}
