//! Service state machine (spec checks-and-states.md §4).
