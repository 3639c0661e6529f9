//! Typed account calls on a `TestApp`: register, read mail from the outbox, verify, log in.

use crate::helpers::TestApp;
use app::accounts::api::{GetCurrentUser, Login, Register, VerifyEmail};
use leptos::server_fn::ServerFn as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub const PASSWORD: &str = "correct horse battery staple";

impl TestApp {
    /// Calls a server function with form fields, as the hydrated page does.
    pub async fn call(
        &self,
        client: &reqwest::Client,
        path: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        client
            .post(self.url(path))
            .header("accept", "application/json")
            .form(fields)
            .send()
            .await
            .expect("POST server fn")
    }

    pub async fn register(&self, email: &str, password: &str) -> reqwest::Response {
        self.call(
            &self.client,
            Register::PATH,
            &[
                ("full_name", "Ada Lovelace"),
                ("email", email),
                ("password", password),
            ],
        )
        .await
    }

    pub async fn login_with(
        &self,
        client: &reqwest::Client,
        email: &str,
        password: &str,
    ) -> reqwest::Response {
        self.call(
            client,
            Login::PATH,
            &[("email", email), ("password", password)],
        )
        .await
    }

    /// The signed-in user's email as the server sees this client, if any.
    pub async fn whoami(&self, client: &reqwest::Client) -> Option<String> {
        let response = self.call(client, GetCurrentUser::PATH, &[]).await;
        assert!(response.status().is_success(), "{}", response.status());
        let user: Option<serde_json::Value> = response.json().await.expect("json");
        user.map(|u| u["email"].as_str().expect("email").to_owned())
    }

    pub fn outbox(&self) -> PathBuf {
        self.data_dir().join("outbox")
    }

    /// Waits for a mail to `to` whose text contains `needle`, and returns its text.
    pub async fn wait_for_mail(&self, to: &str, needle: &str) -> String {
        wait_for_mail_in(&self.outbox(), to, needle).await
    }

    /// How many delivered mails contain `needle`, once every queued mail has gone out
    /// (the queue's jobs forget their payloads when done, so the outbox is what counts).
    pub async fn delivered_mails(&self, needle: &str) -> usize {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let (waiting,): (i64,) = sqlx::query_as(
                "select count(*) from jobs where kind = 'mail.send' and status in ('queued', 'running')",
            )
            .fetch_one(self.state.db.pool())
            .await
            .expect("jobs");
            if waiting == 0 || Instant::now() > deadline {
                break;
            }
            self.state.jobs.notify();
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        read_mails(&self.outbox())
            .iter()
            .filter(|m| m.contains(needle))
            .count()
    }

    /// The link in the latest mail to `to` that starts with `prefix` (a path such as
    /// `/account/verify?token=`), made absolute with the public URL.
    pub async fn mailed_link(&self, to: &str, prefix: &str) -> String {
        let mail = self.wait_for_mail(to, prefix).await;
        extract_link(&mail, prefix).expect("the mail has the link")
    }

    /// Turns two-factor authentication on for the signed-in `client`, as the security page
    /// does (set-up, then a code from the app); returns the TOTP secret.
    pub async fn enable_two_factor(&self, client: &reqwest::Client) -> String {
        use app::accounts::api::{EnableTwoFactor, TwoFactorSetup};
        let setup = self.call(client, TwoFactorSetup::PATH, &[]).await;
        assert!(setup.status().is_success(), "set-up: {}", setup.status());
        let setup: serde_json::Value = setup.json().await.expect("json");
        let secret: String = setup["secret"]
            .as_str()
            .expect("secret")
            .split_whitespace()
            .collect();
        let code =
            app::accounts::totp::code_at(&secret, app::accounts::totp::step_now()).expect("code");
        let response = self
            .call(client, EnableTwoFactor::PATH, &[("code", &code)])
            .await;
        assert!(
            response.status().is_success(),
            "enable: {}",
            response.status()
        );
        secret
    }

    /// Registers and verifies `email`; the account can log in afterwards.
    pub async fn verified_user(&self, email: &str) {
        let response = self.register(email, PASSWORD).await;
        assert!(
            response.status().is_success(),
            "register: {}",
            response.status()
        );
        let link = self.mailed_link(email, "/account/verify?token=").await;
        let token = token_of(&link);
        let response = self
            .call(&self.client, VerifyEmail::PATH, &[("token", &token)])
            .await;
        assert!(
            response.status().is_success(),
            "verify: {}",
            response.status()
        );
    }
}

pub fn token_of(link: &str) -> String {
    link.split("token=").nth(1).expect("a token").to_owned()
}

/// Every `.eml` file in `dir`, decoded enough to read (quoted-printable undone).
pub fn read_mails(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    files.sort_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
    files
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .map(|raw| decode_quoted_printable(&raw))
        .collect()
}

pub async fn wait_for_mail_in(dir: &Path, to: &str, needle: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if let Some(mail) = read_mails(dir)
            .into_iter()
            .rev()
            .find(|m| m.contains(to) && m.contains(needle))
        {
            return mail;
        }
        assert!(
            Instant::now() < deadline,
            "no mail to {to} containing {needle:?} in {}",
            dir.display()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub fn extract_link(mail: &str, prefix: &str) -> Option<String> {
    let start = mail.find(prefix)?;
    let before = &mail[..start];
    let scheme = before.rfind("http")?;
    let end = mail[start..]
        .find(|c: char| c.is_whitespace() || c == '"' || c == '<')
        .map_or(mail.len(), |i| start + i);
    Some(mail[scheme..end].to_owned())
}

fn decode_quoted_printable(raw: &str) -> String {
    let joined = raw.replace("=\r\n", "").replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 2 < bytes.len() {
            if let Ok(byte) = u8::from_str_radix(&joined[i + 1..i + 3], 16) {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
