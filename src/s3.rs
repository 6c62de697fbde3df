//! S3 browser-based uploads (HTTP `POST` with a signed policy), both sides: [`PostPolicy`]
//! signed by [`Signer::sign_post_policy_at`](crate::Signer::sign_post_policy_at) into a
//! [`PostForm`] (the form's action URL and fields), and a [`SubmittedForm`] checked by
//! [`Verifier::verify_post_form_at`](crate::Verifier::verify_post_form_at).
//!
//! ```
//! use awssig::s3::{PostPolicy, SubmittedForm};
//! use awssig::{Credentials, Signer, Verifier};
//!
//! let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
//! let now = time::OffsetDateTime::now_utc();
//! let policy = PostPolicy::new("amzn-s3-demo-bucket")
//!     .key_starts_with("uploads/")
//!     .content_type_starts_with("image/")
//!     .content_length_range(1, 5 * 1024 * 1024);
//! let form = Signer::new(creds.clone(), "eu-west-1", "s3").sign_post_policy_at(&policy, now)?;
//! // An HTML form: <form action="{form.url()}" method="post" enctype="multipart/form-data">,
//! // a hidden input per field, an input named Content-Type, then <input type="file" name="file">.
//!
//! // What the server receives, and checks:
//! let mut submitted = SubmittedForm::new("amzn-s3-demo-bucket").file("cat.png", 48_000);
//! for (name, value) in form.fields() {
//!     submitted.push_field(name, value);
//! }
//! submitted.push_field("Content-Type", "image/png");
//! let verifier = Verifier::new(creds, "eu-west-1", "s3");
//! assert_eq!(verifier.verify_post_form_at(&submitted, now)?.key(), "uploads/cat.png");
//!
//! submitted.push_field("x-amz-meta-extra", "not in the policy");
//! let refused = verifier.verify_post_form_at(&submitted, now).unwrap_err();
//! assert_eq!(refused.aws_message(), "Invalid according to Policy: Extra input fields: x-amz-meta-extra");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod check;
mod form;
mod policy;

pub use check::{MAX_FIELDS_BYTES, PostError, SubmittedForm, VerifiedPost};
pub use form::PostForm;
pub use policy::{Condition, PostPolicy};
