//! What one worker remembers between requests, good for one generation of
//! the database (see [`Db::identities_generation`](super::Db::identities_generation),
//! [`Db::content_generation`](super::Db::content_generation)): read the
//! generation before the read whose result is filed, and an entry read in an
//! older generation is never answered. A memo forgets everything when the
//! generation moves, or when it holds `CAPACITY` entries.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

/// One worker's memo (not `Send`: each worker builds its own).
pub struct WorkerMemo<V, const CAPACITY: usize>(Rc<RefCell<Inner<V>>>);

struct Inner<V> {
    generation: u64,
    entries: HashMap<String, V>,
}

impl<V, const CAPACITY: usize> Default for WorkerMemo<V, CAPACITY> {
    fn default() -> Self {
        WorkerMemo(Rc::new(RefCell::new(Inner { generation: 0, entries: HashMap::new() })))
    }
}

impl<V, const CAPACITY: usize> Clone for WorkerMemo<V, CAPACITY> {
    fn clone(&self) -> Self {
        WorkerMemo(self.0.clone())
    }
}

impl<V: Clone, const CAPACITY: usize> WorkerMemo<V, CAPACITY> {
    /// What `key` was in `generation`, the current one.
    pub fn get(&self, generation: u64, key: &str) -> Option<V> {
        let mut inner = self.0.borrow_mut();
        if inner.generation != generation {
            inner.entries.clear();
            inner.generation = generation;
            return None;
        }
        inner.entries.get(key).cloned()
    }

    /// Remembers what `key` was, read in `generation`.
    pub fn put(&self, generation: u64, key: String, value: V) {
        let mut inner = self.0.borrow_mut();
        if inner.generation != generation {
            return; // read in a generation already gone or not yet seen
        }
        if inner.entries.len() >= CAPACITY {
            inner.entries.clear();
        }
        inner.entries.insert(key, value);
    }

    /// Changes what is remembered for `key`, if anything.
    pub fn update(&self, key: &str, change: impl FnOnce(&mut V)) {
        if let Some(entry) = self.0.borrow_mut().entries.get_mut(key) {
            change(entry);
        }
    }
}
