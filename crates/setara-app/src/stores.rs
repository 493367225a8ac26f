//! The store shared by many concurrent callers: a pool of connections for reading and one
//! connection for writing.
//!
//! SQLite in WAL mode lets readers run beside one writer; two writers would wait on each other
//! inside SQLite (up to its busy timeout) and may fail with "database is locked". The server
//! serves many requests at once, so writes are serialised here, in the process, behind one
//! connection, and reads take a connection from a pool (opened on demand, at most
//! [`MAX_IDLE_READERS`] kept). The command line makes one call per process and sees no
//! difference.

use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use setara_store::{Store, StoreClock};

use crate::data_dir::DataDir;
use crate::error::Result;

/// A connection of the data directory's store, stamping with the app's clock.
fn open(data: &DataDir, clock: &StoreClock) -> Result<Box<dyn Store>> {
    let mut store = data.open_store()?;
    store.set_clock(clock.clone());
    Ok(store)
}

/// Connections kept open for reading when nobody uses them.
pub const MAX_IDLE_READERS: usize = 8;

/// The pool of readers and the writer of one data directory.
#[derive(Default)]
pub(crate) struct Stores {
    readers: Mutex<Vec<Box<dyn Store>>>,
    writer: Mutex<Option<Box<dyn Store>>>,
    /// Bumped when every connection is closed ([`Stores::close`]): a reader taken before goes
    /// back to no pool.
    generation: AtomicU64,
}

impl Stores {
    pub(crate) fn reader<'a>(&'a self, data: &DataDir, clock: &StoreClock) -> Result<Reading<'a>> {
        // Read before the pool: a close in between makes this reader's connection not pooled.
        let generation = self.generation.load(Ordering::SeqCst);
        let pooled = self.readers.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let store = match pooled {
            Some(s) => s,
            None => open(data, clock)?,
        };
        Ok(Reading {
            pool: self,
            store: Some(store),
            generation,
        })
    }

    /// Close every connection (the store file is about to be replaced, as by a restore): the
    /// writer's and the idle readers'; readers in use are not pooled again. Writers of this
    /// process wait until the returned guard is dropped, and then open the new store.
    pub(crate) fn close(&self) -> Closed<'_> {
        let mut writer = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        *writer = None;
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.readers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
        Closed { _writer: writer }
    }

    pub(crate) fn writer<'a>(&'a self, data: &DataDir, clock: &StoreClock) -> Result<Writing<'a>> {
        let mut guard = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        if guard.is_none() {
            *guard = Some(open(data, clock)?);
        }
        Ok(Writing { guard })
    }

    pub(crate) fn idle_readers(&self) -> usize {
        self.readers.lock().unwrap_or_else(|p| p.into_inner()).len()
    }
}

/// A connection for reading, back in the pool when dropped.
pub struct Reading<'a> {
    pool: &'a Stores,
    store: Option<Box<dyn Store>>,
    generation: u64,
}

/// Every connection closed, and the writer held: see [`Stores::close`].
pub struct Closed<'a> {
    _writer: MutexGuard<'a, Option<Box<dyn Store>>>,
}

impl Deref for Reading<'_> {
    type Target = dyn Store;
    fn deref(&self) -> &(dyn Store + 'static) {
        self.store.as_deref().expect("present until dropped")
    }
}

impl DerefMut for Reading<'_> {
    fn deref_mut(&mut self) -> &mut (dyn Store + 'static) {
        self.store.as_deref_mut().expect("present until dropped")
    }
}

impl Drop for Reading<'_> {
    fn drop(&mut self) {
        if let Some(s) = self.store.take()
            && self.pool.generation.load(Ordering::SeqCst) == self.generation
        {
            let mut idle = self.pool.readers.lock().unwrap_or_else(|p| p.into_inner());
            if idle.len() < MAX_IDLE_READERS {
                idle.push(s);
            }
        }
    }
}

/// The one connection for writing, held until dropped: other writers of this process wait.
pub struct Writing<'a> {
    guard: MutexGuard<'a, Option<Box<dyn Store>>>,
}

impl Deref for Writing<'_> {
    type Target = dyn Store;
    fn deref(&self) -> &(dyn Store + 'static) {
        self.guard.as_deref().expect("opened when taken")
    }
}

impl DerefMut for Writing<'_> {
    fn deref_mut(&mut self) -> &mut (dyn Store + 'static) {
        self.guard.as_deref_mut().expect("opened when taken")
    }
}

// `store.as_ref()` / `store.as_mut()`, as on the `Box<dyn Store>` the functions below take.
macro_rules! as_store {
    ($t:ident) => {
        impl AsRef<dyn Store> for $t<'_> {
            fn as_ref(&self) -> &(dyn Store + 'static) {
                &**self
            }
        }
        impl AsMut<dyn Store> for $t<'_> {
            fn as_mut(&mut self) -> &mut (dyn Store + 'static) {
                &mut **self
            }
        }
    };
}
as_store!(Reading);
as_store!(Writing);
