//! The portal's operating-time accounting (limits.md): the execution time of each method
//! per credential, summed over a sliding window; a method whose sum reached the limit is
//! refused until the oldest charges leave the window.

use std::collections::{HashMap, VecDeque};

use crate::config::OperatingLimit;

/// The operating time a reply reports: the method's sum in the window and when the oldest
/// charge leaves it (`operating_reset_at`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Operating {
    pub(crate) operating: f64,
    pub(crate) reset_at: f64,
    /// What this call was charged (`None` for a refusal).
    pub(crate) charged: Option<f64>,
}

/// The charges per (credential, method), oldest first.
#[derive(Debug)]
pub(crate) struct OperatingClock {
    config: OperatingLimit,
    charges: HashMap<(String, String), VecDeque<(f64, f64)>>,
}

impl OperatingClock {
    pub(crate) fn new(config: OperatingLimit) -> Self {
        Self {
            config,
            charges: HashMap::new(),
        }
    }

    fn cost(&self, method: &str) -> Option<f64> {
        self.config
            .costs
            .iter()
            .find(|(name, _)| name == method)
            .map(|(_, cost)| cost.as_secs_f64())
    }

    /// The charges of a method still in the window at `now`, as a report.
    fn report(&mut self, credential: &str, method: &str, now: f64) -> Operating {
        let window = self.config.window.as_secs_f64();
        let entries = self
            .charges
            .entry((credential.to_owned(), method.to_owned()))
            .or_default();
        while entries.front().is_some_and(|(at, _)| at + window <= now) {
            entries.pop_front();
        }
        Operating {
            operating: entries.iter().map(|(_, cost)| cost).sum(),
            reset_at: entries.front().map_or(now + window, |(at, _)| at + window),
            charged: None,
        }
    }

    /// Whether a call of `method` may run at `now`: `Err` with the report when its sum
    /// has reached the limit. Methods without a cost always run.
    pub(crate) fn admit(
        &mut self,
        credential: &str,
        method: &str,
        now: f64,
    ) -> Result<(), Operating> {
        if self.cost(method).is_none() {
            return Ok(());
        }
        let report = self.report(credential, method, now);
        if report.operating >= self.config.limit.as_secs_f64() - 1e-9 {
            Err(report)
        } else {
            Ok(())
        }
    }

    /// Charge one call of `method` at `now`; the report for its reply (`None` for methods
    /// without a cost).
    pub(crate) fn charge(&mut self, credential: &str, method: &str, now: f64) -> Option<Operating> {
        let cost = self.cost(method)?;
        self.charges
            .entry((credential.to_owned(), method.to_owned()))
            .or_default()
            .push_back((now, cost));
        Some(Operating {
            charged: Some(cost),
            ..self.report(credential, method, now)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_method_is_refused_at_the_limit_until_its_oldest_charge_leaves() {
        let config = OperatingLimit::new(Duration::from_secs(1), Duration::from_secs(10))
            .cost("crm.deal.get", Duration::from_millis(400));
        let mut clock = OperatingClock::new(config);
        assert!(clock.admit("hook", "crm.deal.get", 0.0).is_ok());
        let first = clock.charge("hook", "crm.deal.get", 0.0).unwrap();
        assert_eq!(
            first,
            Operating {
                operating: 0.4,
                reset_at: 10.0,
                charged: Some(0.4)
            }
        );
        clock.charge("hook", "crm.deal.get", 1.0);
        assert!(clock.admit("hook", "crm.deal.get", 2.0).is_ok());
        clock.charge("hook", "crm.deal.get", 2.0);
        let refused = clock.admit("hook", "crm.deal.get", 3.0).unwrap_err();
        assert!((refused.operating - 1.2).abs() < 1e-9 && refused.reset_at == 10.0);
        // Other credentials and uncharged methods are not affected.
        assert!(clock.admit("app", "crm.deal.get", 3.0).is_ok());
        assert!(clock.admit("hook", "profile", 3.0).is_ok());
        assert_eq!(clock.charge("hook", "profile", 3.0), None);
        // The first charge leaves the window at 10 s: 0.8 s left, the method runs again.
        assert!(clock.admit("hook", "crm.deal.get", 10.0).is_ok());
    }
}
