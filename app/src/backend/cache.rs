//! A small read cache for pages many people read alike (the wish wall's
//! first page, a community's case layer). Writers forget what they change;
//! entries also expire after a short time, so changes made by another
//! server instance show soon. After a miss one reader fills an entry while
//! the others asking for the same key wait for it.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub struct ReadCache<K, V> {
    ttl: Duration,
    max: usize,
    /// Bumped by every forget: a fill that started before it is not kept.
    generation: AtomicU64,
    entries: Mutex<HashMap<K, (Instant, Arc<V>)>>,
    filling: Mutex<HashMap<K, Arc<tokio::sync::Mutex<()>>>>,
}

impl<K: Clone + Eq + Hash, V> ReadCache<K, V> {
    pub fn new(ttl: Duration, max: usize) -> Self {
        ReadCache {
            ttl,
            max,
            generation: AtomicU64::new(0),
            entries: Mutex::new(HashMap::new()),
            filling: Mutex::new(HashMap::new()),
        }
    }

    fn fresh(&self, key: &K) -> Option<Arc<V>> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries
            .get(key)
            .filter(|(at, _)| at.elapsed() < self.ttl)
            .map(|(_, v)| v.clone())
    }

    /// The cached value, or `fill`'s answer (kept unless something was
    /// forgotten meanwhile). Errors are passed on and not kept.
    pub async fn get_or_fill<E, Fut>(&self, key: K, fill: impl FnOnce() -> Fut) -> Result<Arc<V>, E>
    where
        Fut: std::future::Future<Output = Result<V, E>>,
    {
        if let Some(v) = self.fresh(&key) {
            return Ok(v);
        }
        let turn = {
            let mut filling = self.filling.lock().unwrap_or_else(|p| p.into_inner());
            if filling.len() > self.max {
                filling.clear();
            }
            filling.entry(key.clone()).or_default().clone()
        };
        let _turn = turn.lock().await;
        if let Some(v) = self.fresh(&key) {
            return Ok(v);
        }
        let generation = self.generation.load(Ordering::Acquire);
        let value = Arc::new(fill().await?);
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if self.generation.load(Ordering::Acquire) == generation {
            if entries.len() >= self.max {
                entries.clear();
            }
            entries.insert(key, (Instant::now(), value.clone()));
        }
        Ok(value)
    }

    /// Forgets the entries `stale` picks.
    pub fn forget(&self, stale: impl Fn(&K) -> bool) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        self.generation.fetch_add(1, Ordering::AcqRel);
        entries.retain(|k, _| !stale(k));
    }

    pub fn clear(&self) {
        self.forget(|_| true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    #[tokio::test]
    async fn one_fill_serves_many_until_forgotten() {
        let cache: ReadCache<&str, usize> = ReadCache::new(Duration::from_secs(60), 10);
        let fills = AtomicUsize::new(0);
        let fill = || async { Ok::<_, ()>(fills.fetch_add(1, Ordering::SeqCst)) };
        assert_eq!(*cache.get_or_fill("a", fill).await.unwrap(), 0);
        assert_eq!(*cache.get_or_fill("a", fill).await.unwrap(), 0);
        assert_eq!(*cache.get_or_fill("b", fill).await.unwrap(), 1);
        cache.forget(|k| *k == "a");
        assert_eq!(*cache.get_or_fill("a", fill).await.unwrap(), 2);
        assert_eq!(*cache.get_or_fill("b", fill).await.unwrap(), 1);
        cache.clear();
        assert_eq!(*cache.get_or_fill("b", fill).await.unwrap(), 3);
    }

    #[tokio::test]
    async fn entries_expire_and_errors_are_not_kept() {
        let cache: ReadCache<u8, u8> = ReadCache::new(Duration::from_millis(20), 10);
        assert!(cache
            .get_or_fill(1, || async { Err::<u8, &str>("down") })
            .await
            .is_err());
        assert_eq!(
            *cache
                .get_or_fill(1, || async { Ok::<_, ()>(7) })
                .await
                .unwrap(),
            7
        );
        assert_eq!(
            *cache
                .get_or_fill(1, || async { Ok::<_, ()>(8) })
                .await
                .unwrap(),
            7
        );
        tokio::time::sleep(Duration::from_millis(30)).await;
        assert_eq!(
            *cache
                .get_or_fill(1, || async { Ok::<_, ()>(9) })
                .await
                .unwrap(),
            9
        );
    }

    #[tokio::test]
    async fn a_fill_overtaken_by_a_change_is_not_kept() {
        let cache: Arc<ReadCache<u8, u8>> = Arc::new(ReadCache::new(Duration::from_secs(60), 10));
        let c = cache.clone();
        let got = cache
            .get_or_fill(1, || async move {
                c.clear();
                Ok::<_, ()>(1)
            })
            .await
            .unwrap();
        assert_eq!(*got, 1, "the reader still gets its answer");
        assert_eq!(
            *cache
                .get_or_fill(1, || async { Ok::<_, ()>(2) })
                .await
                .unwrap(),
            2
        );
    }
}
