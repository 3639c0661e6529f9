//! Abuse limits: counters per (bucket, key) whose window opens at the first hit, in
//! process by default or in Redis when `REDIS_URL` is set, so every instance sees the
//! same counts.

use crate::platform::db::now_ms;
use crate::platform::error::AppError;
use crate::platform::redis::Redis;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tower_sessions_redis_store::fred::prelude::KeysInterface as _;

/// A limit: at most `max` hits per `window_secs`.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub bucket: &'static str,
    pub max: u32,
    pub window_secs: u64,
}

/// Login, registration and password-reset requests per client IP.
pub const AUTH_PER_IP: Limit = Limit {
    bucket: "auth-ip",
    max: 10,
    window_secs: 60,
};

/// Sign-in attempts per account (by email, known or not: no enumeration through the
/// limit). Counted before the password is checked and cleared by a success, so a burst
/// of parallel guesses gets no more than `max` of them checked.
pub const LOGIN_FAILURES_PER_ACCOUNT: Limit = Limit {
    bucket: "login-fail",
    max: 5,
    window_secs: 15 * 60,
};

/// Payments started (stock held) per client address: with the cap on holds at once
/// (`checkout::payment::MAX_HOLDS_PER_CLIENT`), nobody empties the shop by holding it.
pub const PAYMENT_STARTS_PER_CLIENT: Limit = Limit {
    bucket: "pay-start",
    max: 20,
    window_secs: 60 * 60,
};

/// Re-checks of a signed-in user's current password (changing the password or email,
/// deleting the account, turning two-factor off), per account; same rule as sign-in.
pub const PASSWORD_CHECKS_PER_ACCOUNT: Limit = Limit {
    bucket: "password-check",
    max: 5,
    window_secs: 15 * 60,
};

/// REST API requests by a customer (per account) or anonymous client (per address): the
/// specification's "public" group.
pub const PUBLIC_API: Limit = Limit {
    bucket: "api-public",
    max: 100,
    window_secs: 60,
};

/// REST API requests by staff or an API key (per account or key): the "admin" group.
pub const ADMIN_API: Limit = Limit {
    bucket: "api-admin",
    max: 1000,
    window_secs: 60,
};

/// The state of a counter after a hit, as the `X-RateLimit-*` headers report it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub limit: u32,
    pub remaining: u32,
    /// Seconds until the window resets.
    pub reset_secs: u64,
    pub allowed: bool,
}

impl Decision {
    pub fn into_result(self) -> Result<Self, AppError> {
        if self.allowed {
            Ok(self)
        } else {
            Err(AppError::RateLimited {
                retry_after: self.reset_secs.max(1),
                reset_at: self.reset_at(),
                limit: self.limit,
            })
        }
    }

    /// `X-RateLimit-Limit`, `-Remaining` and `-Reset` (the Unix time, in seconds, at which
    /// the window resets, as the API specification's example has it).
    pub fn headers(&self) -> [(&'static str, String); 3] {
        [
            ("x-ratelimit-limit", self.limit.to_string()),
            ("x-ratelimit-remaining", self.remaining.to_string()),
            ("x-ratelimit-reset", self.reset_at().to_string()),
        ]
    }

    /// The Unix time (seconds) at which the window resets.
    fn reset_at(&self) -> u64 {
        u64::try_from(now_ms() / 1000).unwrap_or(0) + self.reset_secs
    }
}

#[derive(Clone)]
pub struct RateLimiter {
    store: Store,
}

#[derive(Clone)]
enum Store {
    /// Count and the time (unix ms) the window ends, per counter.
    Memory(Arc<Mutex<HashMap<String, (u32, i64)>>>),
    Redis(Redis),
}

impl std::fmt::Debug for RateLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self.store {
            Store::Memory(_) => "RateLimiter(memory)",
            Store::Redis(_) => "RateLimiter(redis)",
        })
    }
}

impl RateLimiter {
    pub fn new(redis: Option<Redis>) -> Self {
        let store = match redis {
            Some(pool) => Store::Redis(pool),
            None => Store::Memory(Arc::default()),
        };
        Self { store }
    }

    /// Counts one hit and says whether it is within the limit.
    pub async fn hit(&self, limit: Limit, key: &str) -> Result<Decision, AppError> {
        self.count(limit, key, 1).await
    }

    /// Counts one sign-in, registration or reset request from `ip` against
    /// [`AUTH_PER_IP`]: the one counter of that family, for server functions and REST
    /// alike. The decision, allowed or not, is for the `X-RateLimit-*` headers.
    pub async fn hit_auth(&self, ip: &str) -> Result<Decision, AppError> {
        self.hit(AUTH_PER_IP, ip).await
    }

