//! The iteration order of a C++ `std::unordered_set<std::string>` /
//! `std::unordered_map<std::string, _>` (GCC's libstdc++, 64-bit), for the few
//! columns where mk-livestatus 1.5 builds its answer in such a container: a host's
//! or service's `contacts` and the `custom_variables` dictionaries. Clients do not
//! rely on that order, but the recorded reference replies show it, so vigil emits
//! the same order.
//!
//! Facts used: `std::hash<std::string>` is `_Hash_bytes(data, len, 0xc70f6907)`
//! (a MurmurHash64A variant); a node is linked in front of its bucket's run, or at
//! the front of the whole list when its bucket is empty; the bucket counts
//! a default-constructed container goes through (13, 29, 59, 127, ... as measured
//! with GCC 12) and the rehash that relinks nodes bucket by bucket.

const MUL: u64 = 0xc6a4a793_5bd1e995;
const SEED: u64 = 0xc70f6907;

fn shift_mix(v: u64) -> u64 {
    v ^ (v >> 47)
}

/// libstdc++'s `std::hash<std::string>` on 64-bit targets.
pub fn hash_bytes(b: &[u8]) -> u64 {
    let len = b.len();
    let aligned = len & !7;
    let mut hash = SEED ^ (len as u64).wrapping_mul(MUL);
    for chunk in b[..aligned].chunks_exact(8) {
        let mut w = [0u8; 8];
        w.copy_from_slice(chunk);
        let data = shift_mix(u64::from_le_bytes(w).wrapping_mul(MUL)).wrapping_mul(MUL);
        hash ^= data;
        hash = hash.wrapping_mul(MUL);
    }
    if len & 7 != 0 {
        let mut data: u64 = 0;
        for &x in b[aligned..].iter().rev() {
            data = (data << 8) | u64::from(x);
        }
        hash ^= data;
        hash = hash.wrapping_mul(MUL);
    }
    hash = shift_mix(hash).wrapping_mul(MUL);
    shift_mix(hash)
}

/// (element count that triggers the growth, new bucket count), as measured.
const GROWTH: [(usize, u64); 18] = [
    (1, 13),
    (14, 29),
    (30, 59),
    (60, 127),
    (128, 257),
    (258, 541),
    (542, 1109),
    (1110, 2357),
    (2358, 5087),
    (5088, 10273),
    (10274, 20753),
    (20754, 42043),
    (42044, 85229),
    (85230, 172933),
    (172934, 351061),
    (351062, 712697),
    (712698, 1447153),
    (1447154, 2938679),
];

/// The order in which a libstdc++ unordered container holding the given keys (in
/// insertion order; duplicates are ignored like `insert` does) iterates them.
/// Returns indexes into `keys`.
pub fn unordered_order<S: AsRef<str>>(keys: &[S]) -> Vec<usize> {
    // The singly linked node list is modelled as a Vec in list order; `first` of a
    // bucket is the position of its first node. Sizes here are tiny (a few contacts
    // or variables), so linear updates are fine.
    let mut list: Vec<(usize, u64)> = Vec::with_capacity(keys.len());
    let mut buckets: u64 = 1;
    for (i, k) in keys.iter().enumerate() {
        let h = hash_bytes(k.as_ref().as_bytes());
        if list
            .iter()
            .any(|&(j, hj)| hj == h && keys[j].as_ref() == k.as_ref())
        {
            continue;
        }
        let n = list.len() + 1;
        if let Some(&(_, nb)) = GROWTH.iter().find(|&&(at, _)| at == n) {
            // Rehash: walk the old list, relinking into the new buckets.
            let old = std::mem::take(&mut list);
            buckets = nb;
            for node in old {
                insert_node(&mut list, node, buckets);
            }
        }
        insert_node(&mut list, (i, h), buckets);
    }
    list.into_iter().map(|(i, _)| i).collect()
}

fn insert_node(list: &mut Vec<(usize, u64)>, node: (usize, u64), buckets: u64) {
    let b = node.1 % buckets;
    match list.iter().position(|&(_, h)| h % buckets == b) {
        // Non-empty bucket: after the node before the bucket's first node, i.e. at
        // the bucket's first position.
        Some(p) => list.insert(p, node),
        None => list.insert(0, node),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(keys: &[&str]) -> Vec<String> {
        unordered_order(keys)
            .into_iter()
            .map(|i| keys[i].to_string())
            .collect()
    }

    // Expected orders measured with a C++ program (GCC 12, libstdc++) that inserts
    // the keys into a std::unordered_set<std::string> and prints it.
    #[test]
    fn matches_libstdcxx() {
        assert_eq!(order(&["bob", "alice", "carol"]), ["carol", "alice", "bob"]);
        assert_eq!(order(&["bob", "carol", "alice"]), ["alice", "carol", "bob"]);
        assert_eq!(order(&["alice", "carol", "bob"]), ["bob", "carol", "alice"]);
        assert_eq!(order(&["carol", "alice"]), ["alice", "carol"]);
        assert_eq!(order(&["LOCATION", "OWNER"]), ["OWNER", "LOCATION"]);
        assert_eq!(order(&["OWNER", "LOCATION"]), ["LOCATION", "OWNER"]);
    }

    #[test]
    fn duplicates_are_ignored() {
        assert_eq!(order(&["a", "a"]), ["a"]);
    }
}
