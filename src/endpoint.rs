//! The region and service read from an AWS endpoint's host name ([`infer_scope`], `Signer::for_url`).
//!
//! AWS endpoint names follow a handful of shapes (see the AWS General Reference, "AWS service
//! endpoints", and the S3, API Gateway and Lambda guides):
//!
//! | shape | service | region |
//! |---|---|---|
//! | `{service}.{region}.amazonaws.com` (also `.amazonaws.com.cn`, `.api.aws`) | `{service}` | `{region}` |
//! | `{service}-fips.{region}.amazonaws.com` | `{service}` | `{region}` |
//! | `{id}.execute-api.{region}.amazonaws.com`, `{id}-{vpce}.execute-api...` | `execute-api` | `{region}` |
//! | `{vpce-id}.execute-api.{region}.vpce.amazonaws.com` (and other interface endpoints) | the label before the region | `{region}` |
//! | `{id}.lambda-url.{region}.on.aws` | `lambda` | `{region}` |
//! | `s3.amazonaws.com`, `{bucket}.s3.amazonaws.com`, `s3-external-1.amazonaws.com` | `s3` | `us-east-1` |
//! | `[{bucket}.]s3[-fips][.dualstack].{region}.amazonaws.com`, `s3-{region}` (legacy) | `s3` | `{region}` |
//! | `{name}-{account}.s3-accesspoint[-fips][.dualstack].{region}.amazonaws.com` | `s3` | `{region}` |
//! | `{domain}.{region}.es.amazonaws.com`, `{id}.{region}.aoss.amazonaws.com` | `es`, `aoss` | `{region}` |
//! | `{alias}.mrap.accesspoint.s3-global.amazonaws.com` (Multi-Region Access Points) | `s3`, SigV4a | region set `*` |
//!
//! Where the endpoint prefix differs from the signing name (`email` is signed as `ses`,
//! `bedrock-runtime` as `bedrock`, `appsync-api` as `appsync`, ...), the signing name is returned.
//! Anything else, including every custom domain, is an error that says to pass the service and
//! region explicitly: a guess would produce a signature AWS rejects with a confusing scope error.

use crate::prelude::*;

use crate::credentials::Credentials;
use crate::error::SignError;
use crate::request::SignableRequest;
use crate::settings::Settings;
use crate::signer::Signer;
use crate::spec::{ANY_REGION, Algorithm};

/// The region and service (signing name) an AWS host name implies, which service's
/// canonicalisation rules apply, and the algorithm: SigV4, or SigV4a for an S3 Multi-Region
/// Access Point (whose "region" is then the region set `*`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InferredScope {
    region: String,
    service: String,
    rules: Rules,
    algorithm: Algorithm,
}

/// Which [`Settings`] preset an endpoint takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rules {
    Default,
    S3,
    /// A Lambda function URL: [`Settings::lambda()`].
    LambdaUrl,
}

impl InferredScope {
    /// The region, such as `us-east-1`; for SigV4a, the region set (`*`).
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The algorithm the endpoint takes: [`Algorithm::HmacSha256`], or
    /// [`Algorithm::EcdsaP256Sha256`] for a Multi-Region Access Point.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The signing name, such as `execute-api`, `lambda` or `s3`.
    pub fn service(&self) -> &str {
        &self.service
    }

    /// [`Settings::s3()`] for S3 endpoints (single path encoding, no normalisation,
    /// `x-amz-content-sha256`), [`Settings::lambda()`] for Lambda function URLs
    /// (`x-amz-content-sha256` on every request), [`Settings::default()`] for every other
    /// service.
    ///
    /// ```
    /// use awssig::{PayloadHashHeader, endpoint::infer_scope};
    /// let url = infer_scope("abc.lambda-url.us-east-2.on.aws")?;
    /// assert_eq!(url.settings().payload_hash_header(), PayloadHashHeader::Always);
    /// # Ok::<(), awssig::SignError>(())
    /// ```
    pub fn settings(&self) -> Settings {
        match self.rules {
            Rules::Default => Settings::default(),
            Rules::S3 => Settings::s3(),
            Rules::LambdaUrl => Settings::lambda(),
        }
    }
}

/// Endpoint prefixes whose signing name differs, from the services' published models.
const SIGNING_NAMES: &[(&str, &str)] = &[
    ("email", "ses"),
    ("appsync-api", "appsync"),
    ("bedrock-runtime", "bedrock"),
    ("bedrock-agent", "bedrock"),
    ("bedrock-agent-runtime", "bedrock"),
    ("personalize-runtime", "personalize"),
    ("personalize-events", "personalize"),
    ("runtime-v2-lex", "lex"),
    ("s3-accesspoint", "s3"),
    ("s3-object-lambda", "s3-object-lambda"),
];

