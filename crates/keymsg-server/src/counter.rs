//! One committer thread for every count the service makes: footers counted
//! at selection and impressions. Requests hand their insertions over and
//! wait; the thread takes everything waiting, commits it in one
//! transaction (`Store::count_batch`) and answers each request with its own
//! results. Under load, hundreds of requests share a commit, and no request
//! holds a worker thread while it waits for the disk.

use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use axum::http::StatusCode;
use keymsg_core::store::{Counted, Insertion};
use tokio::sync::oneshot;

use crate::error::{ApiError, store_error};
use crate::state::Engines;

/// Most insertions one commit takes (bounds a commit's latency).
const MAX_BATCH: usize = 5000;

type Reply = oneshot::Sender<Result<Vec<Counted>, ApiError>>;

struct Job {
    engines: Arc<Engines>,
    items: Vec<Insertion>,
    reply: Reply,
}

/// The handle requests send to; [`Counter::close`] waits for the last commit.
pub(crate) struct Counter {
    tx: Mutex<Option<Sender<Job>>>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl Counter {
    pub(crate) fn start() -> Result<Counter, String> {
        let (tx, rx) = channel();
        let thread = std::thread::Builder::new()
            .name("keymsg-count".into())
            .spawn(move || run(&rx))
            .map_err(|e| format!("cannot start the counting thread: {e}"))?;
        Ok(Counter {
            tx: Mutex::new(Some(tx)),
            thread: Mutex::new(Some(thread)),
        })
    }

    /// Count `items` (already checked one by one, so that one bad item
    /// cannot fail another request's commit); results in input order.
    pub(crate) async fn count(
        &self,
        engines: Arc<Engines>,
        items: Vec<Insertion>,
    ) -> Result<Vec<Counted>, ApiError> {
        if items.is_empty() {
            return Ok(Vec::new());
        }
        let (reply, answer) = oneshot::channel();
        let sent = match self.tx.lock() {
            Ok(g) => g.as_ref().map(|tx| {
                tx.send(Job {
                    engines,
                    items,
                    reply,
                })
            }),
            Err(p) => p.into_inner().as_ref().map(|tx| {
                tx.send(Job {
                    engines,
                    items,
                    reply,
                })
            }),
        };
        if !matches!(sent, Some(Ok(()))) {
            return Err(unavailable("the service is shutting down"));
        }
        answer
            .await
            .unwrap_or_else(|_| Err(unavailable("the counting thread stopped")))
    }

    /// Stop taking work and wait until everything handed over is committed.
    pub(crate) fn close(&self) {
        let tx = match self.tx.lock() {
            Ok(mut g) => g.take(),
            Err(p) => p.into_inner().take(),
        };
        drop(tx);
        let thread = match self.thread.lock() {
            Ok(mut g) => g.take(),
            Err(p) => p.into_inner().take(),
        };
        if let Some(t) = thread
            && t.join().is_err()
        {
            tracing::error!("the counting thread panicked");
        }
    }
}

fn unavailable(message: &str) -> ApiError {
    ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", message)
}

/// Take everything waiting, commit, answer; until every sender is gone.
fn run(rx: &Receiver<Job>) {
    while let Ok(first) = rx.recv() {
        let mut jobs = vec![first];
        let mut n = jobs.iter().map(|j| j.items.len()).sum::<usize>();
        while n < MAX_BATCH {
            match rx.try_recv() {
                Ok(j) => {
                    n += j.items.len();
                    jobs.push(j);
                }
                Err(_) => break,
            }
        }
        commit(jobs, n);
    }
}

fn commit(jobs: Vec<Job>, n: usize) {
    // Every engine counts into the same store directory, so the first
    // job's store serves the batch even across a catalog reload.
    let store = jobs
        .first()
        .and_then(|j| j.engines.count.as_ref())
        .and_then(|e| e.store());
    let Some(store) = store else {
        for j in jobs {
            let _ = j.reply.send(Err(ApiError::new(
                StatusCode::CONFLICT,
                "no_store",
                "this service has no store to count into (start it with --store)",
            )));
        }
        return;
    };
    let mut all = Vec::with_capacity(n);
    for j in &jobs {
        all.extend(j.items.iter().cloned());
    }
    match store.count_batch(&all) {
        Ok(results) => {
            let mut rest = results.into_iter();
            for j in jobs {
                let mine: Vec<Counted> = rest.by_ref().take(j.items.len()).collect();
                // A caller that gave up (timeout, closed connection) is not
                // told; its count stands, as a retry with its key will show.
                let _ = j.reply.send(Ok(mine));
            }
        }
        Err(e) => {
            tracing::error!(error = %e, insertions = n, "counting failed; nothing of this commit was counted");
            let err = store_error(&e);
            for j in jobs {
                let _ = j.reply.send(Err(err.clone()));
            }
        }
    }
}
