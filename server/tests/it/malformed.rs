//! A corpus of malformed requests sent to every server function and every listed route
//! of the `oxcart` binary (new ones are found automatically: `server_fn_paths()` and
//! `oxcart_server::routes::listed()`): no answer is a 5xx, and the log shows no panic
//! and no failed request. Bodies a client cannot send well-formed (a Content-Length
//! longer than the body, broken chunks) go over a raw socket.

use crate::both_backends;
use crate::helpers::{TestApp, TestDb};
use std::io::BufReader;
use std::process::{Command, Stdio};
use std::time::Duration;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// One malformed request: content type, extra headers, body.
struct Case {
    name: &'static str,
    content_type: Option<&'static str>,
    headers: &'static [(&'static str, &'static str)],
    body: Vec<u8>,
}

fn corpus() -> Vec<Case> {
    let form = Some("application/x-www-form-urlencoded");
    let json = Some("application/json");
    let nested = format!("{}{}", "[".repeat(20_000), "]".repeat(20_000)).into_bytes();
    let case = |name, content_type, headers, body: &[u8]| Case {
        name,
        content_type,
        headers,
        body: body.to_vec(),
    };
    vec![
        case("empty", form, &[], b""),
        case(
            "invalid utf-8 form",
            form,
            &[],
            b"email=\xff\xfe&password=\xc3\x28",
        ),
        case("invalid utf-8 json", json, &[], b"{\"a\":\"\xff\"}"),
        case(
            "truncated json",
            json,
            &[],
            b"{\"email\": \"a@b.c\", \"pass",
        ),
        case("json null", json, &[], b"null"),
        case("json array", json, &[], b"[]"),
        Case {
            name: "deeply nested json",
            content_type: json,
            headers: &[],
            body: nested,
        },
        case(
            "utf-16",
            Some("application/x-www-form-urlencoded; charset=utf-16"),
            &[],
            b"\xff\xfee\0",
        ),
        case(
            "gzip garbage",
            form,
            &[("content-encoding", "gzip")],
            b"\x1f\x8b\x08garbage",
        ),
        case(
            "multipart without boundary",
            Some("multipart/form-data"),
            &[],
            b"--x\r\n\r\n",
        ),
        case(
            "multipart garbage",
            Some("multipart/form-data; boundary=xyz"),
            &[],
            b"--xyz\r\nContent-Disposition: form-data; name=\"avatar\"\r\n\r\n\x89PNG",
        ),
        case("xml", Some("application/xml"), &[], b"<a/>"),
        case("text", Some("text/plain"), &[], b"hello"),
        case("percent garbage", form, &[], b"a=%zz&b=%&c==&&=="),
        case("repeated keys", form, &[], b"id=1&id=2&id=3&quantity=1e999"),
        case(
            "bad bearer",
            json,
            &[("authorization", "Bearer not.a.jwt")],
            b"{}",
        ),
    ]
}

/// The status of a request written by hand; `None` if the server closed without one.
async fn raw(addr: &str, request: &[u8]) -> Option<u16> {
    let mut stream = tokio::net::TcpStream::connect(addr).await.ok()?;
    let _ = stream.write_all(request).await;
    let _ = stream.shutdown().await;
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    let read_head = async {
        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => head.extend_from_slice(&buf[..n]),
            }
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(10), read_head).await;
    let text = String::from_utf8_lossy(&head);
    text.strip_prefix("HTTP/1.1 ")?.get(..3)?.parse().ok()
}

/// Requests only a raw socket can send: a body far over the limit (declared, not sent),
/// a Content-Length longer than the body, broken chunked encoding.
fn raw_cases(path: &str, host: &str) -> Vec<(&'static str, Vec<u8>)> {
    let head = |extra: &str| {
        format!(
            "POST {path} HTTP/1.1\r\nHost: {host}\r\nAccept: application/json\r\nConnection: close\r\n\
             Content-Type: application/x-www-form-urlencoded\r\n{extra}\r\n"
        )
    };
    vec![
        (
            "20 MB declared",
            format!(
                "{}{}",
                head("Content-Length: 20971520\r\n"),
                "a=".repeat(1000)
            )
            .into_bytes(),
        ),
        (
            "Content-Length longer than the body",
            format!("{}a=1", head("Content-Length: 5000\r\n")).into_bytes(),
        ),
        (
            "broken chunks",
            format!(
                "{}zz\r\nnot hex\r\n",
                head("Transfer-Encoding: chunked\r\n")
            )
            .into_bytes(),
        ),
    ]
}

