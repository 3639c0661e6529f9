//! The live feed's plumbing: notifications written in the transaction of the change they
//! tell about ([`publish`]), numbered in commit order, and delivered to this instance's
//! WebSocket connections by one task ([`Live`]) that reads what is new. The table is the
//! truth; the signals only say "look now": in-process after a local commit
//! ([`Live::wake`]), across instances through Redis pub/sub when `REDIS_URL` is set, else
//! PostgreSQL `LISTEN/NOTIFY`, and on SQLite (one process) nothing else is needed. A lost
//! signal costs at most [`POLL`]: the task looks anyway that often. A client that
//! reconnects asks for what it missed by number ([`Live::since`]).

use crate::platform::db::{now_ms, AnyConnection, Db};
use crate::platform::redis::Redis;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, Notify};

/// The Redis channel and the PostgreSQL `LISTEN` name of the "look now" signal.
pub const SIGNAL: &str = "oxcart_live";
pub const POLL: Duration = Duration::from_secs(2);
/// Notifications older than this are purged (a client away longer reloads the page).
pub const KEEP_MS: i64 = 24 * 3600 * 1000;
/// At most this many missed notifications are sent on reconnect.
pub const CATCH_UP: i64 = 200;

/// One notification as stored and sent.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub seq: i64,
    pub channel: String,
    pub data: serde_json::Value,
}

/// Writes a notification inside the caller's transaction. The counter row stays locked
/// until that transaction ends, so numbers become visible in order: a reader that has
/// seen number n has seen every smaller one.
pub async fn publish(
    conn: &mut AnyConnection,
    channel: &str,
    data: &serde_json::Value,
) -> Result<i64, sqlx::Error> {
    let (seq,): (i64,) = sqlx::query_as(
        "update counters set value = value + 1 where name = 'notification' returning value",
    )
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query(
        "insert into notifications (seq, channel, data, created_at) values ($1, $2, $3, $4)",
    )
    .bind(seq)
    .bind(channel)
    .bind(data.to_string())
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    Ok(seq)
}

#[derive(Clone, Debug)]
pub struct Live {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    db: Db,
    sender: broadcast::Sender<Arc<Note>>,
    wake: Notify,
    last: AtomicI64,
    redis: Option<Redis>,
    postgres: bool,
}

impl Live {
    /// Starts the delivery task, and the cross-instance listener: Redis when given, else
    /// PostgreSQL's `LISTEN` on `postgres_url` when given.
    pub async fn start(db: Db, redis: Option<Redis>, postgres_url: Option<String>) -> Self {
        let last = latest(&db).await.unwrap_or(0);
        let (sender, _) = broadcast::channel(1024);
        let live = Self {
            inner: Arc::new(Inner {
                db,
                sender,
                wake: Notify::new(),
                last: AtomicI64::new(last),
                postgres: redis.is_none() && postgres_url.is_some(),
                redis: redis.clone(),
            }),
        };
        tokio::spawn(live.clone().deliver());
        if let Some(redis) = redis {
            if let Err(err) = live.clone().listen_redis(redis).await {
                tracing::warn!(error = %err, "live feed: no Redis signal, polling");
            }
        } else if let Some(url) = postgres_url {
            tokio::spawn(live.clone().listen_postgres(url));
        }
        live
    }

