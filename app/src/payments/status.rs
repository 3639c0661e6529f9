//! A payment attempt's status and the one rule of how it may change.

/// Where a payment attempt stands (`payments.status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptStatus {
    /// Started: it holds stock and the discount use until it ends or its hold expires.
    Pending,
    /// The provider captured the money: its order exists.
    Succeeded,
    /// Declined, or given up here (the checkout changed, a new attempt replaced it).
    Failed,
    /// Its hold ran out before it was paid.
    Expired,
}

impl AttemptStatus {
    pub const ALL: [Self; 4] = [Self::Pending, Self::Succeeded, Self::Failed, Self::Expired];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::Expired => "expired",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == s)
    }

    /// The allowed changes: a pending attempt ends as succeeded, failed or expired; a
    /// failed or expired one may still succeed (the provider captured it after all, and
    /// `orders::transition` applies the late rules). Nothing leaves `succeeded`.
    pub fn can_become(self, to: Self) -> bool {
        use AttemptStatus::*;
        matches!(
            (self, to),
            (Pending, Succeeded | Failed | Expired) | (Failed | Expired, Succeeded)
        )
    }

    /// The statuses that may become `to`, as an SQL list for a conditional update
    /// (`status in (…)`): the rule above, and nothing else, decides what a write may change.
    pub fn sources_sql(to: Self) -> String {
        Self::ALL
            .into_iter()
            .filter(|from| from.can_become(to))
            .map(|from| format!("'{}'", from.as_str()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::AttemptStatus::{self, *};

    #[test]
    fn an_attempt_ends_once_and_only_success_comes_late() {
        assert!(Pending.can_become(Succeeded));
        assert!(Pending.can_become(Failed));
        assert!(Pending.can_become(Expired));
        assert!(Failed.can_become(Succeeded));
        assert!(Expired.can_become(Succeeded));
        for to in AttemptStatus::ALL {
            assert!(!Succeeded.can_become(to), "nothing leaves succeeded");
            assert!(!to.can_become(Pending), "nothing goes back to pending");
        }
        assert!(!Failed.can_become(Expired));
        assert!(!Expired.can_become(Failed));
        assert_eq!(AttemptStatus::sources_sql(Failed), "'pending'");
        assert_eq!(
            AttemptStatus::sources_sql(Succeeded),
            "'pending', 'failed', 'expired'"
        );
        for status in AttemptStatus::ALL {
            assert_eq!(AttemptStatus::parse(status.as_str()), Some(status));
        }
    }
}
