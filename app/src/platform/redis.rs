//! The Redis connection every shared piece uses (sessions, rate limits, the catalog
//! cache's invalidation channel), present when `REDIS_URL` is set.

/// A connected Redis pool (fred).
pub type Redis = tower_sessions_redis_store::fred::prelude::Pool;
