//! Fractional ordering keys: a list of items with stable ids keeps each
//! item's place as a string key, so inserting between two items never moves
//! the others, and moving an item is one change to one key. Two people who
//! insert at the same spot at once may pick the same key; items sort by
//! (key, id), so both stay, in the same order on every replica.

const DIGITS: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const BASE: usize = DIGITS.len();

fn digit(c: u8) -> usize {
    DIGITS.iter().position(|d| *d == c).unwrap_or(0)
}

/// A key that sorts strictly between `before` and `after` (either may be
/// absent: the start or the end of the list). Keys never end in the lowest
/// digit, so there is always room before any key. When `before >= after`
/// (keys edited by hand, or two equal keys from concurrent inserts) the
/// result sorts after `before`.
pub fn key_between(before: Option<&str>, after: Option<&str>) -> String {
    let lo: Vec<usize> = before.unwrap_or("").bytes().map(digit).collect();
    let hi: Option<Vec<usize>> = after
        .filter(|a| before.is_none_or(|b| b < *a))
        .map(|a| a.bytes().map(digit).collect());
    let out = midpoint(&lo, hi.as_deref());
    out.into_iter().map(|d| DIGITS[d] as char).collect()
}

/// Digits strictly between the fractions `0.lo` and `0.hi` (hi absent = 1).
fn midpoint(lo: &[usize], hi: Option<&[usize]>) -> Vec<usize> {
    if let Some(hi) = hi {
        // Shared prefix (lo padded with zeros) carries over unchanged.
        let n = hi
            .iter()
            .enumerate()
            .take_while(|(i, h)| lo.get(*i).copied().unwrap_or(0) == **h)
            .count();
        if n > 0 {
            let mut out = hi[..n].to_vec();
            out.extend(midpoint(lo.get(n..).unwrap_or(&[]), Some(&hi[n..])));
            return out;
        }
    }
    let l = lo.first().copied().unwrap_or(0);
    let h = hi.and_then(|h| h.first().copied()).unwrap_or(BASE);
    if h > l + 1 {
        return vec![(l + h).div_ceil(2)];
    }
    match hi {
        // hi has more digits after its first: its first digit alone fits.
        Some(hi) if hi.len() > 1 => vec![hi[0]],
        // Consecutive digits: keep lo's and go above the rest of lo.
        _ => {
            let mut out = vec![l];
            out.extend(midpoint(lo.get(1..).unwrap_or(&[]), None));
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn keys_at_the_ends_and_between() {
        let first = key_between(None, None);
        let before = key_between(None, Some(&first));
        let after = key_between(Some(&first), None);
        assert!(before < first && first < after, "{before} {first} {after}");
        let mid = key_between(Some(&first), Some(&after));
        assert!(first < mid && mid < after, "{first} {mid} {after}");
    }

    #[test]
    fn a_thousand_inserts_at_the_front_stay_ordered_and_short() {
        let mut keys = vec![key_between(None, None)];
        for _ in 0..1000 {
            let k = key_between(None, Some(&keys[0]));
            assert!(k < keys[0]);
            keys.insert(0, k);
        }
        assert!(keys.iter().all(|k| k.len() < 200));
    }

    fn key() -> impl Strategy<Value = String> {
        proptest::collection::vec(0usize..BASE, 1..6).prop_map(|ds| {
            let mut s: Vec<u8> = ds.into_iter().map(|d| DIGITS[d]).collect();
            if s.last() == Some(&DIGITS[0]) {
                s.push(DIGITS[1]);
            }
            String::from_utf8(s).expect("ascii")
        })
    }

    proptest! {
        #[test]
        fn between_is_strictly_between(a in key(), b in key()) {
            prop_assume!(a != b);
            let (lo, hi) = if a < b { (a, b) } else { (b, a) };
            let k = key_between(Some(&lo), Some(&hi));
            prop_assert!(lo < k && k < hi, "{} < {} < {}", lo, k, hi);
        }

        #[test]
        fn open_ends_work(a in key()) {
            let before = key_between(None, Some(&a));
            let after = key_between(Some(&a), None);
            prop_assert!(before < a && a < after);
        }
    }
}
