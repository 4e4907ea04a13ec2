//! Single flight: concurrent requests for one thing share one piece of work.
//!
//! The work runs in a spawned task, not in the future of the request that started it, so
//! a client that disconnects (which drops its handler future) cancels nothing: the others
//! still get the result, and the cache still gets the page. Everyone waiting, the starter
//! included, is woken with the result, or with `None` when the work panicked, because the
//! task's sender is dropped either way.
//!
//! The map holds at most one flight per key (a flight for a newer epoch takes the place of
//! an older one) and a flight's task removes its own entry when it ends, however it ends,
//! so the map never holds more than the keys being worked on right now.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use tokio::sync::watch;

/// Work in flight by key, each flight tagged with the content epoch it works for.
pub struct SingleFlight<T> {
    flights: Arc<Mutex<HashMap<String, Flight<T>>>>,
    next_id: AtomicU64,
    /// Places handed out so far, starters included (for tests and metrics).
    tickets: AtomicU64,
}

struct Flight<T> {
    id: u64,
    epoch: u64,
    started: Instant,
    result: watch::Receiver<Option<T>>,
}

impl<T> Default for SingleFlight<T> {
    fn default() -> Self {
        SingleFlight {
            flights: Arc::new(Mutex::new(HashMap::new())),
            next_id: AtomicU64::new(1),
            tickets: AtomicU64::new(0),
        }
    }
}

impl<T> std::fmt::Debug for SingleFlight<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SingleFlight")
            .field("in_flight", &self.len())
            .finish()
    }
}

/// A place in a flight: await [`Ticket::wait`] for its result.
pub struct Ticket<T> {
    result: watch::Receiver<Option<T>>,
    /// Whether this call started the work (false: it joined a flight already going).
    pub started_work: bool,
}

impl<T: Clone> Ticket<T> {
    /// The flight's result, or `None` if its work panicked or was aborted.
    pub async fn wait(mut self) -> Option<T> {
        match self.result.wait_for(Option::is_some).await {
            Ok(value) => value.clone(),
            Err(_) => None,
        }
    }
}

/// Removes a flight's entry when its task ends, also by panic or abort.
struct Landing<T> {
    flights: Arc<Mutex<HashMap<String, Flight<T>>>>,
    key: String,
    id: u64,
}

impl<T> Drop for Landing<T> {
    fn drop(&mut self) {
        let mut flights = self.flights.lock().unwrap_or_else(PoisonError::into_inner);
        // A newer flight may have taken this key's place: leave that one alone.
        if flights.get(&self.key).is_some_and(|f| f.id == self.id) {
            flights.remove(&self.key);
        }
    }
}

impl<T> SingleFlight<T> {
    /// How many flights are in the air.
    pub fn len(&self) -> usize {
        self.flights
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// Whether no flight is in the air.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many places in flights were handed out so far, starters included.
    pub fn tickets(&self) -> u64 {
        self.tickets.load(Ordering::SeqCst)
    }
}

impl<T: Clone + Send + Sync + 'static> SingleFlight<T> {
    /// An empty map.
    pub fn new() -> SingleFlight<T> {
        SingleFlight::default()
    }

    /// Joins the flight for `key` working for `epoch` or a newer one, or starts one with
    /// `work` (called here, its future spawned on the runtime) when there is none.
    pub fn join<F, Fut>(&self, key: &str, epoch: u64, work: F) -> Ticket<T>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = T> + Send + 'static,
    {
        self.join_since(key, epoch, epoch, work)
    }

