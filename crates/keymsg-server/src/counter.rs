//! One committer thread for every footer and reprint the service counts.
//! Requests hand their insertions over and wait; the thread takes
//! everything waiting, commits it in one transaction (`Store::count_batch`)
//! and answers each request with its own results. Under load, hundreds of
//! requests share a commit, and no request holds a worker thread while it
//! waits for the disk.
//!
//! Counted means delivered: a request that is gone before its commit (the
//! client closed the connection, the request deadline passed) is left out
//! of the commit, and one that goes after the commit but before its answer
//! is handed to hyper has its counts withdrawn ([`Made`]).

use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use axum::http::StatusCode;
use keymsg_core::store::{Counted, Insertion};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, WeakUnboundedSender};
use tokio::sync::oneshot;

use crate::error::{ApiError, store_error};
use crate::state::Engines;

/// Most insertions one commit takes (bounds a commit's latency).
const MAX_BATCH: usize = 5000;

type Reply = oneshot::Sender<Result<Made, ApiError>>;

enum Job {
    Count {
        engines: Arc<Engines>,
        items: Vec<Insertion>,
        reply: Reply,
        /// Where [`Made`] sends a withdrawal. Weak, so that the thread
        /// still ends when [`Counter::close`] drops the last sender.
        undo: WeakUnboundedSender<Job>,
    },
    Withdraw {
        engines: Arc<Engines>,
        made: Vec<(Insertion, Counted)>,
    },
}

/// The handle requests send to; [`Counter::close`] waits for the last commit.
pub(crate) struct Counter {
    tx: Mutex<Option<UnboundedSender<Job>>>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

/// The counts committed for one request, not yet delivered. Dropped
/// without [`Made::keep`] (the request future was dropped between the
/// commit and its answer: client gone, deadline passed, a panic while the
/// answer was written), they are withdrawn, as the engine's `hand_over`
/// withdraws the count of a failed delivery.
pub(crate) struct Made {
    counted: Vec<Counted>,
    undo: Option<Undo>,
}

struct Undo {
    engines: Arc<Engines>,
    items: Vec<Insertion>,
    to: WeakUnboundedSender<Job>,
}

impl Made {
    /// What the store did with each insertion, in input order.
    pub(crate) fn counted(&self) -> &[Counted] {
        &self.counted
    }

    /// The answer is in hyper's hands: the counts stand. Call it after the
    /// response is built, with no `.await` between this and returning it.
    pub(crate) fn keep(mut self) {
        self.undo = None;
    }
}

impl Drop for Made {
    fn drop(&mut self) {
        let Some(undo) = self.undo.take() else {
            return;
        };
        // Duplicates too: the store kept each as a refused attempt, which
        // would be handed the count should the attempt holding its key be
        // withdrawn; an answer nobody received must not be.
        let made: Vec<(Insertion, Counted)> = undo
            .items
            .into_iter()
            .zip(self.counted.iter().copied())
            .collect();
        if made.is_empty() {
            return;
        }
        let job = Job::Withdraw {
            engines: undo.engines,
            made,
        };
        // On the counting thread when it still runs (never a blocking
        // write on an async worker); here when it has stopped.
        let job = match undo.to.upgrade() {
            Some(tx) => match tx.send(job) {
                Ok(()) => return,
                Err(e) => e.0,
            },
            None => job,
        };
        if let Job::Withdraw { engines, made } = job {
            withdraw(&engines, made);
        }
    }
}

impl Counter {
    pub(crate) fn start() -> Result<Counter, String> {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let thread = std::thread::Builder::new()
            .name("keymsg-count".into())
            .spawn(move || run(rx))
            .map_err(|e| format!("cannot start the counting thread: {e}"))?;
        Ok(Counter {
            tx: Mutex::new(Some(tx)),
            thread: Mutex::new(Some(thread)),
        })
    }

