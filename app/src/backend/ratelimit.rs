//! Limits kept in memory, keyed by client or by mobile number.
//!
//! Two kinds, on one type so the state needs no new fields:
//! - [`RateLimiter::hit`]: a sliding window, `max` attempts per `window`
//!   (attempts per address, registrations per address);
//! - [`RateLimiter::reserve`]: failures with back-off (failed sign-ins per
//!   number). The first `max` failures are free; after that each attempt
//!   waits 1 s, 2 s, 4 s… after the last failure, up to `window`. The right
//!   password always gets in once the wait has passed, so guessing from many
//!   addresses stays slow without locking the owner out.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The wait after the first failure beyond the free ones; it doubles.
const FIRST_WAIT: Duration = Duration::from_secs(1);
/// Failures are forgotten after this long without an attempt. Long enough
/// that an attacker who waits out the cap does not get the free tries back.
const FORGET_AFTER: Duration = Duration::from_secs(24 * 60 * 60);
/// Above this many keys, idle ones are dropped (a flood of distinct keys).
const MAX_KEYS: usize = 100_000;

pub struct RateLimiter {
    max: usize,
    window: Duration,
    hits: Mutex<HashMap<String, VecDeque<Instant>>>,
    failures: Mutex<HashMap<String, Failures>>,
}

/// Failed attempts on one key. Attempts under way count as failures until
/// they are known (`pending`): that is what keeps parallel guesses from all
/// slipping through before the first one has failed.
#[derive(Clone, Copy, Debug)]
struct Failures {
    failed: u32,
    pending: u32,
    /// No new attempt before this instant (set once `max` is reached).
    not_before: Option<Instant>,
    last: Instant,
}

impl Failures {
    fn fresh(now: Instant) -> Failures {
        Failures {
            failed: 0,
            pending: 0,
            not_before: None,
            last: now,
        }
    }

    fn presumed(&self) -> u32 {
        self.failed.saturating_add(self.pending)
    }
}

/// How a reserved attempt ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    Succeeded,
    Failed,
    /// Never got to the password check (our own error): not counted.
    Cancelled,
}

/// One admitted attempt. Say how it ended; dropped without a word (the
/// request was abandoned mid-check) it counts as a failure, so hanging up
/// early never buys an extra guess.
#[must_use = "say whether the attempt succeeded or failed"]
pub struct Attempt<'a> {
    limiter: &'a RateLimiter,
    key: String,
    settled: bool,
}

impl Attempt<'_> {
    /// The right password: the key's failures are forgotten.
    pub fn succeeded(mut self) {
        self.settle(Outcome::Succeeded);
    }

    pub fn failed(mut self) {
        self.settle(Outcome::Failed);
    }

    /// The check never happened (e.g. the database did not answer).
    pub fn cancel(mut self) {
        self.settle(Outcome::Cancelled);
    }

    fn settle(&mut self, outcome: Outcome) {
        if !self.settled {
            self.settled = true;
            self.limiter.settle(&self.key, outcome, Instant::now());
        }
    }
}

impl Drop for Attempt<'_> {
    fn drop(&mut self) {
        self.settle(Outcome::Failed);
    }
}

/// Whole seconds to wait, rounded up (a wait of 0.2 s is "1 s", never "0").
fn secs(d: Duration) -> u64 {
    u64::try_from(d.as_millis())
        .unwrap_or(u64::MAX)
        .div_ceil(1000)
        .max(1)
}

