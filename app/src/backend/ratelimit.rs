//! A sliding-window limiter kept in memory, keyed by client and action.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct RateLimiter {
    max: usize,
    window: Duration,
    hits: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl RateLimiter {
    pub fn new(max: usize, window: Duration) -> Self {
        RateLimiter {
            max,
            window,
            hits: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one attempt for `key`; refused with the wait in seconds once
    /// `max` attempts fall inside the window.
    pub fn hit(&self, key: &str) -> Result<(), u64> {
        self.hit_at(key, Instant::now())
    }

    fn hit_at(&self, key: &str, now: Instant) -> Result<(), u64> {
        let mut map = self.hits.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 100_000 {
            // Bound memory under a flood of distinct keys: drop idle entries.
            map.retain(|_, q| {
                q.back()
                    .is_some_and(|t| now.duration_since(*t) < self.window)
            });
        }
        let q = map.entry(key.to_string()).or_default();
        while q
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.window)
        {
            q.pop_front();
        }
        if q.len() >= self.max {
            let oldest = *q.front().expect("non-empty when full");
            return Err((self.window - now.duration_since(oldest)).as_secs().max(1));
        }
        q.push_back(now);
        Ok(())
    }

    /// Whether `key` is at its limit now, without counting an attempt.
    pub fn check(&self, key: &str) -> Result<(), u64> {
        let now = Instant::now();
        let map = self.hits.lock().unwrap_or_else(|p| p.into_inner());
        let Some(q) = map.get(key) else { return Ok(()) };
        let live: Vec<&Instant> = q
            .iter()
            .filter(|t| now.duration_since(**t) < self.window)
            .collect();
        match live.first() {
            Some(oldest) if live.len() >= self.max => Err((self.window
                - now.duration_since(**oldest))
            .as_secs()
            .max(1)),
            _ => Ok(()),
        }
    }

    /// Forgets a key, e.g. after a successful login.
    pub fn clear(&self, key: &str) {
        self.hits
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_after_max_then_recovers_after_the_window() {
        let l = RateLimiter::new(3, Duration::from_secs(60));
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(l.hit_at("k", t0).is_ok());
        }
        let wait = l.hit_at("k", t0 + Duration::from_secs(10)).unwrap_err();
        assert_eq!(wait, 50);
        assert!(l.hit_at("other", t0).is_ok(), "keys are independent");
        assert!(l.hit_at("k", t0 + Duration::from_secs(61)).is_ok());
    }
}
