//! [`Shared`]: a copy-on-write box for the parts of a [`crate::Status`] that are the
//! same on most objects (the run-time [`crate::Attributes`], the [`crate::NotifyFacts`]).
//! Objects whose values are equal point at one allocation; the first write to one of
//! them gives that object its own copy. At 100,000 services this keeps ~200 bytes per
//! service out of every status (and out of every copy a snapshot forces).

use std::ops::{Deref, DerefMut};
use std::sync::Arc;

/// A value shared copy-on-write: reads through `Deref`; `DerefMut` copies the value
/// first when another object (or a snapshot) still points at it. Compares, prints
/// and defaults like the value itself.
#[derive(Default)]
pub struct Shared<T>(Arc<T>);

impl<T> Clone for Shared<T> {
    /// Another pointer to the same value.
    fn clone(&self) -> Self {
        Shared(Arc::clone(&self.0))
    }
}

impl<T> Shared<T> {
    /// A value of its own.
    pub fn new(value: T) -> Self {
        Shared(Arc::new(value))
    }

    /// True when both point at the same allocation (tests, interning).
    pub fn ptr_eq(a: &Self, b: &Self) -> bool {
        Arc::ptr_eq(&a.0, &b.0)
    }
}

impl<T> From<T> for Shared<T> {
    fn from(value: T) -> Self {
        Shared::new(value)
    }
}

impl<T> Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: Clone> DerefMut for Shared<T> {
    /// Copies the value first if it is shared.
    fn deref_mut(&mut self) -> &mut T {
        Arc::make_mut(&mut self.0)
    }
}

impl<T: PartialEq> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || *self.0 == *other.0
    }
}

impl<T: Eq> Eq for Shared<T> {}

impl<T: std::fmt::Debug> std::fmt::Debug for Shared<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&*self.0, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_copies_only_the_written_object() {
        let a = Shared::new(vec![1, 2]);
        let mut b = a.clone();
        assert!(Shared::ptr_eq(&a, &b));
        b.push(3);
        assert!(!Shared::ptr_eq(&a, &b));
        assert_eq!(*a, vec![1, 2]);
        assert_eq!(*b, vec![1, 2, 3]);
        assert_ne!(a, b);
        // Equal values compare equal wherever they live.
        assert_eq!(Shared::new(vec![1, 2]), a);
        // A value of its own is written in place.
        let before = Arc::as_ptr(&b.0);
        b.push(4);
        assert_eq!(Arc::as_ptr(&b.0), before);
        assert_eq!(format!("{b:?}"), "[1, 2, 3, 4]");
    }
}