    /// Counts an attempt *before* it is made, refusing it when the counter is full: for
    /// limits on guesses, where checking first and counting after would let a parallel
    /// burst through. The caller [`reset`](Self::reset)s on success.
    pub async fn attempt(&self, limit: Limit, key: &str) -> Result<Decision, AppError> {
        self.hit(limit, key).await?.into_result()
    }

    /// The current state without counting.
    pub async fn peek(&self, limit: Limit, key: &str) -> Result<Decision, AppError> {
        self.count(limit, key, 0).await
    }

    /// Forgets the counter (a successful login clears the failures).
    pub async fn reset(&self, limit: Limit, key: &str) -> Result<(), AppError> {
        let name = counter_key(limit, key);
        match &self.store {
            Store::Memory(map) => {
                lock(map).remove(&name);
            }
            Store::Redis(pool) => {
                pool.del::<i64, _>(name)
                    .await
                    .map_err(|e| redis_error(e, "clearing a rate limit"))?;
            }
        }
        Ok(())
    }

    /// Adds `add` hits (0 to look) to the counter. A window opens at the first hit and
    /// lasts `window_secs`: a burst is never split by a clock boundary.
    async fn count(&self, limit: Limit, key: &str, add: u32) -> Result<Decision, AppError> {
        let name = counter_key(limit, key);
        let window_ms = i64::try_from(limit.window_secs).unwrap_or(i64::MAX / 2) * 1000;
        let now = now_ms();
        let (count, reset_ms) = match &self.store {
            Store::Memory(map) => {
                let mut map = lock(map);
                if map.len() > 50_000 {
                    map.retain(|_, (_, reset_at)| *reset_at > now);
                }
                let entry = map.entry(name).or_insert((0, now + window_ms));
                if entry.1 <= now {
                    *entry = (0, now + window_ms);
                }
                entry.0 = entry.0.saturating_add(add);
                (entry.0, entry.1 - now)
            }
            Store::Redis(pool) => {
                let count: i64 = if add == 0 {
                    pool.get::<Option<i64>, _>(name.clone())
                        .await
                        .map_err(|e| redis_error(e, "reading a rate limit"))?
                        .unwrap_or(0)
                } else {
                    pool.incr::<i64, _>(name.clone())
                        .await
                        .map_err(|e| redis_error(e, "counting a rate limit"))?
                };
                let mut ttl: i64 = pool
                    .pttl(name.clone())
                    .await
                    .map_err(|e| redis_error(e, "reading a rate limit's expiry"))?;
                // -1: counted but no expiry yet (the first hit, or a crash just after it).
                if ttl == -1 {
                    pool.pexpire::<(), _>(name, window_ms, None)
                        .await
                        .map_err(|e| redis_error(e, "expiring a rate limit"))?;
                    ttl = window_ms;
                }
                (u32::try_from(count).unwrap_or(u32::MAX), ttl.max(0))
            }
        };
        let reset_secs = u64::try_from((reset_ms + 999) / 1000).unwrap_or(0);
        Ok(Decision {
            limit: limit.max,
            remaining: limit.max.saturating_sub(count),
            reset_secs: if count == 0 {
                limit.window_secs
            } else {
                reset_secs
            },
            // A hit is allowed if it is within the limit; a peek asks whether one more is.
            allowed: if add == 0 {
                count < limit.max
            } else {
                count <= limit.max
            },
        })
    }
}

/// The counter's name in the store.
fn counter_key(limit: Limit, key: &str) -> String {
    format!("oxcart:rl:{}:{key}", limit.bucket)
}

fn lock(
    map: &Mutex<HashMap<String, (u32, i64)>>,
) -> std::sync::MutexGuard<'_, HashMap<String, (u32, i64)>> {
    map.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn redis_error(err: impl std::fmt::Display, what: &str) -> AppError {
    tracing::error!(error = %err, "redis: {what}");
    AppError::Unavailable("the rate limiter".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TINY: Limit = Limit {
        bucket: "test",
        max: 2,
        window_secs: 3600,
    };

    #[tokio::test]
    async fn the_third_hit_in_a_window_is_refused_and_reset_clears_it() {
        let limiter = RateLimiter::new(None);
        let first = limiter.hit(TINY, "k").await.expect("hit");
        assert_eq!((first.allowed, first.remaining, first.limit), (true, 1, 2));
        assert!(limiter.hit(TINY, "k").await.expect("hit").allowed);
        let third = limiter.hit(TINY, "k").await.expect("hit");
        assert!(!third.allowed);
        assert_eq!(third.remaining, 0);
        assert!(third.reset_secs >= 1 && third.reset_secs <= 3600);
        assert!(
            limiter.hit(TINY, "other").await.expect("hit").allowed,
            "keys are separate"
        );
        limiter.reset(TINY, "k").await.expect("reset");
        assert!(limiter.peek(TINY, "k").await.expect("peek").allowed);
    }
}
