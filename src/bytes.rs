//! Byte strings on the hot path: a byte found a word at a time, and short strings compared and
//! copied without a call to the C library.

/// Where `b` first occurs in `hay`, looked for eight bytes at a time (a word whose bytes XOR
/// `b` has a zero byte holds it; the lowest flagged byte is the first match, as a borrow only
/// flags bytes above a true zero).
#[inline]
pub(crate) fn find_byte(hay: &[u8], b: u8) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let pattern = LO * u64::from(b);
    let (words, tail) = hay.as_chunks::<8>();
    for (k, w) in words.iter().enumerate() {
        let x = u64::from_le_bytes(*w) ^ pattern;
        let found = x.wrapping_sub(LO) & !x & HI;
        if found != 0 {
            return Some(k * 8 + (found.trailing_zeros() / 8) as usize);
        }
    }
    let start = words.len() * 8;
    tail.iter().position(|&x| x == b).map(|i| start + i)
}

/// `a == b`, for the short strings a verifier compares (a region, a service, a date, an access
/// key id): the lengths, then up to 32 bytes as their first and last few bytes, loaded as
/// whole words. `==` on slices calls the C library's `memcmp`, whose dispatch costs more than
/// such a compare; longer strings still go to it.
#[inline(always)]
pub(crate) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    match n {
        0 => true,
        1..=3 => a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1],
        4..=7 => ends::<4>(a) == ends::<4>(b),
        8..=16 => ends::<8>(a) == ends::<8>(b),
        17..=32 => ends::<16>(a) == ends::<16>(b),
        _ => a == b,
    }
}

/// The first and the last `N` bytes of `s`, which between them cover it when it has at most
/// `2 * N`.
#[inline(always)]
fn ends<const N: usize>(s: &[u8]) -> Option<([u8; N], [u8; N])> {
    Some((*s.first_chunk::<N>()?, *s.last_chunk::<N>()?))
}

/// `dst.copy_from_slice(src)`, for the pieces a hasher is given (a name, `\n`, a value of a few
/// bytes): up to 32 bytes as their first and last few bytes, loaded and stored as whole words,
/// instead of a call to the C library's `memcpy`, whose dispatch costs more than such a copy.
/// Only the RustCrypto backend's hasher uses it.
#[inline(always)]
#[cfg_attr(feature = "aws-lc", allow(dead_code))]
pub(crate) fn copy_short(dst: &mut [u8], src: &[u8]) {
    let n = src.len();
    match n {
        0 => {}
        1..=3 => {
            dst[0] = src[0];
            dst[n / 2] = src[n / 2];
            dst[n - 1] = src[n - 1];
        }
        4..=7 => copy_ends::<4>(dst, src),
        8..=15 => copy_ends::<8>(dst, src),
        16..=32 => copy_ends::<16>(dst, src),
        _ => dst.copy_from_slice(src),
    }
}

/// The first and the last `N` bytes of `src` (which has `N` to `2 * N`) into `dst`, of the same
/// length: between them they cover every byte.
#[inline(always)]
#[cfg_attr(feature = "aws-lc", allow(dead_code))]
fn copy_ends<const N: usize>(dst: &mut [u8], src: &[u8]) {
    let n = src.len();
    match (src.first_chunk::<N>(), src.last_chunk::<N>()) {
        (Some(head), Some(tail)) if dst.len() == n => {
            dst[..N].copy_from_slice(head);
            dst[n - N..].copy_from_slice(tail);
        }
        _ => dst.copy_from_slice(src),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prelude::*;

    #[test]
    fn same_bytes_is_slice_equality_at_every_length_and_differing_byte() {
        let a: Vec<u8> = (1..=40).collect();
        for n in 0..=a.len() {
            assert!(same_bytes(&a[..n], &a[..n]), "equal, length {n}");
            for m in 0..=a.len() {
                assert_eq!(same_bytes(&a[..n], &a[..m]), n == m, "lengths {n} and {m}");
            }
            for i in 0..n {
                let mut b = a[..n].to_vec();
                b[i] ^= 0x20;
                assert!(!same_bytes(&a[..n], &b), "length {n}, byte {i} differs");
            }
        }
    }

    #[test]
    fn find_byte_finds_the_first_match_anywhere() {
        let hay: Vec<u8> = (0..40u8).map(|i| b'a' + i % 26).collect();
        for at in 0..hay.len() {
            for b in [b',', 0x00, 0x80, 0xff, 0x2b] {
                let mut h = hay.clone();
                h[at] = b;
                if at + 3 < h.len() {
                    h[at + 3] = b;
                }
                assert_eq!(find_byte(&h, b), Some(at), "{at} {b}");
                assert_eq!(find_byte(&h[..at], b), None);
            }
        }
    }

    #[test]
    fn short_copies_copy_every_byte_at_every_length_and_offset() {
        let src: Vec<u8> = (1..=80).collect();
        for len in 0..=src.len() {
            for at in 0..4 {
                let mut dst = [0u8; 90];
                copy_short(&mut dst[at..at + len], &src[..len]);
                assert_eq!(&dst[at..at + len], &src[..len], "length {len} at {at}");
                assert!(dst[..at].iter().all(|&b| b == 0), "before, length {len}");
                assert!(
                    dst[at + len..].iter().all(|&b| b == 0),
                    "after, length {len}"
                );
            }
        }
    }
}
