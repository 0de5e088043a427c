//! Host state machine and reachability (spec checks-and-states.md §5).