/// Services with one global endpoint, signed for `us-east-1`.
const GLOBAL_SERVICES: &[&str] = &["iam", "sts", "route53", "cloudfront", "organizations"];

/// Infers the region and service from an AWS host name (a port, a trailing dot and letter case
/// are ignored).
///
/// ```
/// let scope = awssig::endpoint::infer_scope("abc123.execute-api.eu-west-1.amazonaws.com")?;
/// assert_eq!((scope.region(), scope.service()), ("eu-west-1", "execute-api"));
/// let s3 = awssig::endpoint::infer_scope("my-bucket.s3.dualstack.us-west-2.amazonaws.com")?;
/// assert_eq!((s3.region(), s3.service()), ("us-west-2", "s3"));
/// assert_eq!(s3.settings(), awssig::Settings::s3());
/// assert!(awssig::endpoint::infer_scope("api.example.com").is_err());
/// # Ok::<(), awssig::SignError>(())
/// ```
///
/// # Errors
/// [`SignError::CannotInferScope`] for custom domains, IP addresses, local names and AWS names whose
/// shape does not say the region and signing name unambiguously.
pub fn infer_scope(host: &str) -> Result<InferredScope, SignError> {
    let normal = normalize(host);
    infer(&normal).map_err(|reason| SignError::CannotInferScope {
        host: host.to_string(),
        reason,
    })
}

impl Signer {
    /// A signer whose region and service are inferred from the URL's host (see [`infer_scope`]),
    /// with [`Settings::s3()`] for S3 endpoints and [`Settings::lambda()`] for Lambda function
    /// URLs ([`InferredScope::settings`]). A Multi-Region Access Point gives a SigV4a signer
    /// ([`Signer::new_v4a`]) for S3 with the region set `*`.
    ///
    /// ```
    /// use awssig::{Credentials, Signer, spec::Algorithm};
    /// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    /// let signer = Signer::for_url(creds.clone(), "https://abc.lambda-url.us-east-2.on.aws/path")?;
    /// assert_eq!((signer.region(), signer.service()), ("us-east-2", "lambda"));
    /// assert_eq!(signer.settings(), &awssig::Settings::lambda());
    /// let mrap = "https://mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com/object";
    /// let signer = Signer::for_url(creds, mrap)?;
    /// assert_eq!(signer.algorithm(), Algorithm::EcdsaP256Sha256);
    /// assert_eq!((signer.region_set(), signer.service()), (Some("*"), "s3"));
    /// # Ok::<(), awssig::SignError>(())
    /// ```
    ///
    /// # Errors
    /// [`SignError::MissingHost`] when `url` is not an absolute URL, [`SignError::CannotInferScope`]
    /// when its host is not a recognisable AWS endpoint (pass the region and service to
    /// [`Signer::new`] instead).
    pub fn for_url(credentials: Credentials, url: &str) -> Result<Signer, SignError> {
        let host = SignableRequest::new("GET", url)
            .host_from_authority()
            .ok_or(SignError::MissingHost)?;
        let scope = infer_scope(&host)?;
        let settings = scope.settings();
        Ok(
            Signer::with_algorithm(scope.algorithm, credentials, scope.region, scope.service)
                .with_settings(settings),
        )
    }
}

/// Lowercase, without userinfo, port or trailing dot.
fn normalize(host: &str) -> String {
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host = match host.rfind(':') {
        Some(i) if !host[i..].contains(']') => &host[..i],
        _ => host,
    };
    host.trim_end_matches('.').to_ascii_lowercase()
}

/// `us-east-1`, `us-gov-west-1`, `cn-northwest-1`, `us-iso-east-1`, `il-central-1`, ...
fn is_region(label: &str) -> bool {
    let lower = |p: &&str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase());
    let parts: Vec<&str> = label.split('-').collect();
    let [area, middle @ .., number] = parts.as_slice() else {
        return false;
    };
    area.len() == 2
        && lower(area)
        && !middle.is_empty()
        && middle.iter().all(lower)
        && !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit())
}

fn found(region: &str, service: &str, s3: bool) -> Result<InferredScope, &'static str> {
    Ok(InferredScope {
        region: region.to_string(),
        service: service.to_string(),
        rules: if s3 { Rules::S3 } else { Rules::Default },
        algorithm: Algorithm::HmacSha256,
    })
}

const NOT_AWS: &str =
    "it is not an AWS endpoint name (a custom domain, proxy, IP address or local name)";

