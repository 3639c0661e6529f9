//! `/ws/notifications`: the live feed over a WebSocket (API conventions §3.4).
//!
//! Who: the session cookie (a browser on this site: the `Origin` must be ours, so another
//! site cannot open a socket with a visitor's cookie) or `?token=<access token>` (API
//! clients). Nobody else gets past the upgrade (401 with the envelope). Every
//! [`RECHECK`] the account is checked again; a signed-out, deactivated or demoted
//! account loses the socket or the channels it no longer may read.
//!
//! Client → server: `{"type":"subscribe","channels":[…],"since":n}`, `{"type":"unsubscribe",
//! "channels":[…]}`, `{"type":"ping"}`. Server → client: `{"type":"notification","channel",
//! "seq","data"}`, `{"type":"subscribed","channels"}`, `{"type":"pong"}`, `{"type":"error",
//! "message"}`. The server pings every 30 s and closes a socket silent for 75 s. Messages
//! are at most [`MAX_MESSAGE`] bytes and [`MAX_RATE`] per 10 s; past that the socket is
//! closed (1008). Channels: `orders`, `payments` (permission `orders.read`), `stock`
//! (`inventory.adjust`), `user.<own id>` (anyone signed in, their own only).

use app::accounts::db::UserRow;
use app::accounts::Permission;
use app::platform::error::AppError;
use app::platform::live::Note;
use app::platform::state::AppState;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use serde_json::json;
use std::collections::BTreeSet;
use std::time::{Duration, Instant};
use tokio::sync::broadcast::error::RecvError;

pub const MAX_MESSAGE: usize = 4 * 1024;
pub const MAX_RATE: u32 = 30;
pub const MAX_CHANNELS: usize = 10;
const PING_EVERY: Duration = Duration::from_secs(30);
const SILENT_LIMIT: Duration = Duration::from_secs(75);
const RECHECK: Duration = Duration::from_secs(30);

pub fn router(state: AppState) -> Router {
    crate::routes::add(Router::new(), "GET", "/ws/notifications", get(upgrade)).with_state(state)
}

#[derive(Deserialize)]
struct Params {
    token: Option<String>,
}

/// How the socket proved who it is, to prove it again later.
#[derive(Clone)]
enum Credential {
    Session(tower_sessions::Session),
    Token(String),
}

impl Credential {
    async fn user(&self, state: &AppState) -> Result<UserRow, AppError> {
        match self {
            Self::Session(session) => app::accounts::session::require(&state.db, session).await,
            Self::Token(token) => app::accounts::jwt::authenticate(state, token).await,
        }
    }
}

async fn upgrade(
    State(state): State<AppState>,
    Query(params): Query<Params>,
    session: tower_sessions::Session,
    headers: http::HeaderMap,
    ws: Result<WebSocketUpgrade, axum::extract::ws::rejection::WebSocketUpgradeRejection>,
) -> Response {
    let credential = match params.token.filter(|t| !t.is_empty()) {
        Some(token) => Credential::Token(token),
        None => {
            if !same_origin(&headers) {
                return AppError::Forbidden.into_response();
            }
            Credential::Session(session)
        }
    };
    let user = match credential.user(&state).await {
        Ok(user) => user,
        Err(err) => return err.into_response(),
    };
    let ws = match ws {
        Ok(ws) => ws,
        Err(_) => {
            return AppError::validation("upgrade", "this address speaks WebSocket only")
                .into_response()
        }
    };
    ws.max_message_size(MAX_MESSAGE)
        .max_frame_size(MAX_MESSAGE)
        .on_upgrade(move |socket| serve(state, credential, user, socket))
}

/// A browser's socket must come from a page of this site (`Origin` host = `Host`).
fn same_origin(headers: &http::HeaderMap) -> bool {
    let host = headers
        .get(http::header::HOST)
        .and_then(|h| h.to_str().ok());
    let origin = headers
        .get(http::header::ORIGIN)
        .and_then(|h| h.to_str().ok());
    match (origin, host) {
        (None, _) => true,
        (Some(origin), Some(host)) => url::Url::parse(origin).ok().is_some_and(|u| {
            let port = u.port().map(|p| format!(":{p}")).unwrap_or_default();
            u.host_str().map(|h| format!("{h}{port}")).as_deref() == Some(host)
        }),
        _ => false,
    }
}

/// Whether `user` may read `channel`.
pub fn may_read(user: &UserRow, channel: &str) -> bool {
    let staff = |p: Permission| user.staff_access().is_ok() && user.can(p);
    match channel {
        "orders" | "payments" => staff(Permission::OrdersRead),
        "stock" => staff(Permission::InventoryAdjust),
        _ => channel.strip_prefix("user.") == Some(user.id.as_str()),
    }
}

#[derive(Deserialize)]
struct ClientMessage {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    channels: Vec<String>,
    since: Option<i64>,
}