/// A path with its parameters filled in.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|s| if s.starts_with('{') { "x%ZZ" } else { s })
        .collect::<Vec<_>>()
        .join("/")
}

both_backends!(
    malformed_requests_to_every_route_get_a_4xx_and_no_panic,
    |backend| async move {
        // An app in this process lists the routes (and checks the build wires them).
        let db = TestDb::fresh(backend).await;
        let listing = TestApp::spawn(&db, &[]).await;
        drop(listing);
        let functions: Vec<String> = leptos::server_fn::axum::server_fn_paths()
            .map(|(path, _)| path.to_owned())
            .collect();
        assert!(functions.len() > 40, "{} server functions", functions.len());
        let routes = oxcart_server::routes::listed();
        assert!(
            routes.iter().any(|(_, p)| *p == "/api/v1/auth/login"),
            "{routes:?}"
        );

        // The binary, attacked from outside.
        let db = TestDb::fresh(backend).await;
        let mut child = crate::binary::oxcart(db.data_dir.path())
            .env("DATABASE_URL", &db.url)
            .env("OXCART_ADDR", "127.0.0.1:0")
            .env("LOG_FORMAT", "json")
            .env("RUST_BACKTRACE", "0")
            .arg("serve")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start oxcart");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let (addr, _) = crate::binary::listening(&mut stdout);
        let addr = addr.expect("the server announces its address");
        // Read the log as it comes, or the server blocks writing it once the pipe is full.
        let drain = |mut from: Box<dyn std::io::Read + Send>| {
            std::thread::spawn(move || {
                let mut text = String::new();
                let _ = from.read_to_string(&mut text);
                text
            })
        };
        let log = drain(Box::new(stdout));
        let errors = drain(Box::new(child.stderr.take().expect("stderr")));
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()
            .expect("client");

        let mut targets: Vec<(String, String)> = functions
            .iter()
            .map(|p| ("POST".to_owned(), p.clone()))
            .collect();
        for (method, path) in &routes {
            targets.push(((*method).to_owned(), concrete(path)));
        }
        let mut failures = Vec::new();
        let mut sent = 0;
        for (method, path) in &targets {
            let method: reqwest::Method = method.parse().expect("method");
            for case in corpus() {
                let url = format!("http://{addr}{path}?page=-1&limit=99999999999999999999&q=%ZZ");
                let mut request = client
                    .request(method.clone(), &url)
                    .header("accept", "application/json")
                    .body(case.body.clone());
                if let Some(ct) = case.content_type {
                    request = request.header("content-type", ct);
                }
                for (k, v) in case.headers {
                    request = request.header(*k, *v);
                }
                sent += 1;
                match request.send().await {
                    Ok(r) if r.status().is_server_error() => {
                        failures.push(format!("{method} {path} [{}]: {}", case.name, r.status()))
                    }
                    Ok(_) => {}
                    Err(e) if e.is_timeout() => {
                        failures.push(format!("{method} {path} [{}]: timed out", case.name))
                    }
                    // The server may close a connection whose body it refused.
                    Err(_) => {}
                }
            }
            if method == reqwest::Method::POST {
                for (name, bytes) in raw_cases(path, &addr) {
                    sent += 1;
                    if raw(&addr, &bytes).await.is_some_and(|s| s >= 500) {
                        failures.push(format!("{method} {path} [{name}]: 5xx"));
                    }
                }
            }
        }
        assert!(sent > 500, "{sent} requests");

        let pid = child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let _ = child.wait();
        let log = log.join().expect("the log");
        let stderr = errors.join().expect("stderr");
        assert!(
            failures.is_empty(),
            "{} failures:\n{}",
            failures.len(),
            failures.join("\n")
        );
        for line in log.lines().chain(stderr.lines()) {
            assert!(
                !line.contains("panicked") && !line.contains("request failed"),
                "the log: {line}"
            );
        }
    }
);
