//! Copy-on-write status storage: [`CowVec`] keeps each status behind its own `Arc`,
//! so a [`crate::Snapshot`] of every status is one pointer copy per object, and the
//! core keeps mutating in place — a status is cloned only when a snapshot still
//! holds the old version of exactly that object.
//!
//! Readers on other threads (status.dat writer, Livestatus, the web UI) take
//! snapshots; the check loop never waits for them.

use std::ops::{Index, IndexMut};
use std::sync::Arc;

/// A vector of `T`, each element shared copy-on-write with snapshots.
#[derive(Debug, Clone, Default)]
pub struct CowVec<T> {
    items: Vec<Arc<T>>,
}

impl<T: Clone> CowVec<T> {
    /// Takes ownership of plain values.
    pub fn from_vec(v: Vec<T>) -> Self {
        Self::from_values(v.into_iter())
    }

    /// Builds the elements straight into their `Arc`s (no whole vector of plain
    /// values alive beside them at start-up).
    pub fn from_values(values: impl ExactSizeIterator<Item = T>) -> Self {
        // Not `.map(Arc::new).collect()`: from a `Vec`'s iterator that collects in
        // place, and the vector of pointers would keep the whole buffer of values
        // (~45 MB at 100,000 services) as its spare capacity.
        let mut items = Vec::with_capacity(values.len());
        items.extend(values.map(Arc::new));
        CowVec { items }
    }

    /// Shares the elements of a frozen copy (a core built from a snapshot).
    pub fn from_shared(v: &[Arc<T>]) -> Self {
        CowVec { items: v.to_vec() }
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The element at `i`, if any.
    pub fn get(&self, i: usize) -> Option<&T> {
        self.items.get(i).map(|a| &**a)
    }

    /// The elements in order.
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.items.iter().map(|a| &**a)
    }

    /// The shared elements (for renderers that take `Borrow<T>` slices).
    pub fn as_shared(&self) -> &[Arc<T>] {
        &self.items
    }

    /// Clones every element out (start-up restore works on plain slices).
    pub fn to_vec(&self) -> Vec<T> {
        self.iter().cloned().collect()
    }

    /// Replaces element `i` by a shared one (a reload takes over the old
    /// generation's statuses without copying them).
    pub fn set_shared(&mut self, i: usize, item: Arc<T>) {
        if let Some(slot) = self.items.get_mut(i) {
            *slot = item;
        }
    }

    /// The shared elements, to write through copy-on-write (`Arc::make_mut`).
    pub fn as_mut_shared(&mut self) -> &mut [Arc<T>] {
        &mut self.items
    }

    /// A frozen copy: one `Arc` clone per element.
    pub fn share(&self) -> Arc<[Arc<T>]> {
        self.items.as_slice().into()
    }
}

impl<T> Index<usize> for CowVec<T> {
    type Output = T;
    fn index(&self, i: usize) -> &T {
        &self.items[i]
    }
}

impl<T: Clone> IndexMut<usize> for CowVec<T> {
    /// Clones the element first if a snapshot still shares it.
    fn index_mut(&mut self, i: usize) -> &mut T {
        Arc::make_mut(&mut self.items[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshots_keep_the_old_value_and_only_touched_elements_are_copied() {
        let mut v = CowVec::from_vec(vec![1, 2, 3]);
        let snap = v.share();
        v[1] = 20;
        assert_eq!(*snap[1], 2);
        assert_eq!(v[1], 20);
        // Untouched elements are still the very same allocation.
        assert!(Arc::ptr_eq(&snap[0], &v.as_shared()[0]));
        assert!(!Arc::ptr_eq(&snap[1], &v.as_shared()[1]));
        drop(snap);
        // Without a snapshot, a write does not copy.
        let before = Arc::as_ptr(&v.as_shared()[2]);
        v[2] = 30;
        assert_eq!(Arc::as_ptr(&v.as_shared()[2]), before);
    }
}
