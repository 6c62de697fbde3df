//! The browser-upload service: a page with an upload form made from an `awssig::s3::PostPolicy`,
//! and a local stand-in for the S3 bucket it posts to, which checks each form with
//! `Verifier::verify_post_form_at` before storing the file. Shared by `examples/browser_upload`
//! and the headless-browser test (`tests/it/browser.rs`).
#![allow(dead_code, unreachable_pub, clippy::unwrap_used)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use awssig::s3::{PostError, PostPolicy, SubmittedForm};
use awssig::{Credentials, Signer, Verifier};
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;

/// The bucket the page uploads to.
pub const BUCKET: &str = "browser-uploads";
/// The largest file the policy allows.
pub const MAX_FILE: u64 = 1024 * 1024;

/// The objects stored, by key.
pub type Store = Arc<Mutex<HashMap<String, Vec<u8>>>>;

#[derive(Clone)]
struct App {
    signer: Signer,
    verifier: Verifier,
    store: Store,
    /// Where the form posts to: this server's bucket URL.
    action: String,
}

/// A running service: its address, the objects it stored, and a handle that stops it.
pub struct Running {
    pub addr: SocketAddr,
    pub store: Store,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Running {
    /// The page's URL.
    pub fn page_url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Stops the server and waits for it.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

/// Starts the service on 127.0.0.1 (an ephemeral port) for `creds` in `region`.
pub async fn start(creds: Credentials, region: &str) -> std::io::Result<Running> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
    let addr = listener.local_addr()?;
    let store: Store = Arc::default();
    let app = App {
        signer: Signer::new(creds.clone(), region, "s3"),
        verifier: Verifier::new(creds, region, "s3"),
        store: store.clone(),
        action: format!("http://{addr}/{BUCKET}"),
    };
    let router = Router::new()
        .route("/", get(page))
        .route("/{bucket}", axum::routing::post(upload))
        .route("/{bucket}/{*key}", get(object))
        // The form's fields (20 KB at most) and a file of at most MAX_FILE, with room for the
        // multipart framing; a larger body is refused before it is read.
        .layer(DefaultBodyLimit::max(MAX_FILE as usize + 64 * 1024))
        .with_state(app);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, router)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await;
    });
    Ok(Running {
        addr,
        store,
        stop: Some(stop),
        task: Some(task),
    })
}

/// The upload page: a form signed now, valid for ten minutes, for keys under `uploads/`, files
/// of 1 byte to `MAX_FILE`, any `Content-Type` the page sets.
async fn page(State(app): State<App>) -> Response {
    let policy = PostPolicy::new(BUCKET)
        .key_starts_with("uploads/")
        .starts_with("Content-Type", "")
        .content_length_range(1, MAX_FILE)
        .success_action_status(201)
        .expires_in(Duration::from_secs(600));
    let form = match app.signer.sign_post_policy_at(&policy, SystemTime::now()) {
        Ok(form) => form,
        Err(e) => return (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    };
    let mut inputs = String::new();
    for (name, value) in form.fields() {
        inputs.push_str(&format!(
            "    <input type=\"hidden\" name=\"{}\" value=\"{}\">\n",
            escape(name),
            escape(value)
        ));
    }
    Html(format!(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Upload</title></head><body>\n\
         <form id=\"upload\" action=\"{action}\" method=\"post\" enctype=\"multipart/form-data\">\n\
         {inputs}    <input type=\"hidden\" name=\"Content-Type\" value=\"application/octet-stream\">\n\
         \x20   <input id=\"file\" type=\"file\" name=\"file\">\n\
         \x20   <input id=\"submit\" type=\"submit\" value=\"Upload\">\n\
         </form>\n</body></html>\n",
        action = escape(&app.action),
    ))
    .into_response()
}

/// HTML attribute escaping.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// S3's XML error body.
fn s3_error(status: u16, code: &str, message: &str) -> Response {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{}</Message></Error>\n",
        escape(message)
    );
    (
        StatusCode::from_u16(status).unwrap_or(StatusCode::FORBIDDEN),
        [(header::CONTENT_TYPE, "application/xml")],
        body,
    )
        .into_response()
}

fn refused(e: &PostError) -> Response {
    s3_error(e.status(), e.aws_code(), &e.aws_message())
}

/// The bucket's POST: the fields (which S3 reads before the file), then the file, checked
/// against the policy before it is stored.
async fn upload(
    State(app): State<App>,
    Path(bucket): Path<String>,
    mut parts: Multipart,
) -> Response {
    let mut form = SubmittedForm::new(bucket.clone());
    let mut file = None;
    loop {
        let part = match parts.next_field().await {
            Ok(Some(part)) => part,
            Ok(None) => break,
            Err(e) => return s3_error(400, "MalformedPOSTRequest", &e.to_string()),
        };
        let name = part.name().unwrap_or_default().to_owned();
        if name.eq_ignore_ascii_case("file") {
            let file_name = part.file_name().unwrap_or_default().to_owned();
            match part.bytes().await {
                Ok(data) => file = Some((file_name, data)),
                Err(e) => return s3_error(400, "MalformedPOSTRequest", &e.to_string()),
            }
            // S3 ignores what follows the file.
            break;
        }
        match part.text().await {
            Ok(value) => form.push_field(name, value),
            Err(e) => return s3_error(400, "MalformedPOSTRequest", &e.to_string()),
        }
    }
    let Some((file_name, data)) = file else {
        return s3_error(
            400,
            "InvalidArgument",
            "POST requires exactly one file upload per request.",
        );
    };
    let form = form.file(file_name, data.len() as u64);
    let verified = match app.verifier.verify_post_form_at(&form, SystemTime::now()) {
        Ok(v) => v,
        Err(e) => return refused(&e),
    };
    let key = verified.key().to_owned();
    app.store.lock().unwrap().insert(key.clone(), data.to_vec());
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PostResponse><Bucket>{}</Bucket><Key>{}</Key></PostResponse>\n",
        escape(&bucket),
        escape(&key)
    );
    (
        StatusCode::CREATED,
        [(header::CONTENT_TYPE, "application/xml")],
        body,
    )
        .into_response()
}

/// Reads an object back.
async fn object(State(app): State<App>, Path((_bucket, key)): Path<(String, String)>) -> Response {
    match app.store.lock().unwrap().get(&key) {
        Some(data) => data.clone().into_response(),
        None => s3_error(404, "NoSuchKey", "The specified key does not exist."),
    }
}