    /// Joins the flight for `key` that started at `needed` or later, or starts one tagged
    /// `now` with `work` when there is none.
    pub fn join_since<F, Fut>(&self, key: &str, needed: u64, now: u64, work: F) -> Ticket<T>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = T> + Send + 'static,
    {
        self.tickets.fetch_add(1, Ordering::SeqCst);
        let mut flights = self.flights.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(flight) = flights.get(key)
            && flight.epoch >= needed
        {
            return Ticket {
                result: flight.result.clone(),
                started_work: false,
            };
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (sender, result) = watch::channel(None);
        flights.insert(
            key.to_owned(),
            Flight {
                id,
                epoch: now,
                started: Instant::now(),
                result: result.clone(),
            },
        );
        drop(flights);
        let landing = Landing {
            flights: self.flights.clone(),
            key: key.to_owned(),
            id,
        };
        let future = work();
        tokio::spawn(async move {
            let _landing = landing;
            let value = future.await;
            // Nobody may be waiting any more (all disconnected): that is fine.
            let _ = sender.send(Some(value));
        });
        Ticket {
            result,
            started_work: true,
        }
    }

    /// When the flight for `key` working for `epoch` or a newer one started, if one is in
    /// the air.
    pub fn started(&self, key: &str, epoch: u64) -> Option<Instant> {
        let flights = self.flights.lock().unwrap_or_else(PoisonError::into_inner);
        flights
            .get(key)
            .filter(|f| f.epoch >= epoch)
            .map(|f| f.started)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;
    use tokio::sync::Semaphore;

    /// Work that counts its runs and waits for a permit, so a test decides when it ends.
    fn gated(
        runs: &Arc<AtomicUsize>,
        gate: &Arc<Semaphore>,
        value: u32,
    ) -> impl Future<Output = u32> + Send + 'static {
        let runs = runs.clone();
        let gate = gate.clone();
        async move {
            runs.fetch_add(1, Ordering::SeqCst);
            let _permit = gate.acquire().await;
            value
        }
    }

    #[tokio::test]
    async fn concurrent_callers_share_one_run() {
        let flights = SingleFlight::<u32>::new();
        let runs = Arc::new(AtomicUsize::new(0));
        let gate = Arc::new(Semaphore::new(0));
        let tickets: Vec<_> = (0..50)
            .map(|i| flights.join("k", 1, || gated(&runs, &gate, i)))
            .collect();
        assert_eq!(tickets.iter().filter(|t| t.started_work).count(), 1);
        assert_eq!(flights.len(), 1);
        gate.add_permits(1);
        for ticket in tickets {
            assert_eq!(ticket.wait().await, Some(0));
        }
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        // The task removes its entry after it has sent the result: wait for it to end.
        while !flights.is_empty() {
            tokio::task::yield_now().await;
        }
    }

    #[tokio::test]
    async fn a_newer_epoch_starts_its_own_run() {
        let flights = SingleFlight::<u32>::new();
        let runs = Arc::new(AtomicUsize::new(0));
        let gate = Arc::new(Semaphore::new(0));
        let old = flights.join("k", 1, || gated(&runs, &gate, 1));
        let older = flights.join("k", 0, || gated(&runs, &gate, 0));
        let new = flights.join("k", 2, || gated(&runs, &gate, 2));
        assert!(old.started_work && !older.started_work && new.started_work);
        assert_eq!(flights.len(), 1, "one entry per key");
        gate.add_permits(2);
        assert_eq!(old.wait().await, Some(1));
        assert_eq!(older.wait().await, Some(1));
        assert_eq!(new.wait().await, Some(2));
    }

    #[tokio::test]
    async fn a_panicking_run_wakes_its_waiters_and_leaves() {
        let flights = SingleFlight::<u32>::new();
        let gate = Arc::new(Semaphore::new(0));
        let tickets: Vec<_> = (0..5)
            .map(|_| {
                let gate = gate.clone();
                flights.join("k", 1, move || async move {
                    let _permit = gate.acquire().await;
                    panic!("render failed");
                })
            })
            .collect();
        gate.add_permits(1);
        for ticket in tickets {
            assert_eq!(ticket.wait().await, None);
        }
        // The entry went with the task, so the next caller starts afresh.
        let runs = Arc::new(AtomicUsize::new(0));
        let open = Arc::new(Semaphore::new(1));
        let next = flights.join("k", 1, || gated(&runs, &open, 7));
        assert!(next.started_work);
        assert_eq!(next.wait().await, Some(7));
    }

    #[tokio::test]
    async fn a_cancelled_caller_does_not_cancel_the_run() {
        let flights = Arc::new(SingleFlight::<u32>::new());
        let runs = Arc::new(AtomicUsize::new(0));
        let gate = Arc::new(Semaphore::new(0));
        // The starter's request future is dropped while its work is still waiting.
        let starter = {
            let flights = flights.clone();
            let (runs, gate) = (runs.clone(), gate.clone());
            tokio::spawn(
                async move { flights.join("k", 1, || gated(&runs, &gate, 3)).wait().await },
            )
        };
        while runs.load(Ordering::SeqCst) == 0 {
            tokio::task::yield_now().await;
        }
        starter.abort();
        assert!(starter.await.is_err_and(|e| e.is_cancelled()));
        let waiter = flights.join("k", 1, || gated(&runs, &gate, 99));
        assert!(!waiter.started_work, "the first run is still in flight");
        gate.add_permits(1);
        assert_eq!(waiter.wait().await, Some(3));
        assert_eq!(runs.load(Ordering::SeqCst), 1);
    }
}
