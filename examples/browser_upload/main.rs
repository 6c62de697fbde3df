//! 9. Browser uploads straight to S3: a page whose form is made from an
//!    `awssig::s3::PostPolicy` (the policy, its signature and the credential as hidden fields),
//!    and a local stand-in for the bucket that checks each submitted form with
//!    `Verifier::verify_post_form_at` before storing the file.
//!
//! ```text
//! cargo run --example browser_upload --features s3
//! cargo run --example browser_upload --features s3 -- --serve   # open the page in a browser
//! ```
//! Without `--serve` it plays the browser itself: it loads the page, submits the form with a
//! file, reads the object back, then shows a file over the policy's size limit and a form whose
//! key was moved out of the policy's prefix refused with S3's answers. With `--serve` it prints
//! the page's URL and serves until Enter is pressed. (`tests/it/browser.rs` drives the page in
//! headless Chromium.)

#[path = "app.rs"]
mod app;

use awssig::Credentials;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The hidden inputs of the page's form, as (name, value), unescaped.
fn hidden_inputs(page: &str) -> Vec<(String, String)> {
    let attr = |tag: &str, name: &str| -> Option<String> {
        let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
        let end = start + tag[start..].find('"')?;
        Some(
            tag[start..end]
                .replace("&quot;", "\"")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&"),
        )
    };
    page.split("<input")
        .skip(1)
        .filter(|tag| tag.contains("type=\"hidden\""))
        .filter_map(|tag| Some((attr(tag, "name")?, attr(tag, "value")?)))
        .collect()
}

/// Submits the page's form as a browser would: its fields, then the file.
async fn submit(
    client: &reqwest::Client,
    action: &str,
    fields: &[(String, String)],
    file_name: &str,
    data: Vec<u8>,
) -> Result<(u16, String), BoxError> {
    let mut form = reqwest::multipart::Form::new();
    for (name, value) in fields {
        form = form.text(name.clone(), value.clone());
    }
    form = form.part(
        "file",
        reqwest::multipart::Part::bytes(data).file_name(file_name.to_owned()),
    );
    let res = client.post(action).multipart(form).send().await?;
    Ok((res.status().as_u16(), res.text().await?))
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    let running = app::start(creds, "us-east-1").await?;
    if std::env::args().any(|a| a == "--serve") {
        println!(
            "open {} in a browser; press Enter to stop",
            running.page_url()
        );
        let _ =
            tokio::task::spawn_blocking(|| std::io::stdin().read_line(&mut String::new())).await;
        running.stop().await;
        return Ok(());
    }

    // reqwest is built here with rustls and no default crypto provider: install ring's.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::new();
    let page = client.get(running.page_url()).send().await?.text().await?;
    let fields = hidden_inputs(&page);
    let action = format!("http://{}/{}", running.addr, app::BUCKET);
    println!("the page's form posts to {action} with fields:");
    for (name, value) in &fields {
        let shown = if value.len() > 60 {
            format!("{}…", &value[..60])
        } else {
            value.clone()
        };
        println!("  {name} = {shown}");
    }

    let data: Vec<u8> = (0..50_000u32).map(|i| (i % 251) as u8).collect();
    let (status, body) = submit(&client, &action, &fields, "photo.jpg", data.clone()).await?;
    println!(
        "\nupload photo.jpg ({} bytes): {status}\n{body}",
        data.len()
    );
    if status != 201 {
        return Err(format!("the upload was refused: {status} {body}").into());
    }
    let back = client
        .get(format!("{action}/uploads/photo.jpg"))
        .send()
        .await?
        .bytes()
        .await?;
    if back.as_ref() != data.as_slice() {
        return Err("the object read back differs from the file sent".into());
    }
    println!(
        "read back uploads/photo.jpg: {} bytes, identical",
        back.len()
    );

    let big = vec![0u8; app::MAX_FILE as usize + 1];
    let (status, body) = submit(&client, &action, &fields, "big.bin", big).await?;
    println!("\nupload a file one byte over the policy's limit: {status}\n{body}");
    if status != 400 || !body.contains("EntityTooLarge") {
        return Err(format!("expected EntityTooLarge, got {status} {body}").into());
    }

    let moved: Vec<(String, String)> = fields
        .iter()
        .map(|(n, v)| {
            (
                n.clone(),
                if n == "key" {
                    "private/x.jpg".into()
                } else {
                    v.clone()
                },
            )
        })
        .collect();
    let (status, body) = submit(&client, &action, &moved, "x.jpg", vec![1, 2, 3]).await?;
    println!("upload with the key moved out of uploads/: {status}\n{body}");
    if status != 403 || !body.contains("Policy Condition failed") {
        return Err(format!("expected a failed condition, got {status} {body}").into());
    }
    running.stop().await;
    println!("done");
    Ok(())
}