    /// New notifications as they are delivered on this instance.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Note>> {
        self.inner.sender.subscribe()
    }

    /// The newest number delivered here (a new connection starts after it).
    pub fn last(&self) -> i64 {
        self.inner.last.load(Ordering::Acquire)
    }

    /// After a commit that published: deliver here now, and tell the other instances.
    pub fn wake(&self) {
        self.inner.wake.notify_one();
        let this = self.clone();
        if self.inner.redis.is_some() || self.inner.postgres {
            tokio::spawn(async move { this.signal_others().await });
        }
    }

    async fn signal_others(&self) {
        if let Some(redis) = &self.inner.redis {
            use tower_sessions_redis_store::fred::prelude::PubsubInterface as _;
            let sent: Result<i64, _> = redis.next().publish(SIGNAL, "1").await;
            if let Err(err) = sent {
                tracing::warn!(error = %err, "live feed: could not signal other instances");
            }
        } else if self.inner.postgres {
            let sent = sqlx::query("select pg_notify($1, '')")
                .bind(SIGNAL)
                .execute(self.inner.db.pool())
                .await;
            if let Err(err) = sent {
                tracing::warn!(error = %err, "live feed: could not signal other instances");
            }
        }
    }

    /// The notifications of `channels` after `seq` (at most [`CATCH_UP`], oldest first).
    pub async fn since(&self, seq: i64, channels: &[String]) -> Result<Vec<Note>, sqlx::Error> {
        let rows = read_after(&self.inner.db, seq, CATCH_UP * 4).await?;
        let mut notes: Vec<Note> = rows
            .into_iter()
            .filter(|n| channels.contains(&n.channel))
            .collect();
        let extra = notes.len().saturating_sub(CATCH_UP as usize);
        notes.drain(..extra);
        Ok(notes)
    }

    async fn deliver(self) {
        loop {
            tokio::select! {
                _ = self.inner.wake.notified() => {}
                _ = tokio::time::sleep(POLL) => {}
            }
            loop {
                let after = self.last();
                match read_after(&self.inner.db, after, 500).await {
                    Ok(notes) if notes.is_empty() => break,
                    Ok(notes) => {
                        for note in notes {
                            self.inner.last.store(note.seq, Ordering::Release);
                            // No receiver is fine: nobody is connected here.
                            let _ = self.inner.sender.send(Arc::new(note));
                        }
                    }
                    Err(err) => {
                        tracing::warn!(error = %err, "live feed: could not read notifications");
                        break;
                    }
                }
            }
        }
    }

    async fn listen_redis(self, redis: Redis) -> anyhow::Result<()> {
        use tower_sessions_redis_store::fred::prelude::{
            ClientLike as _, EventInterface as _, PubsubInterface as _,
        };
        let subscriber = redis.next().clone_new();
        subscriber.init().await?;
        subscriber.subscribe(SIGNAL).await?;
        let mut messages = subscriber.message_rx();
        let mut reconnects = subscriber.reconnect_rx();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    message = messages.recv() => match message {
                        Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => self.inner.wake.notify_one(),
                        Err(_) => break,
                    },
                    reconnect = reconnects.recv() => match reconnect {
                        Ok(_) => {
                            self.inner.wake.notify_one();
                            if let Err(err) = subscriber.subscribe(SIGNAL).await {
                                tracing::warn!(error = %err, "live feed: could not re-subscribe");
                            }
                        }
                        Err(broadcast::error::RecvError::Lagged(_)) => {}
                        Err(_) => break,
                    },
                }
            }
        });
        Ok(())
    }

    async fn listen_postgres(self, url: String) {
        loop {
            match sqlx_postgres::PgListener::connect(&url).await {
                Ok(mut listener) => {
                    if let Err(err) = listener.listen(SIGNAL).await {
                        tracing::warn!(error = %err, "live feed: LISTEN failed");
                    } else {
                        while listener.recv().await.is_ok() {
                            self.inner.wake.notify_one();
                        }
                    }
                }
                Err(err) => tracing::warn!(error = %err, "live feed: no LISTEN connection"),
            }
            // Whatever was said while away is read by the next look.
            self.inner.wake.notify_one();
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }
}

async fn latest(db: &Db) -> Result<i64, sqlx::Error> {
    let (seq,): (i64,) =
        sqlx::query_as("select cast(coalesce(max(seq), 0) as bigint) from notifications")
            .fetch_one(db.pool())
            .await?;
    Ok(seq)
}

async fn read_after(db: &Db, seq: i64, limit: i64) -> Result<Vec<Note>, sqlx::Error> {
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "select seq, channel, data from notifications where seq > $1 order by seq limit $2",
    )
    .bind(seq)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(seq, channel, data)| Note {
            seq,
            channel,
            data: serde_json::from_str(&data).unwrap_or(serde_json::Value::Null),
        })
        .collect())
}

/// Deletes notifications older than [`KEEP_MS`]; returns how many.
pub async fn purge(db: &Db) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("delete from notifications where created_at < $1")
        .bind(now_ms() - KEEP_MS)
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected())
}