impl RateLimiter {
    pub fn new(max: usize, window: Duration) -> Self {
        RateLimiter {
            max,
            window,
            hits: Mutex::new(HashMap::new()),
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one attempt for `key`; refused with the wait in seconds once
    /// `max` attempts fall inside the window.
    pub fn hit(&self, key: &str) -> Result<(), u64> {
        self.hit_at(key, Instant::now())
    }

    fn hit_at(&self, key: &str, now: Instant) -> Result<(), u64> {
        let mut map = self.hits.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > MAX_KEYS {
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
            let Some(oldest) = q.front() else {
                // max == 0: nothing is ever allowed.
                return Err(secs(self.window));
            };
            return Err(secs(
                self.window.saturating_sub(now.duration_since(*oldest)),
            ));
        }
        q.push_back(now);
        Ok(())
    }

    /// The wait after the `n`-th failure past the free ones (0 → 1 s),
    /// doubling, capped at `window`.
    fn backoff(&self, n: u32) -> Duration {
        let factor = 1u32.checked_shl(n).unwrap_or(u32::MAX);
        FIRST_WAIT.saturating_mul(factor).min(self.window)
    }

    fn free(&self) -> u32 {
        u32::try_from(self.max).unwrap_or(u32::MAX)
    }

    /// Admits one attempt on `key` now, or refuses it with the seconds to
    /// wait. The slot is taken before the password is checked, under one
    /// lock, so a burst of parallel guesses gets no more checks than a
    /// sequence would.
    pub fn reserve(&self, key: &str) -> Result<Attempt<'_>, u64> {
        self.reserve_at(key, Instant::now())
    }

    fn reserve_at(&self, key: &str, now: Instant) -> Result<Attempt<'_>, u64> {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > MAX_KEYS {
            map.retain(|_, f| f.pending > 0 || now.duration_since(f.last) < FORGET_AFTER);
        }
        let f = map
            .entry(key.to_string())
            .or_insert_with(|| Failures::fresh(now));
        if f.pending == 0 && now.duration_since(f.last) >= FORGET_AFTER {
            *f = Failures::fresh(now);
        }
        let presumed = f.presumed();
        if presumed >= self.free() {
            if let Some(t) = f.not_before.filter(|t| now < *t) {
                return Err(secs(t - now));
            }
        }
        f.pending = f.pending.saturating_add(1);
        f.last = now;
        // Presume this one fails: the next attempt waits from now, even
        // while this one is still being checked.
        let presumed = presumed.saturating_add(1);
        if presumed >= self.free() {
            f.not_before = Some(now + self.backoff(presumed - self.free()));
        }
        Ok(Attempt {
            limiter: self,
            key: key.to_string(),
            settled: false,
        })
    }

    fn settle(&self, key: &str, outcome: Outcome, now: Instant) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        match outcome {
            Outcome::Succeeded => {
                map.remove(key);
            }
            Outcome::Failed => {
                let f = map
                    .entry(key.to_string())
                    .or_insert_with(|| Failures::fresh(now));
                f.pending = f.pending.saturating_sub(1);
                f.failed = f.failed.saturating_add(1);
                f.last = now;
                let presumed = f.presumed();
                if presumed >= self.free() {
                    // The wait counts from the failure itself.
                    let t = now + self.backoff(presumed - self.free());
                    f.not_before = Some(f.not_before.map_or(t, |nb| nb.max(t)));
                }
            }
            Outcome::Cancelled => {
                if let Some(f) = map.get_mut(key) {
                    f.pending = f.pending.saturating_sub(1);
                    if f.presumed() == 0 {
                        map.remove(key);
                    }
                }
            }
        }
    }

    /// Forgets a key, e.g. after a successful login.
    pub fn clear(&self, key: &str) {
        self.hits
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(key);
        self.failures
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

    /// One failed attempt at a given instant (the guard would use "now").
    fn fail(l: &RateLimiter, key: &str, at: Instant) -> Result<(), u64> {
        let mut a = l.reserve_at(key, at)?;
        a.settled = true;
        l.settle(key, Outcome::Failed, at);
        Ok(())
    }

    #[test]
    fn failures_past_the_free_ones_wait_longer_and_longer() {
        let l = RateLimiter::new(5, Duration::from_secs(15 * 60));
        let t0 = Instant::now();
        for _ in 0..5 {
            fail(&l, "n", t0).unwrap();
        }
        // After the 5th failure: 1 s.
        assert_eq!(fail(&l, "n", t0), Err(1));
        let t1 = t0 + Duration::from_secs(1);
        fail(&l, "n", t1).unwrap();
        // After the 6th: 2 s, then 4 s.
        assert_eq!(fail(&l, "n", t1 + Duration::from_millis(1500)), Err(1));
        let t2 = t1 + Duration::from_secs(2);
        fail(&l, "n", t2).unwrap();
        assert_eq!(fail(&l, "n", t2 + Duration::from_secs(1)), Err(3));
        // The cap holds however many failures there were.
        assert_eq!(l.backoff(40), Duration::from_secs(15 * 60));
        assert_eq!(l.backoff(0), Duration::from_secs(1));
    }

    #[test]
    fn the_right_password_gets_in_once_the_wait_is_over() {
        let l = RateLimiter::new(2, Duration::from_secs(900));
        let t0 = Instant::now();
        fail(&l, "n", t0).unwrap();
        fail(&l, "n", t0).unwrap();
        assert!(l.reserve_at("n", t0).is_err(), "even the owner waits");
        let a = l.reserve_at("n", t0 + Duration::from_secs(1)).unwrap();
        a.succeeded();
        // Forgotten: free attempts again.
        assert!(l.reserve_at("n", t0 + Duration::from_secs(1)).is_ok());
    }

    #[test]
    fn parallel_attempts_are_counted_before_they_are_checked() {
        let l = RateLimiter::new(5, Duration::from_secs(900));
        let t0 = Instant::now();
        // 50 attempts arrive together; none has failed yet.
        let admitted: Vec<Attempt<'_>> =
            (0..50).filter_map(|_| l.reserve_at("n", t0).ok()).collect();
        assert_eq!(admitted.len(), 5);
        drop(admitted); // abandoned attempts count as failures
        assert!(l.reserve_at("n", t0 + Duration::from_millis(500)).is_err());
        assert!(l.reserve_at("other", t0).is_ok(), "numbers are independent");
    }

    #[test]
    fn our_own_errors_do_not_count() {
        let l = RateLimiter::new(1, Duration::from_secs(900));
        let t0 = Instant::now();
        l.reserve_at("n", t0).unwrap().cancel();
        l.reserve_at("n", t0).unwrap().cancel();
        assert!(l.reserve_at("n", t0).is_ok());
    }

    #[test]
    fn failures_are_forgotten_after_a_quiet_day() {
        let l = RateLimiter::new(1, Duration::from_secs(900));
        let t0 = Instant::now();
        fail(&l, "n", t0).unwrap();
        assert!(l.reserve_at("n", t0).is_err());
        assert!(l.reserve_at("n", t0 + FORGET_AFTER).is_ok());
    }
}