fn infer(host: &str) -> Result<InferredScope, &'static str> {
    if host.is_empty() {
        return Err("the host is empty");
    }
    // Partition suffixes; `.amazonaws.com.cn` before `.amazonaws.com`.
    let (rest, suffix) = [".amazonaws.com.cn", ".amazonaws.com", ".api.aws", ".on.aws"]
        .iter()
        .find_map(|s| host.strip_suffix(s).map(|r| (r, *s)))
        .ok_or(NOT_AWS)?;
    let mut labels: Vec<&str> = rest.split('.').collect();
    if labels.iter().any(|l| l.is_empty()) {
        return Err("the host name has an empty label");
    }

    if suffix == ".on.aws" {
        // {url-id}.lambda-url.{region}.on.aws
        return match labels.as_slice() {
            [.., "lambda-url", region] if is_region(region) => Ok(InferredScope {
                region: region.to_string(),
                service: "lambda".to_string(),
                rules: Rules::LambdaUrl,
                algorithm: Algorithm::HmacSha256,
            }),
            _ => Err(
                "only Lambda function URLs ({id}.lambda-url.{region}.on.aws) are recognised under on.aws",
            ),
        };
    }

    // Interface VPC endpoints: {vpce-id}[.{bucket...}].{service}.{region}.vpce.amazonaws.com
    if labels.last() == Some(&"vpce") {
        labels.pop();
        return match labels.as_slice() {
            [_, .., service, region]
                if is_region(region) && labels.iter().any(|l| l.starts_with("vpce-")) =>
            {
                found(region, signing_name(service), *service == "s3")
            }
            _ => Err(
                "a VPC endpoint name must look like {vpce-id}.{service}.{region}.vpce.amazonaws.com",
            ),
        };
    }

    // S3 Multi-Region Access Points: {alias}.mrap.accesspoint.s3-global.amazonaws.com, signed
    // with SigV4a for every region (the request may be routed to any of the point's buckets).
    if labels.last() == Some(&"s3-global") {
        return match labels.as_slice() {
            [alias, "mrap", "accesspoint", "s3-global"] if suffix == ".amazonaws.com" => {
                if !alias
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
                {
                    return Err(
                        "a Multi-Region Access Point alias is lowercase letters and digits",
                    );
                }
                Ok(InferredScope {
                    region: ANY_REGION.to_string(),
                    service: "s3".to_string(),
                    rules: Rules::S3,
                    algorithm: Algorithm::EcdsaP256Sha256,
                })
            }
            _ => Err(
                "only Multi-Region Access Points ({alias}.mrap.accesspoint.s3-global.amazonaws.com) are recognised under s3-global",
            ),
        };
    }

    // Regionless names: the S3 global endpoint and global services.
    match labels.as_slice() {
        ["s3"] | [.., "s3"] | ["s3-external-1"] | [.., "s3-external-1"] => {
            return found("us-east-1", "s3", true);
        }
        [service] if GLOBAL_SERVICES.contains(service) && suffix == ".amazonaws.com" => {
            return found("us-east-1", service, false);
        }
        _ => {}
    }

    // Legacy dash form: [{bucket}.]s3-{region}.amazonaws.com and s3-fips-{region}.
    if let Some(last) = labels.last() {
        if last.starts_with("s3-website") {
            return Err("S3 website endpoints serve anonymous requests only and are never signed");
        }
        for prefix in ["s3-fips-", "s3-"] {
            if let Some(region) = last.strip_prefix(prefix).filter(|r| is_region(r)) {
                return found(region, "s3", true);
            }
        }
    }

    // The region is the last label that looks like one.
    let r = labels
        .iter()
        .rposition(|l| is_region(l))
        .ok_or("the AWS host name has no region label; pass the region explicitly")?;
    let region = labels[r];

    // {domain}.{region}.es / {id}.{region}.aoss: the service follows the region.
    if r + 1 < labels.len() {
        return match &labels[r + 1..] {
            ["es"] => found(region, "es", false),
            ["aoss"] => found(region, "aoss", false),
            _ => Err("unrecognised labels after the region"),
        };
    }
    if r == 0 {
        return Err("the host name has a region but no service label");
    }
    let mut s = r - 1;
    if labels[s] == "dualstack" {
        if s == 0 {
            return Err("a dualstack host name needs a service label before `dualstack`");
        }
        s -= 1;
    }
    let label = labels[s];
    let service = label.strip_suffix("-fips").unwrap_or(label);
    if service.is_empty() {
        return Err("the service label is empty");
    }
    // The IoT data plane ({prefix}-ats.iot...) is signed as `iotdata` over HTTPS and as
    // `iotdevicegateway` over MQTT WebSockets: the host alone cannot tell.
    if service == "iot" && s > 0 {
        return Err(
            "an IoT data endpoint is signed as `iotdata` (HTTPS) or `iotdevicegateway` (MQTT over WebSockets)",
        );
    }
    let s3 = matches!(service, "s3" | "s3-accesspoint" | "s3-object-lambda");
    found(region, signing_name(service), s3)
}

fn signing_name(prefix: &str) -> &str {
    SIGNING_NAMES
        .iter()
        .find(|(p, _)| *p == prefix)
        .map_or(prefix, |(_, n)| n)
}