async fn send(socket: &mut WebSocket, value: serde_json::Value) -> bool {
    socket
        .send(Message::Text(value.to_string().into()))
        .await
        .is_ok()
}

fn notification(note: &Note) -> serde_json::Value {
    json!({"type": "notification", "channel": note.channel, "seq": note.seq, "data": note.data})
}

async fn close(socket: &mut WebSocket, code: u16, reason: &'static str) {
    let frame = CloseFrame {
        code,
        reason: reason.into(),
    };
    let _ = socket.send(Message::Close(Some(frame))).await;
}

async fn serve(state: AppState, credential: Credential, mut user: UserRow, mut socket: WebSocket) {
    let mut feed = state.live.subscribe();
    let mut channels: BTreeSet<String> = BTreeSet::new();
    // The last number this socket has been sent (or chose to skip to).
    let mut last = state.live.last();
    let mut heard = Instant::now();
    let mut window = (Instant::now(), 0u32);
    let mut ping = tokio::time::interval(PING_EVERY);
    let mut recheck = tokio::time::interval(RECHECK);
    ping.tick().await;
    recheck.tick().await;
    loop {
        tokio::select! {
            incoming = socket.recv() => {
                let Some(Ok(message)) = incoming else { return };
                heard = Instant::now();
                if window.0.elapsed() > Duration::from_secs(10) {
                    window = (Instant::now(), 0);
                }
                window.1 += 1;
                if window.1 > MAX_RATE {
                    close(&mut socket, 1008, "too many messages").await;
                    return;
                }
                let text = match message {
                    Message::Text(text) => text.to_string(),
                    Message::Close(_) => return,
                    Message::Ping(_) | Message::Pong(_) => continue,
                    Message::Binary(_) => {
                        close(&mut socket, 1003, "text messages only").await;
                        return;
                    }
                };
                let Ok(msg) = serde_json::from_str::<ClientMessage>(&text) else {
                    if !send(&mut socket, json!({"type": "error", "message": "send JSON with a \"type\""})).await { return }
                    continue;
                };
                match msg.kind.as_str() {
                    "ping" => if !send(&mut socket, json!({"type": "pong"})).await { return },
                    "subscribe" => {
                        let (ok, refused): (Vec<String>, Vec<String>) =
                            msg.channels.into_iter().take(MAX_CHANNELS).partition(|c| may_read(&user, c));
                        for c in &refused {
                            let message = format!("you may not subscribe to \"{}\"", c.chars().take(60).collect::<String>());
                            if !send(&mut socket, json!({"type": "error", "message": message})).await { return }
                        }
                        channels.extend(ok.iter().cloned());
                        channels = channels.into_iter().take(MAX_CHANNELS).collect();
                        if !send(&mut socket, json!({"type": "subscribed", "channels": channels})).await { return }
                        // Catch up: what the client missed since the number it saw last.
                        if let Some(since) = msg.since.filter(|s| *s >= 0 && *s < last) {
                            let list: Vec<String> = channels.iter().cloned().collect();
                            if let Ok(notes) = state.live.since(since, &list).await {
                                for note in notes.iter().filter(|n| n.seq <= last) {
                                    if !send(&mut socket, notification(note)).await { return }
                                }
                            }
                        }
                    }
                    "unsubscribe" => {
                        for c in &msg.channels {
                            channels.remove(c);
                        }
                        if !send(&mut socket, json!({"type": "subscribed", "channels": channels})).await { return }
                    }
                    _ => if !send(&mut socket, json!({"type": "error", "message": "unknown type"})).await { return },
                }
            }
            note = feed.recv() => match note {
                Ok(note) => {
                    if note.seq <= last { continue }
                    last = note.seq;
                    if channels.contains(&note.channel) && !send(&mut socket, notification(&note)).await {
                        return;
                    }
                }
                Err(RecvError::Lagged(_)) => {
                    // Too slow to keep up: send what was missed from the table.
                    let list: Vec<String> = channels.iter().cloned().collect();
                    if let Ok(notes) = state.live.since(last, &list).await {
                        for note in &notes {
                            if !send(&mut socket, notification(note)).await { return }
                        }
                    }
                    last = state.live.last();
                }
                Err(RecvError::Closed) => return,
            },
            _ = ping.tick() => {
                if heard.elapsed() > SILENT_LIMIT {
                    close(&mut socket, 1001, "no answer").await;
                    return;
                }
                if socket.send(Message::Ping(Vec::new().into())).await.is_err() { return }
            }
            _ = recheck.tick() => match credential.user(&state).await {
                Ok(fresh) => {
                    user = fresh;
                    channels.retain(|c| may_read(&user, c));
                }
                Err(_) => {
                    close(&mut socket, 4001, "signed out").await;
                    return;
                }
            },
        }
    }
}