    /// Count `items` (already checked one by one, so that one bad item
    /// cannot fail another request's commit); results in input order.
    /// Nothing is counted if this future is dropped before the commit;
    /// the counts are withdrawn if it is dropped after.
    pub(crate) async fn count(
        &self,
        engines: Arc<Engines>,
        items: Vec<Insertion>,
    ) -> Result<Made, ApiError> {
        if items.is_empty() {
            return Ok(Made {
                counted: Vec::new(),
                undo: None,
            });
        }
        let (reply, answer) = oneshot::channel();
        let sent = {
            let g = match self.tx.lock() {
                Ok(g) => g,
                Err(p) => p.into_inner(),
            };
            g.as_ref().map(|tx| {
                tx.send(Job::Count {
                    engines,
                    items,
                    reply,
                    undo: tx.downgrade(),
                })
            })
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

/// A count job waiting for the commit.
struct Waiting {
    engines: Arc<Engines>,
    items: Vec<Insertion>,
    reply: Reply,
    undo: WeakUnboundedSender<Job>,
}

/// Take everything waiting, commit, answer; until every sender is gone.
fn run(mut rx: UnboundedReceiver<Job>) {
    while let Some(first) = rx.blocking_recv() {
        let mut jobs = Vec::new();
        let mut n = 0;
        let mut next = Some(first);
        while let Some(job) = next.take() {
            match job {
                Job::Count {
                    engines,
                    items,
                    reply,
                    undo,
                } => {
                    n += items.len();
                    jobs.push(Waiting {
                        engines,
                        items,
                        reply,
                        undo,
                    });
                }
                Job::Withdraw { engines, made } => withdraw(&engines, made),
            }
            if n < MAX_BATCH {
                next = rx.try_recv().ok();
            }
        }
        if !jobs.is_empty() {
            commit(jobs);
        }
    }
}

fn commit(jobs: Vec<Waiting>) {
    // A request that is gone (closed connection, deadline) gets no count:
    // nobody will receive its footer. One that goes from here on is
    // withdrawn when its answer is dropped (see `Made`).
    let (gone, jobs): (Vec<Waiting>, Vec<Waiting>) =
        jobs.into_iter().partition(|j| j.reply.is_closed());
    if !gone.is_empty() {
        tracing::info!(
            requests = gone.len(),
            "requests gone before their commit; not counted"
        );
    }
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
    let all: Vec<Insertion> = jobs.iter().flat_map(|j| j.items.iter().cloned()).collect();
    match store.count_batch(&all) {
        Ok(results) => {
            let mut rest = results.into_iter();
            for j in jobs {
                let counted: Vec<Counted> = rest.by_ref().take(j.items.len()).collect();
                let made = Made {
                    counted,
                    undo: Some(Undo {
                        engines: j.engines,
                        items: j.items,
                        to: j.undo,
                    }),
                };
                // A caller gone since the check above gets the made counts
                // back in the error, and dropping them withdraws them.
                let _ = j.reply.send(Ok(made));
            }
        }
        Err(e) => {
            tracing::error!(error = %e, insertions = all.len(), "counting failed; nothing of this commit was counted");
            let err = store_error(&e);
            for j in jobs {
                let _ = j.reply.send(Err(err.clone()));
            }
        }
    }
}

/// Take back counts whose answer never left the service.
fn withdraw(engines: &Engines, made: Vec<(Insertion, Counted)>) {
    let Some(store) = engines.count.as_ref().and_then(|e| e.store()) else {
        return;
    };
    for (ins, counted) in made {
        match store.withdraw(&ins, counted) {
            Ok(()) if counted == Counted::Duplicate => tracing::info!(
                message_id = %ins.message_id,
                "answer not delivered (request gone after its commit); duplicate withdrawn"
            ),
            Ok(()) => tracing::info!(
                message_id = %ins.message_id,
                "answer not delivered (request gone after its commit); count withdrawn"
            ),
            Err(e) => tracing::error!(
                error = %e,
                message_id = %ins.message_id,
                "answer not delivered, and its count could not be withdrawn: one too many counted"
            ),
        }
    }
}
