//! Flap detection (spec checks-and-states.md §9).
